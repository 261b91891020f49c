// The one way into the emulated account: (service, operation, boto3-shaped parameters).
// Lab steps, the wire server and the tests all call AWS through `call`, so every request
// meets the same two checks botocore's model implies (ParameterValidator) before the
// service sees it, and every answer has the shape of the operation's output.
import AWSShapes
import Foundation

/// One operation's translation between boto3 parameters and a `Cloud` service.
typealias OperationHandler = @Sendable (CloudEnvironment, AWSValue) throws -> AWSValue

public final class CloudDispatch: @unchecked Sendable {
    public let cloud: CloudEnvironment
    private let handlers: [String: [String: OperationHandler]]
    /// Calls are served one at a time: the services share state and a clock.
    fileprivate let lock = NSRecursiveLock()
    /// Where calls that change the account are kept, with `labbook serve --state-dir`.
    var journal: CloudJournal?
    /// True while the journal is being replayed: those calls are on it already.
    var replaying = false

    public init(cloud: CloudEnvironment) {
        self.cloud = cloud
        handlers = [
            "s3": S3Operations.handlers,
            "sagemaker": SageMakerOperations.handlers,
            "sagemaker-runtime": SageMakerRuntimeOperations.handlers,
            "sns": SNSOperations.handlers,
            "lambda": LambdaOperations.handlers,
            "ecr": ECROperations.handlers,
            "iam": IAMOperations.handlers,
            "sts": STSOperations.handlers,
            "application-autoscaling": ApplicationAutoScalingOperations.handlers,
            "cloudwatch": CloudWatchOperations.handlers,
            "logs": CloudWatchLogsOperations.handlers,
        ]
    }

    /// The service model by botocore's name, as `boto3.client(name)` takes it.
    public static func model(_ service: String) -> ServiceModel? {
        ServiceModel.named(service)
    }

    /// Calls `operation` as `boto3.client(service).<operation>(**input)` would.
    /// Throws `AWSError`, with the service's own code for a request its model refuses.
    public func call(_ service: String, _ operation: String, _ input: AWSValue = .empty) throws -> AWSValue {
        try perform(service, operation, input)
    }

    private func perform(_ service: String, _ operation: String, _ input: AWSValue) throws -> AWSValue {
        guard let model = Self.model(service) else {
            throw AWSError(service: service, code: "UnknownService", httpStatus: 400,
                           message: "Unknown service: '\(service)'. labbook emulates: \(ServiceModel.all.map(\.name).joined(separator: ", "))")
        }
        guard let op = model.operations[operation], let handler = handlers[service]?[operation] else {
            throw AWSError(service: service, code: Self.unknownOperationCode(model), httpStatus: 400,
                           message: "\(operation) is not an operation of \(service) that labbook emulates; it answers \(handlers[service, default: [:]].keys.sorted().joined(separator: ", ")).")
        }
        try validate(input, op, model)
        lock.lock()
        defer { lock.unlock() }
        let output = try handler(cloud, input)
        if let journal, !replaying, Self.changesState(service, operation) {
            do {
                try journal.append(.call(time: cloud.clock.now, service: service, operation: operation, input: input))
            } catch {
                throw AWSError(service: service, code: "InternalFailure", httpStatus: 500,
                               message: "\(operation) took effect but could not be written to \(journal.url.path): \(error.localizedDescription). It will be lost on restart.")
            }
        }
        return output
    }

    /// The operations labbook answers for `service`, in botocore's names.
    public func operations(of service: String) -> [String] {
        handlers[service, default: [:]].keys.sorted()
    }

    private func validate(_ input: AWSValue, _ op: OperationModel, _ model: ServiceModel) throws {
        guard let shape = op.input else { return }
        let validator = ParameterValidator(model)
        let client = validator.clientProblems(input, shape: shape)
        if !client.isEmpty {
            throw AWSError(service: model.name, code: "ParamValidationError", httpStatus: 400,
                           message: ParameterValidator.clientMessage(client))
        }
        let problems = validator.serviceProblems(input, shape: shape)
        if !problems.isEmpty {
            let (code, status) = Self.validationCode(model)
            throw AWSError(service: model.name, code: code, httpStatus: status,
                           message: ParameterValidator.serviceMessage(problems))
        }
    }

    /// What each service calls a request that breaks its model's constraints.
    static func validationCode(_ model: ServiceModel) -> (String, Int) {
        switch model.name {
        case "iam", "sts": ("ValidationError", 400)
        case "sns": ("InvalidParameter", 400)
        case "cloudwatch": ("InvalidParameterValue", 400)
        case "logs": ("InvalidParameterException", 400)
        case "s3": ("InvalidArgument", 400)
        case "sagemaker-runtime": ("ValidationError", 400)
        default: ("ValidationException", 400)
        }
    }

    static func unknownOperationCode(_ model: ServiceModel) -> String {
        switch model.protocol {
        case .query, .ec2: "InvalidAction"
        case .restXML, .restJSON: "NotImplemented"
        default: "UnknownOperationException"
        }
    }
}

extension CloudDispatch {
    /// Runs `body` while no call is in progress: the server's clock advances this way,
    /// so events scheduled on the virtual clock never interleave with a call.
    public func synchronized<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}

extension CloudDispatch: AWSCaller {
    public func call(_ service: String, _ operation: String, _ input: AWSValue) async throws -> AWSValue {
        try perform(service, operation, input)
    }

    public var destination: String { "the embedded cloud" }
    public var region: String { cloud.account.region }
}
