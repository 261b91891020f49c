// The AWS Lambda handler contract: `handler(event, context) -> response`, JSON in and out.
import Foundation

/// What the Lambda runtime passes beside the event.
public struct LambdaContext: Sendable {
    public var functionName: String
    public var memoryLimitInMB: Int
    public var requestID: String
    /// Seconds left before the function times out, when it was called.
    public var remainingTimeSeconds: Double

    public init(functionName: String, memoryLimitInMB: Int, requestID: String, remainingTimeSeconds: Double) {
        self.functionName = functionName
        self.memoryLimitInMB = memoryLimitInMB
        self.requestID = requestID
        self.remainingTimeSeconds = remainingTimeSeconds
    }
}

/// A function body: the event as JSON bytes in, the response as JSON bytes out.
/// Throwing is an unhandled error: Lambda reports `errorType` and `errorMessage`.
public protocol LambdaFunctionHandler: Sendable {
    func handle(event: Data, context: LambdaContext) throws -> Data
}
