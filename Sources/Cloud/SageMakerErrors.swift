// SageMaker and SageMaker Runtime errors, and the request constraint checks that raise them.
//
// HTTP statuses come from botocore's models:
// - sagemaker/2017-07-24/service-2.json models no `error.httpStatusCode` for any exception and
//   does not model ValidationException at all; the service answers both with 400, which is
//   also botocore's default for an unmodelled JSON-protocol error.
// - sagemaker-runtime/2017-05-13/service-2.json: ValidationError 400, ModelError 424,
//   ServiceUnavailable 503, InternalFailure 500. ThrottlingException is not modelled; AWS's
//   CommonErrors page gives it 400.
import Foundation

enum SageMakerErrors {
    static func validation(_ message: String) -> AWSError {
        AWSError(service: "sagemaker", code: "ValidationException", httpStatus: 400, message: message)
    }

    static func runtimeValidation(_ message: String) -> AWSError {
        AWSError(service: "sagemaker-runtime", code: "ValidationError", httpStatus: 400, message: message)
    }

    static func throttling(_ message: String) -> AWSError {
        AWSError(service: "sagemaker-runtime", code: "ThrottlingException", httpStatus: 400, message: message)
    }

    /// What SageMaker returns when the container answered with an error status. The message
    /// wording and the log-group ARN are the ones the runtime reports.
    static func modelError(endpoint: String, container: String, status: Int, message: String,
                           account: Account) -> AWSError {
        let kind = status >= 500 ? "server" : "client"
        let logGroup = "/aws/sagemaker/Endpoints/\(endpoint)"
        let logStreamArn = account.arn(service: "logs", resource: "log-group:\(logGroup)")
        let text = "Received \(kind) error (\(status)) from \(container) with message \"\(message)\". "
            + "See https://\(account.region).console.aws.amazon.com/cloudwatch/home?region=\(account.region)"
            + "#logEventViewer:group=\(logGroup) in account \(account.id) for more information."
        return AWSError(service: "sagemaker-runtime", code: "ModelError", httpStatus: 424, message: text,
                        fields: ["OriginalStatusCode": String(status), "OriginalMessage": message,
                                 "LogStreamArn": logStreamArn])
    }
}

/// Collects violations of botocore's member constraints (pattern, length, range) and reports
/// them in the service's "N validation errors detected: ..." form.
struct ConstraintViolations {
    private(set) var messages: [String] = []

    /// `matching` is the ICU form of a Java pattern whose meaning differs in ICU (AWS
    /// checks with Java regexes); the message quotes botocore's `pattern`.
    mutating func pattern(_ value: String?, _ pattern: String, matching: String? = nil, at path: String) {
        guard let value, !Self.fullMatch(value, matching ?? pattern) else { return }
        add(value, at: path, "Member must satisfy regular expression pattern: \(pattern)")
    }

    mutating func length(_ value: String?, min: Int? = nil, max: Int? = nil, at path: String) {
        guard let value else { return }
        if let min, value.count < min { add(value, at: path, "Member must have length greater than or equal to \(min)") }
        if let max, value.count > max { add(value, at: path, "Member must have length less than or equal to \(max)") }
    }

    mutating func range(_ value: Int?, min: Int? = nil, max: Int? = nil, at path: String) {
        guard let value else { return }
        if let min, value < min { add("\(value)", at: path, "Member must have value greater than or equal to \(min)") }
        if let max, value > max { add("\(value)", at: path, "Member must have value less than or equal to \(max)") }
    }

    mutating func count(_ count: Int, min: Int? = nil, max: Int? = nil, at path: String) {
        if let min, count < min { add("[\(count) items]", at: path, "Member must have length greater than or equal to \(min)") }
        if let max, count > max { add("[\(count) items]", at: path, "Member must have length less than or equal to \(max)") }
    }

    mutating func add(_ value: String, at path: String, _ constraint: String) {
        messages.append("Value '\(value)' at '\(path)' failed to satisfy constraint: \(constraint)")
    }

    /// Throws the collected violations as one error built by `make`.
    func check(_ make: (String) -> AWSError) throws {
        guard !messages.isEmpty else { return }
        let head = messages.count == 1 ? "1 validation error detected: " : "\(messages.count) validation errors detected: "
        throw make(head + messages.joined(separator: "; "))
    }

    static func fullMatch(_ value: String, _ pattern: String) -> Bool {
        guard let regex = try? NSRegularExpression(pattern: "^(?:\(pattern))$") else { return false }
        let range = NSRange(value.startIndex..., in: value)
        return regex.firstMatch(in: value, range: range) != nil
    }
}

/// botocore's patterns for the members SageMaker checks (sagemaker/2017-07-24/service-2.json).
enum SageMakerPatterns {
    static let modelName = "[a-zA-Z0-9]([\\-a-zA-Z0-9]*[a-zA-Z0-9])?"
    static let endpointName = "[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}"
    static let containerHostname = "[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}"
    static let url = "(https|s3)://([^/]+)/?(.*)"
    static let destinationS3Uri = "(https|s3)://([^/])/?(.*)"
    static let roleArn = "arn:aws[a-z\\-]*:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+"
    static let snsTopicArn = "arn:aws[a-z\\-]*:sns:[a-z0-9\\-]*:[0-9]{12}:[a-zA-Z0-9_.-]+"
    static let image = "[\\S]+"
}

/// botocore's patterns for sagemaker-runtime/2017-05-13/service-2.json: Header (ContentType,
/// Accept), CustomAttributesHeader, InferenceId.
extension SageMakerPatterns {
    static let header = "\\p{ASCII}*"
    static let inferenceId = "\\A\\S[\\p{Print}]*\\z"
    /// The same in ICU: Java's \\S excludes only ASCII whitespace and its \\p{Print} is
    /// printable ASCII, while ICU's \\p{Print} takes any printable Unicode character.
    static let inferenceIdICU = "[^ \\t\\n\\x0B\\f\\r][\\x20-\\x7E]*"
}
