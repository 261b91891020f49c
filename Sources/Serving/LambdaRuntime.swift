// What the Lambda runtime does around a handler, shared by Lambda's Invoke (Cloud) and the
// runtime interface emulator's local route (CloudServer): load the handler as a cold
// start does, call it, turn a throw, a timeout or a bad response into the error the
// runtime reports, and write the START/END/REPORT lines of the function's log.
import Foundation

/// An unhandled function error, as the runtime serializes it.
public struct FunctionFailure: Error, Sendable, Equatable {
    public var type: String
    public var message: String
    public var timedOut = false

    public init(type: String, message: String, timedOut: Bool = false) {
        self.type = type
        self.message = message
        self.timedOut = timedOut
    }

    /// `{"errorMessage": …, "errorType": …}`, the payload Invoke returns for a failed call.
    public var payload: Data {
        let object = ["errorMessage": message, "errorType": type]
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    }
}

public enum LambdaRuntime {
    /// Lambda's limit on a synchronous response, the figure its ResponseSizeTooLarge message quotes.
    public static let maxSynchronousResponseBytes = 6_291_556

    /// A cold start's init phase: the image's handler loaded from its files.
    public static func load(_ entryPoint: String, from directory: URL,
                            registry: HandlerRegistry) -> Result<any LambdaFunctionHandler, FunctionFailure> {
        do { return .success(try registry.loadFunction(entryPoint, from: directory)) } catch {
            let type = if case RegistryError.unknownHandler = error { "Runtime.HandlerNotFound" } else { "Runtime.InitError" }
            return .failure(FunctionFailure(type: type, message: "\(error)"))
        }
    }

    /// Calls `handler` and checks what it returned against the function's timeout and
    /// Lambda's response rules. Returns the outcome and the measured seconds.
    public static func invoke(_ handler: any LambdaFunctionHandler, event: Data,
                              context: LambdaContext, timeout: Double) -> (Result<Data, FunctionFailure>, TimeInterval) {
        let started = Date()
        let outcome = Result { try handler.handle(event: event, context: context) }
            .mapError { FunctionFailure(type: String(describing: type(of: $0)), message: "\($0)") }
        let duration = Date().timeIntervalSince(started)
        return (checked(outcome, duration: duration, timeout: timeout, requestId: context.requestID), duration)
    }

    /// A response that ran too long, is not JSON, or is too large becomes the error Lambda reports.
    static func checked(_ outcome: Result<Data, FunctionFailure>, duration: TimeInterval, timeout: Double,
                        requestId: String) -> Result<Data, FunctionFailure> {
        guard duration <= timeout else {
            return .failure(FunctionFailure(
                type: "Sandbox.Timedout",
                message: "RequestId: \(requestId) Error: Task timed out after \(String(format: "%.2f", timeout)) seconds",
                timedOut: true))
        }
        guard case .success(let body) = outcome else { return outcome }
        guard body.count <= maxSynchronousResponseBytes else {
            return .failure(FunctionFailure(type: "Function.ResponseSizeTooLarge",
                                            message: "Response payload size (\(body.count) bytes) exceeded maximum allowed payload size (\(maxSynchronousResponseBytes) bytes)."))
        }
        guard (try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed])) != nil else {
            return .failure(FunctionFailure(type: "Runtime.MarshalError",
                                            message: "Unable to marshal response: the handler returned \(body.count) bytes that are not JSON"))
        }
        return outcome
    }

    /// The log lines Lambda writes around an invocation.
    public static func report(requestId: String, duration: TimeInterval, memorySize: Int,
                              initDuration: TimeInterval?) -> String {
        "START RequestId: \(requestId) Version: $LATEST\nEND RequestId: \(requestId)\n"
            + "REPORT RequestId: \(requestId)\tDuration: \(String(format: "%.2f", duration * 1000)) ms\t"
            + "Billed Duration: \(Int((duration * 1000).rounded(.up))) ms\tMemory Size: \(memorySize) MB"
            + (initDuration.map { "\tInit Duration: \(String(format: "%.2f", $0 * 1000)) ms" } ?? "") + "\n"
    }
}
