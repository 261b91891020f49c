// Lambda's Invoke: payload limits, cold and warm starts, timeouts and function errors.
// The handler is real code run on this thread and timed with the wall clock; the
// virtual clock then moves forward by the same amount (plus simulated container start
// on a cold start), so a handout's timeline matches what ran.
import Foundation
import Serving

public enum InvocationType: String, Sendable { case requestResponse = "RequestResponse", event = "Event", dryRun = "DryRun" }

public enum LogType: String, Sendable { case none = "None", tail = "Tail" }

public struct InvocationOutput: Sendable, Equatable {
    /// 200 RequestResponse, 202 Event, 204 DryRun.
    public var statusCode: Int
    /// "Unhandled" when the function failed; the payload then holds errorMessage/errorType.
    public var functionError: String?
    public var payload: Data
    public var executedVersion: String
    /// Base64 of the log tail (START/END/REPORT lines) when LogType is Tail.
    public var logResult: String?
    // What the REPORT line says, for handouts (not members of the wire response).
    public var requestId: String
    public var coldStart: Bool
    /// Simulated seconds of the init phase; nil on a warm start.
    public var initDuration: TimeInterval?
    /// Measured seconds of the handler call.
    public var duration: TimeInterval
}

public struct InvocationRecord: Sendable, Equatable {
    public var requestId: String
    public var invocationType: InvocationType
    public var timestamp: Date
    public var coldStart: Bool
    public var initDuration: TimeInterval?
    public var duration: TimeInterval
    public var functionError: String?
}

struct WarmInstance {
    var handler: any LambdaFunctionHandler
    var lastUsed: Date
}

extension Lambda {
    /// Invoke's payload quotas: 6 MB synchronous, 256 KB asynchronous.
    public static let maxSynchronousPayloadBytes = 6_291_456
    /// A synchronous response may be 100 bytes larger than a request: Lambda's limit is
    /// 6,291,556 bytes, the figure its ResponseSizeTooLarge message quotes.
    public static let maxSynchronousResponseBytes = LambdaRuntime.maxSynchronousResponseBytes
    public static let maxEventPayloadBytes = 262_144

    public func invoke(functionName: String, invocationType: InvocationType = .requestResponse,
                       payload: Data = Data("{}".utf8), logType: LogType = .none) throws -> InvocationOutput {
        let record = try lock.withLock { try self.record(functionName) }
        let limit = invocationType == .event ? Self.maxEventPayloadBytes : Self.maxSynchronousPayloadBytes
        guard payload.count <= limit else {
            throw Self.error("RequestTooLargeException", 413,
                             "Request must be smaller than \(limit) bytes for the InvokeFunction operation")
        }
        let event = payload.isEmpty ? Data("{}".utf8) : payload
        do { _ = try JSONSerialization.jsonObject(with: event, options: [.fragmentsAllowed]) } catch {
            throw Self.error("InvalidRequestContentException", 400,
                             "Could not parse request body into json: Could not parse payload into json: \(error.localizedDescription)")
        }
        let requestId = lock.withLock { () -> String in
            sequence += 1
            return Digest.uuidString(from: "\(record.configuration.functionArn)|\(sequence)")
        }
        switch invocationType {
        case .dryRun:
            return InvocationOutput(statusCode: 204, functionError: nil, payload: Data(), executedVersion: "$LATEST",
                                    logResult: nil, requestId: requestId, coldStart: false, initDuration: nil, duration: 0)
        case .event:
            clock.schedule(after: 0, label: "lambda \(record.configuration.functionName) Event \(requestId)") { [self] in
                _ = run(record, event: event, requestId: requestId, type: .event, logType: .none)
            }
            return InvocationOutput(statusCode: 202, functionError: nil, payload: Data(), executedVersion: "$LATEST",
                                    logResult: nil, requestId: requestId, coldStart: false, initDuration: nil, duration: 0)
        case .requestResponse:
            return run(record, event: event, requestId: requestId, type: .requestResponse, logType: logType)
        }
    }

    /// Every invocation of the function so far, oldest first (Event ones once they have run).
    public func invocations(functionName: String) -> [InvocationRecord] {
        lock.withLock { invocationLog[functionName] ?? [] }
    }

    // MARK: Running

    private func run(_ record: FunctionRecord, event: Data, requestId: String, type: InvocationType,
                     logType: LogType) -> InvocationOutput {
        invocationLock.lock()
        defer { invocationLock.unlock() }
        let configuration = record.configuration
        let name = configuration.functionName
        let (handler, initDuration, initFailure) = instance(for: record)
        var outcome: Result<Data, FunctionFailure> = .failure(initFailure)
        var duration: TimeInterval = 0
        if let handler {
            let context = LambdaContext(functionName: name, memoryLimitInMB: configuration.memorySize,
                                        requestID: requestId, remainingTimeSeconds: Double(configuration.timeout))
            (outcome, duration) = LambdaRuntime.invoke(handler, event: event, context: context,
                                                       timeout: Double(configuration.timeout))
            clock.advance(by: duration)
        }
        lock.withLock {
            if let handler, outcome.timedOut == false {
                warmInstances[name] = WarmInstance(handler: handler, lastUsed: clock.now)
            } else {
                warmInstances[name] = nil  // Lambda recycles an environment that timed out or failed to start
            }
        }
        return finish(record, outcome: outcome, requestId: requestId, type: type, logType: logType,
                      initDuration: initDuration, duration: duration)
    }

    /// The warm instance, or a new one: a cold start loads the handler from the image and
    /// moves the clock by the container start plus the measured load time.
    private func instance(for record: FunctionRecord)
        -> (handler: (any LambdaFunctionHandler)?, initDuration: TimeInterval?, failure: FunctionFailure) {
        let name = record.configuration.functionName
        let warm = lock.withLock { () -> (any LambdaFunctionHandler)? in
            guard let warm = warmInstances[name], clock.now.timeIntervalSince(warm.lastUsed) <= timing.idleTimeout else {
                warmInstances[name] = nil
                return nil
            }
            return warm.handler
        }
        var failure = FunctionFailure(type: "Runtime.InitError", message: "the function's handler could not be loaded")
        if let warm { return (warm, nil, failure) }
        lock.withLock { environments[name, default: 0] += 1 }
        let started = Date()
        var handler: (any LambdaFunctionHandler)?
        switch LambdaRuntime.load(record.image.manifest.entryPoint, from: record.image.manifest.directory, registry: registry) {
        case .success(let loaded): handler = loaded
        case .failure(let refused): failure = refused
        }
        let initDuration = timing.containerStart + Date().timeIntervalSince(started)
        clock.advance(by: initDuration)
        return (handler, initDuration, failure)
    }

    private func finish(_ record: FunctionRecord, outcome: Result<Data, FunctionFailure>, requestId: String,
                        type: InvocationType, logType: LogType, initDuration: TimeInterval?,
                        duration: TimeInterval) -> InvocationOutput {
        let configuration = record.configuration
        let functionError: String? = outcome.failed ? "Unhandled" : nil
        let payload: Data
        switch outcome {
        case .success(let body): payload = body
        case .failure(let failure): payload = failure.payload
        }
        lock.withLock {
            invocationLog[configuration.functionName, default: []].append(InvocationRecord(
                requestId: requestId, invocationType: type, timestamp: clock.now, coldStart: initDuration != nil,
                initDuration: initDuration, duration: duration, functionError: functionError))
        }
        publishMetrics(configuration.functionName, duration: duration, failed: outcome.failed)
        let report = LambdaRuntime.report(requestId: requestId, duration: duration, memorySize: configuration.memorySize,
                                          initDuration: initDuration)
        writeLog(configuration.functionName, report: report, outcome: outcome, requestId: requestId)
        return InvocationOutput(
            statusCode: 200, functionError: functionError, payload: payload, executedVersion: "$LATEST",
            logResult: logType == .tail ? Data(report.utf8).base64EncodedString() : nil, requestId: requestId,
            coldStart: initDuration != nil, initDuration: initDuration, duration: duration)
    }

    /// START/END/REPORT, and the error a failed call raised, in `/aws/lambda/<name>`: one
    /// stream per execution environment, named as Lambda names it (`2026/01/01/[$LATEST]<id>`).
    private func writeLog(_ name: String, report: String, outcome: Result<Data, FunctionFailure>, requestId: String) {
        guard let logs else { return }
        let day = ISO8601DateFormatter.string(from: clock.now, timeZone: TimeZone(identifier: "UTC") ?? .current,
                                              formatOptions: [.withFullDate]).replacingOccurrences(of: "-", with: "/")
        let environment = lock.withLock { environments[name, default: 0] }
        let stream = "\(day)/[$LATEST]" + Digest.sha256Hex(Data("\(name)|\(environment)|\(day)".utf8)).prefix(32)
        var lines = report.split(separator: "\n").map(String.init)
        if case .failure(let failure) = outcome {
            lines.insert("[ERROR] \(failure.type): \(failure.message)\tRequestId: \(requestId)", at: 1)
        }
        for line in lines { logs.write(group: "/aws/lambda/\(name)", stream: stream, line) }
    }

    private func publishMetrics(_ name: String, duration: TimeInterval, failed: Bool) {
        guard let cloudWatch else { return }
        let dimensions = [MetricDimension(name: "FunctionName", value: name)]
        try? cloudWatch.putMetricData(namespace: "AWS/Lambda", metricName: "Invocations", dimensions: dimensions, value: 1, unit: .count)
        try? cloudWatch.putMetricData(namespace: "AWS/Lambda", metricName: "Duration", dimensions: dimensions,
                                      value: duration * 1000, unit: .milliseconds)
        try? cloudWatch.putMetricData(namespace: "AWS/Lambda", metricName: "Errors", dimensions: dimensions,
                                      value: failed ? 1 : 0, unit: .count)
    }
}

private extension Result where Failure == FunctionFailure {
    var failed: Bool { if case .failure = self { return true } else { return false } }
    var timedOut: Bool { if case .failure(let failure) = self { return failure.timedOut } else { return false } }
}
