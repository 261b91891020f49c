// Errors as AWS returns them: a code and an HTTP status taken from botocore's service
// models, and AWS's own message. The wire protocols (AWSWire) write these in each
// protocol's own error shape.
import Foundation

public struct AWSError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The service whose API raised it, as botocore names it ("s3", "sagemaker", "sns", ...).
    public var service: String
    /// The error code, e.g. `NoSuchKey`, `ValidationException`, `ModelError`.
    public var code: String
    /// The HTTP status botocore's model gives the error (its `error.httpStatusCode`).
    public var httpStatus: Int
    public var message: String
    /// Extra members the error shape carries (e.g. ModelError's OriginalStatusCode).
    public var fields: [String: String]

    public init(service: String, code: String, httpStatus: Int, message: String, fields: [String: String] = [:]) {
        self.service = service
        self.code = code
        self.httpStatus = httpStatus
        self.message = message
        self.fields = fields
    }

    public var description: String { "\(code) (\(httpStatus)): \(message)" }
}
