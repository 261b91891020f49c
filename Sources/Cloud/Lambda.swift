// AWS Lambda (botocore model lambda/2015-03-31): container-image functions. CreateFunction
// checks what AWS checks (an ECR image Lambda may pull, a role Lambda may assume, the
// memory and timeout ranges); invoking is in LambdaInvoke.swift.
//
// Codes and statuses from botocore's lambda/2015-03-31/service-2.json:
// InvalidParameterValueException 400, ResourceConflictException 409,
// ResourceNotFoundException 404, RequestTooLargeException 413, InvalidRequestContentException 400.
// Not in the model but what Lambda answers: ValidationException 400 for member constraints
// (botocore's MemorySize min 128; Lambda's own 10240 MB and 900 s maxima) and
// AccessDeniedException 403 when the repository policy does not let Lambda pull.
import Foundation
import Serving

public enum PackageType: String, Sendable { case image = "Image", zip = "Zip" }

public struct FunctionCode: Sendable, Equatable {
    public var imageUri: String?
    public init(imageUri: String?) { self.imageUri = imageUri }
}

public struct CreateFunctionInput: Sendable {
    public var functionName: String
    public var role: String
    public var code: FunctionCode
    public var packageType: PackageType
    public var memorySize: Int
    public var timeout: Int
    public var description: String
    public var environment: [String: String]

    /// Lambda's defaults: 128 MB, 3 seconds.
    public init(functionName: String, role: String, code: FunctionCode, packageType: PackageType = .image,
                memorySize: Int = 128, timeout: Int = 3, description: String = "", environment: [String: String] = [:]) {
        self.functionName = functionName
        self.role = role
        self.code = code
        self.packageType = packageType
        self.memorySize = memorySize
        self.timeout = timeout
        self.description = description
        self.environment = environment
    }
}

public struct FunctionConfiguration: Sendable, Equatable {
    public var functionName: String
    public var functionArn: String
    public var role: String
    public var codeSize: Int
    public var description: String
    public var timeout: Int
    public var memorySize: Int
    public var lastModified: Date
    /// The image digest without its "sha256:" prefix, as Lambda reports it.
    public var codeSha256: String
    public var version: String
    public var environment: [String: String]
    public var state: String
    public var packageType: PackageType
}

public struct FunctionCodeLocation: Sendable, Equatable {
    public var repositoryType: String
    public var imageUri: String
    public var resolvedImageUri: String
}

public struct GetFunctionOutput: Sendable, Equatable {
    public var configuration: FunctionConfiguration
    public var code: FunctionCodeLocation
}

public final class Lambda: @unchecked Sendable {
    /// Simulated costs: a cold start pays `containerStart` plus however long loading the
    /// handler really took; an instance left idle longer than `idleTimeout` is reclaimed.
    public struct Timing: Sendable {
        public var containerStart: TimeInterval
        public var idleTimeout: TimeInterval
        public init(containerStart: TimeInterval = 0.8, idleTimeout: TimeInterval = 600) {
            self.containerStart = containerStart
            self.idleTimeout = idleTimeout
        }
    }

    struct FunctionRecord {
        var configuration: FunctionConfiguration
        var code: FunctionCodeLocation
        var image: ECRImage
    }

    public let account: Account
    let clock: VirtualClock
    let registry: HandlerRegistry
    let timing: Timing
    let cloudWatch: CloudWatch?
    /// Where functions write their log (`/aws/lambda/<name>`); nil keeps no log.
    let logs: CloudWatchLogs?
    private let iam: IAM
    private let ecr: ECR
    let lock = NSLock()
    /// Invocations run one at a time; recursive because advancing the clock afterwards
    /// may run scheduled events that invoke again.
    let invocationLock = NSRecursiveLock()
    var functions: [String: FunctionRecord] = [:]
    var warmInstances: [String: WarmInstance] = [:]
    var invocationLog: [String: [InvocationRecord]] = [:]
    /// Execution environments started per function: each writes its own log stream.
    var environments: [String: Int] = [:]
    var sequence = 0

    public init(account: Account, clock: VirtualClock, iam: IAM, ecr: ECR, registry: HandlerRegistry,
                cloudWatch: CloudWatch? = nil, logs: CloudWatchLogs? = nil, timing: Timing = Timing()) {
        self.account = account
        self.clock = clock
        self.iam = iam
        self.ecr = ecr
        self.registry = registry
        self.cloudWatch = cloudWatch
        self.logs = logs
        self.timing = timing
    }

    @discardableResult
    public func createFunction(_ input: CreateFunctionInput) throws -> FunctionConfiguration {
        try Self.validate(input)
        guard input.packageType == .image else {
            throw Self.error("InvalidParameterValueException", 400,
                             "PackageType Zip is not supported by this emulation; push an image to ECR and use PackageType Image.")
        }
        guard let imageUri = input.code.imageUri, !imageUri.isEmpty else {
            throw Self.error("InvalidParameterValueException", 400, "Please provide ImageUri when PackageType is Image.")
        }
        let image = try resolvePullableImage(imageUri)
        guard iam.canBeAssumed(roleArn: input.role, byService: "lambda.amazonaws.com") else {
            throw Self.error("InvalidParameterValueException", 400, "The role defined for the function cannot be assumed by Lambda.")
        }
        return try lock.withLock {
            guard functions[input.functionName] == nil else {
                throw Self.error("ResourceConflictException", 409, "Function already exist: \(input.functionName)")
            }
            let digest = String(image.imageId.imageDigest.dropFirst("sha256:".count))
            let configuration = FunctionConfiguration(
                functionName: input.functionName,
                functionArn: account.arn(service: "lambda", resource: "function:\(input.functionName)"),
                role: input.role, codeSize: 0, description: input.description, timeout: input.timeout,
                memorySize: input.memorySize, lastModified: clock.now, codeSha256: digest, version: "$LATEST",
                environment: input.environment, state: "Active", packageType: .image)
            let code = FunctionCodeLocation(
                repositoryType: "ECR", imageUri: imageUri,
                resolvedImageUri: "\(ecr.registryHost)/\(image.repositoryName)@\(image.imageId.imageDigest)")
            functions[input.functionName] = FunctionRecord(configuration: configuration, code: code, image: image)
            return configuration
        }
    }

    public func getFunction(functionName: String) throws -> GetFunctionOutput {
        try lock.withLock {
            let record = try self.record(functionName)
            return GetFunctionOutput(configuration: record.configuration, code: record.code)
        }
    }

    public func listFunctions() -> [FunctionConfiguration] {
        lock.withLock { functions.values.map(\.configuration).sorted { $0.functionName < $1.functionName } }
    }

    public func deleteFunction(functionName: String) throws {
        try lock.withLock {
            let name = try record(functionName).configuration.functionName
            functions[name] = nil
            warmInstances[name] = nil
        }
    }

    // MARK: Helpers

    /// Accepts every form FunctionName takes (botocore's pattern): a name, `name:qualifier`,
    /// a partial ARN `123456789012:function:name`, or a full ARN, each optionally qualified.
    /// Versions and aliases are not emulated: only `$LATEST` qualifies a function. Caller holds `lock`.
    func record(_ functionName: String) throws -> FunctionRecord {
        let (name, qualifier) = Self.splitFunctionName(functionName)
        guard let record = functions[name], qualifier == nil || qualifier == "$LATEST" else {
            let qualified = "function:\(name)" + (qualifier.map { ":\($0)" } ?? "")
            let arn = functionName.hasPrefix("arn:") ? functionName : account.arn(service: "lambda", resource: qualified)
            throw Self.error("ResourceNotFoundException", 404, "Function not found: \(arn)")
        }
        return record
    }

    static func splitFunctionName(_ reference: String) -> (name: String, qualifier: String?) {
        let parts = reference.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        if let index = parts.firstIndex(of: "function"), index + 1 < parts.count {
            return (parts[index + 1], index + 2 < parts.count ? parts[(index + 2)...].joined(separator: ":") : nil)
        }
        if parts.count == 2 { return (parts[0], parts[1]) }
        return (reference, nil)
    }

    private func resolvePullableImage(_ uri: String) throws -> ECRImage {
        let image: ECRImage
        do { image = try ecr.resolveImage(uri: uri) } catch is ImageReference.ParseError {
            throw Self.error("InvalidParameterValueException", 400, "Source image \(uri) is not valid. Provide a valid source image.")
        } catch {
            throw Self.error("InvalidParameterValueException", 400, "Source image \(uri) does not exist. Provide a valid source image.")
        }
        guard ecr.allowsPull(repositoryName: image.repositoryName, byService: "lambda.amazonaws.com") else {
            throw Self.error("AccessDeniedException", 403, "Lambda does not have permission to access the ECR image. Check the ECR permissions.")
        }
        return image
    }

    private static func validate(_ input: CreateFunctionInput) throws {
        let name = input.functionName
        let nameOK = (1...64).contains(name.count)
            && name.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_") }
        var problems: [String] = []
        if !nameOK {
            problems.append("Value '\(name)' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9-_]{1,64}")
        }
        if input.role.range(of: #"^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+$"#, options: .regularExpression) == nil {
            problems.append("Value '\(input.role)' at 'role' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+")
        }
        if input.memorySize < 128 {
            problems.append("Value '\(input.memorySize)' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128")
        } else if input.memorySize > 10240 {
            problems.append("Value '\(input.memorySize)' at 'memorySize' failed to satisfy constraint: Member must have value less than or equal to 10240")
        }
        if input.timeout < 1 {
            problems.append("Value '\(input.timeout)' at 'timeout' failed to satisfy constraint: Member must have value greater than or equal to 1")
        } else if input.timeout > 900 {
            problems.append("Value '\(input.timeout)' at 'timeout' failed to satisfy constraint: Member must have value less than or equal to 900")
        }
        guard problems.isEmpty else {
            let count = problems.count == 1 ? "1 validation error" : "\(problems.count) validation errors"
            throw error("ValidationException", 400, "\(count) detected: " + problems.joined(separator: "; "))
        }
    }

    static func error(_ code: String, _ status: Int, _ message: String) -> AWSError {
        AWSError(service: "lambda", code: code, httpStatus: status, message: message)
    }
}
