// The SageMaker inference toolkit's handler contract, as typed Swift.
//
// SageMaker calls `model_fn(model_dir)` once per container, then per request either
// `input_fn -> predict_fn -> output_fn` or one `transform_fn`. Here `model_fn` is the
// loader registered under the handler's name (the analogue of SAGEMAKER_PROGRAM),
// and a request is `InferenceHandler.invoke`.
import Foundation

/// The bytes a handler returns, with the content type it chose.
public struct InvocationResponse: Sendable, Equatable {
    public var body: Data
    public var contentType: String

    public init(body: Data, contentType: String) {
        self.body = body
        self.contentType = contentType
    }
}

/// A failure inside user code. At an endpoint it becomes `ModelError` (424) with
/// this status and message as OriginalStatusCode / OriginalMessage.
public struct HandlerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The status the model server would have answered with (400 for bad input, 500 otherwise).
    public var statusCode: Int
    public var message: String

    public init(statusCode: Int = 400, _ message: String) {
        self.statusCode = statusCode
        self.message = message
    }

    public static func badInput(_ message: String) -> HandlerError { HandlerError(statusCode: 400, message) }
    public static func internalError(_ message: String) -> HandlerError { HandlerError(statusCode: 500, message) }
    public static func unsupportedContentType(_ type: String, accepted: [String]) -> HandlerError {
        HandlerError(statusCode: 415, "content type '\(type)' is not supported; use one of \(accepted.joined(separator: ", "))")
    }

    public var description: String { message }
}

/// One loaded model behind the container contract: `transform_fn`.
public protocol InferenceHandler: Sendable {
    /// Runs one request. Throws `HandlerError` for anything the request got wrong.
    func invoke(body: Data, contentType: String, accept: String) throws -> InvocationResponse
}

/// The three-function form of the contract. `invoke` chains them, as the toolkit's
/// default `transform_fn` does.
public protocol StagedInferenceHandler: InferenceHandler {
    associatedtype Input
    associatedtype Prediction
    func inputFn(_ body: Data, contentType: String) throws -> Input
    func predictFn(_ input: Input) throws -> Prediction
    func outputFn(_ prediction: Prediction, accept: String) throws -> InvocationResponse
}

extension StagedInferenceHandler {
    public func invoke(body: Data, contentType: String, accept: String) throws -> InvocationResponse {
        try outputFn(predictFn(inputFn(body, contentType: contentType)), accept: accept)
    }
}
