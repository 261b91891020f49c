// An asynchronous endpoint's queue: requests wait here in arrival order until an instance
// has a free slot (at most MaxConcurrentInvocationsPerInstance at once per instance).
// Its size is what ApproximateBacklogSize reports and what autoscaling tracks.
import Foundation

struct QueuedInvocation {
    var inferenceId: String
    var inputLocation: String
    var contentType: String?
    var accept: String?
    var receivedTime: Date
    var requestTTL: TimeInterval
    var invocationTimeout: TimeInterval
    var outputLocation: String
    var failureLocation: String?
}

final class InvocationQueue {
    /// Used when ClientConfig leaves MaxConcurrentInvocationsPerInstance unset.
    static let defaultMaxConcurrentPerInstance = 1

    var maxConcurrentPerInstance = defaultMaxConcurrentPerInstance
    private var pending: [QueuedInvocation] = []
    private var head = 0
    /// Requests taken from the queue and not yet finished.
    var inProgress = 0

    func enqueue(_ invocation: QueuedInvocation) { pending.append(invocation) }

    func popFirst() -> QueuedInvocation? {
        guard head < pending.count else { return nil }
        let first = pending[head]
        head += 1
        // Compact now and then so a long run does not keep every finished request.
        if head > 1024 && head * 2 > pending.count {
            pending.removeFirst(head)
            head = 0
        }
        return first
    }

    var waiting: Int { pending.count - head }
    /// Requests queued or being processed: AWS's ApproximateBacklogSize.
    var backlog: Int { waiting + inProgress }
    var oldestReceivedTime: Date? { head < pending.count ? pending[head].receivedTime : nil }

    func removeAll() {
        pending.removeAll()
        head = 0
    }
}
