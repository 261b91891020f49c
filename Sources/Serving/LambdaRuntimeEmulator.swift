// The Lambda runtime interface emulator (aws-lambda-runtime-interface-emulator), as a
// container image's README tests the image before it is pushed:
//   curl -XPOST localhost:9000/2015-03-31/functions/function/invocations -d @event.json
// One function, one invocation at a time, the first one a cold start. As the RIE does,
// every invocation answers 200: the handler's JSON, or the runtime's error object
// (errorMessage, errorType, requestId, stackTrace), or "Task timed out after … seconds".
import Foundation

public final class LambdaRuntimeEmulator: @unchecked Sendable {
    public static let invocationsPath = "/2015-03-31/functions/function/invocations"

    /// What the RIE reads from AWS_LAMBDA_FUNCTION_* and the image's CMD; its defaults.
    public struct Configuration: Sendable {
        public var entryPoint: String
        public var directory: URL
        public var functionName = "function"
        public var memorySize = 3008
        public var timeout = 300.0

        public init(entryPoint: String, directory: URL) {
            self.entryPoint = entryPoint
            self.directory = directory
        }
    }

    public struct Reply: Sendable, Equatable {
        public var status: Int
        public var contentType: String
        public var body: Data
        /// The function's log lines for this call (START/END/REPORT), as the RIE prints them.
        public var log: String
        /// Seconds of the init phase when this call was a cold start.
        public var initDuration: TimeInterval?
        public var failure: FunctionFailure?
    }

    public let configuration: Configuration
    private let registry: HandlerRegistry
    private let lock = NSLock()
    private var warm: (any LambdaFunctionHandler)?

    public init(_ configuration: Configuration, registry: HandlerRegistry) {
        self.configuration = configuration
        self.registry = registry
    }

    /// Answers one HTTP request as the RIE's router does.
    public func respond(method: String, path: String, body: Data, requestId: String = UUID().uuidString.lowercased()) -> Reply {
        guard path == Self.invocationsPath else {
            return Reply(status: 404, contentType: "text/plain; charset=utf-8", body: Data("404 page not found\n".utf8), log: "")
        }
        guard method == "POST" else {
            return Reply(status: 405, contentType: "text/plain; charset=utf-8", body: Data(), log: "")
        }
        return lock.withLock { invoke(event: body.isEmpty ? Data("{}".utf8) : body, requestId: requestId) }
    }

    private func invoke(event: Data, requestId: String) -> Reply {
        var initDuration: TimeInterval?
        var outcome: Result<Data, FunctionFailure>
        var duration: TimeInterval = 0
        var initFailure = FunctionFailure(type: "Runtime.InitError", message: "the function's handler could not be loaded")
        if warm == nil {
            let started = Date()
            switch LambdaRuntime.load(configuration.entryPoint, from: configuration.directory, registry: registry) {
            case .success(let handler): warm = handler
            case .failure(let failure): initFailure = failure
            }
            initDuration = Date().timeIntervalSince(started)
        }
        if let handler = warm {
            if let problem = Self.unmarshalProblem(event) {
                outcome = .failure(FunctionFailure(type: "Runtime.UnmarshalError", message: "Unable to unmarshal input: \(problem)"))
            } else {
                let context = LambdaContext(functionName: configuration.functionName, memoryLimitInMB: configuration.memorySize,
                                            requestID: requestId, remainingTimeSeconds: configuration.timeout)
                (outcome, duration) = LambdaRuntime.invoke(handler, event: event, context: context, timeout: configuration.timeout)
            }
        } else {
            outcome = .failure(initFailure)
        }
        let log = LambdaRuntime.report(requestId: requestId, duration: duration, memorySize: configuration.memorySize,
                                       initDuration: initDuration)
        switch outcome {
        case .success(let body):
            return Reply(status: 200, contentType: "text/plain; charset=utf-8", body: body, log: log, initDuration: initDuration)
        case .failure(let failure):
            if failure.timedOut { warm = nil }  // the RIE restarts a runtime that timed out
            return Reply(status: 200, contentType: "text/plain; charset=utf-8", body: Self.body(failure, requestId: requestId),
                         log: log, initDuration: initDuration, failure: failure)
        }
    }

    private static func unmarshalProblem(_ event: Data) -> String? {
        guard (try? JSONSerialization.jsonObject(with: event, options: [.fragmentsAllowed])) == nil else { return nil }
        let start = String(decoding: event.prefix(40), as: UTF8.self).debugDescription
        return "the event is not JSON (\(event.count) bytes, starting \(start))"
    }

    private static func body(_ failure: FunctionFailure, requestId: String) -> Data {
        if failure.timedOut {
            return Data((failure.message.components(separatedBy: "Error: ").last ?? failure.message).utf8)
        }
        let object: [String: Any] = ["errorMessage": failure.message, "errorType": failure.type,
                                     "requestId": requestId, "stackTrace": [String]()]
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    }
}
