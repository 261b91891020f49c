// A serverless variant's workers. There are no instances to count: a worker (one loaded
// copy of the model) comes up on demand, which is the cold start, and is released after
// it has been idle for `timing.serverlessIdleTimeout`. At most MaxConcurrency requests run
// at once; the next one is throttled.
import Foundation

final class ServerlessPool {
    private struct Worker {
        var instance: ModelInstance
        var lastUsed: Date
    }

    let config: ProductionVariantServerlessConfig
    private var idle: [Worker] = []
    private(set) var inFlight = 0

    init(config: ProductionVariantServerlessConfig) { self.config = config }

    /// A warm worker if one is idle, else nil: the caller starts one (a cold start).
    /// Throws ThrottlingException when MaxConcurrency requests are already running.
    func acquire(now: Date, idleTimeout: TimeInterval) throws -> ModelInstance? {
        idle.removeAll { now.timeIntervalSince($0.lastUsed) > idleTimeout }
        guard inFlight < config.maxConcurrency else {
            // The text of AWS's CommonErrors entry for ThrottlingException.
            throw SageMakerErrors.throttling("The request was denied due to request throttling.")
        }
        inFlight += 1
        return idle.popLast()?.instance
    }

    func release(_ instance: ModelInstance?, now: Date) {
        inFlight = max(0, inFlight - 1)
        if let instance { idle.append(Worker(instance: instance, lastUsed: now)) }
    }
}
