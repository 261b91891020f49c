// SageMaker control-plane calls as steps, named and shaped as the notebooks' boto3
// calls: `sagemaker.create_model` takes ModelName, Containers, ... and returns ModelArn.
import Cloud
import Foundation

struct CreateModelStep: LabStep {
    static let kind = "sagemaker.create_model"
    static let summary = "CreateModel: one PrimaryContainer or up to 15 Containers, Direct or Serial."
    let name: Arg<String>, role: Arg<String>?, primary: Arg<LabValue>?, containers: Arg<[LabValue]>?, mode: Arg<LabValue>?

    init(arguments: inout StepArguments) throws {
        name = try arguments.required("ModelName")
        role = try arguments.optional("ExecutionRoleArn")
        primary = try arguments.optional("PrimaryContainer")
        containers = try arguments.optional("Containers")
        mode = try arguments.optional("InferenceExecutionConfig")
    }

    func run(in context: StepContext) async throws -> LabValue {
        let input = CreateModelInput(
            modelName: try context.resolve(name),
            primaryContainer: try primary.map { try Self.container(try context.resolve($0), "PrimaryContainer", $0.location) },
            containers: try containers.map { arg in
                try context.resolve(arg).enumerated().map { try Self.container($1, "Containers[\($0)]", arg.location) }
            },
            inferenceExecutionConfig: try mode.map { arg in
                var reader = try ShapeReader(try context.resolve(arg), path: "InferenceExecutionConfig", at: arg.location)
                let text = try reader.string("Mode")
                try reader.finish()
                guard let parsed = InferenceExecutionMode(rawValue: text) else {
                    throw LabError(arg.location, "InferenceExecutionConfig.Mode is Serial or Direct, not '\(text)'")
                }
                return InferenceExecutionConfig(mode: parsed)
            },
            executionRoleArn: try role.map(context.resolve))
        let output = try context.cloud.sagemaker.createModel(input)
        return Shape.object([("ModelArn", .string(output.modelArn))])
    }

    static func container(_ value: LabValue, _ path: String, _ location: SourceLocation) throws -> ContainerDefinition {
        var reader = try ShapeReader(value, path: path, at: location)
        let container = ContainerDefinition(
            containerHostname: try reader.optionalString("ContainerHostname"), image: try reader.optionalString("Image"),
            modelDataUrl: try reader.optionalString("ModelDataUrl"), environment: try reader.stringMap("Environment") ?? [:])
        try reader.finish()
        return container
    }
}

struct CreateEndpointConfigStep: LabStep {
    static let kind = "sagemaker.create_endpoint_config"
    static let summary = "CreateEndpointConfig: production variants (instances or serverless), optional AsyncInferenceConfig."
    let name: Arg<String>, variants: Arg<[LabValue]>, async: Arg<LabValue>?

    init(arguments: inout StepArguments) throws {
        name = try arguments.required("EndpointConfigName")
        variants = try arguments.required("ProductionVariants")
        async = try arguments.optional("AsyncInferenceConfig")
    }

    func run(in context: StepContext) async throws -> LabValue {
        let input = CreateEndpointConfigInput(
            endpointConfigName: try context.resolve(name),
            productionVariants: try context.resolve(variants).enumerated().map {
                try Self.variant($1, "ProductionVariants[\($0)]", variants.location)
            },
            asyncInferenceConfig: try async.map { try Self.asyncConfig(try context.resolve($0), $0.location) })
        let output = try context.cloud.sagemaker.createEndpointConfig(input)
        return Shape.object([("EndpointConfigArn", .string(output.endpointConfigArn))])
    }

    static func variant(_ value: LabValue, _ path: String, _ location: SourceLocation) throws -> ProductionVariant {
        var r = try ShapeReader(value, path: path, at: location)
        var serverless: ProductionVariantServerlessConfig?
        if var s = try r.optionalStructure("ServerlessConfig") {
            guard let memory = try s.optionalInt("MemorySizeInMB"), let concurrency = try s.optionalInt("MaxConcurrency") else {
                throw LabError(location, "\(path).ServerlessConfig needs MemorySizeInMB and MaxConcurrency")
            }
            try s.finish()
            serverless = ProductionVariantServerlessConfig(memorySizeInMB: memory, maxConcurrency: concurrency)
        }
        let variant = ProductionVariant(
            variantName: try r.string("VariantName"), modelName: try r.optionalString("ModelName"),
            initialInstanceCount: try r.optionalInt("InitialInstanceCount"), instanceType: try r.optionalString("InstanceType"),
            initialVariantWeight: try r.optionalDouble("InitialVariantWeight"), serverlessConfig: serverless)
        try r.finish()
        return variant
    }

    static func asyncConfig(_ value: LabValue, _ location: SourceLocation) throws -> AsyncInferenceConfig {
        var r = try ShapeReader(value, path: "AsyncInferenceConfig", at: location)
        var client: AsyncInferenceClientConfig?
        if var c = try r.optionalStructure("ClientConfig") {
            client = AsyncInferenceClientConfig(maxConcurrentInvocationsPerInstance: try c.optionalInt("MaxConcurrentInvocationsPerInstance"))
            try c.finish()
        }
        guard var o = try r.optionalStructure("OutputConfig") else { throw LabError(location, "AsyncInferenceConfig.OutputConfig is required") }
        var notification: AsyncInferenceNotificationConfig?
        if var n = try o.optionalStructure("NotificationConfig") {
            notification = AsyncInferenceNotificationConfig(successTopic: try n.optionalString("SuccessTopic"),
                                                            errorTopic: try n.optionalString("ErrorTopic"))
            try n.finish()
        }
        let output = AsyncInferenceOutputConfig(s3OutputPath: try o.optionalString("S3OutputPath"),
                                                s3FailurePath: try o.optionalString("S3FailurePath"),
                                                notificationConfig: notification)
        try o.finish()
        try r.finish()
        return AsyncInferenceConfig(clientConfig: client, outputConfig: output)
    }
}

struct CreateEndpointStep: LabStep {
    static let kind = "sagemaker.create_endpoint"
    static let summary = "CreateEndpoint: starts provisioning (Creating → InService on the simulated clock)."
    let name: Arg<String>, config: Arg<String>

    init(arguments: inout StepArguments) throws {
        name = try arguments.required("EndpointName")
        config = try arguments.required("EndpointConfigName")
    }

    func run(in context: StepContext) async throws -> LabValue {
        let output = try context.cloud.sagemaker.createEndpoint(endpointName: try context.resolve(name),
                                                                endpointConfigName: try context.resolve(config))
        return Shape.object([("EndpointArn", .string(output.endpointArn))])
    }
}

struct DescribeEndpointStep: LabStep {
    static let kind = "sagemaker.describe_endpoint"
    static let summary = "DescribeEndpoint: status, variants and instance counts."
    let name: Arg<String>

    init(arguments: inout StepArguments) throws { name = try arguments.required("EndpointName") }

    func run(in context: StepContext) async throws -> LabValue {
        Self.shape(try context.cloud.sagemaker.describeEndpoint(endpointName: try context.resolve(name)))
    }

    static func shape(_ d: DescribeEndpointOutput) -> LabValue {
        Shape.object([
            ("EndpointName", .string(d.endpointName)), ("EndpointArn", .string(d.endpointArn)),
            ("EndpointConfigName", .string(d.endpointConfigName)),
            ("ProductionVariants", .list(d.productionVariants.map { v in
                Shape.object([("VariantName", .string(v.variantName)),
                              ("CurrentInstanceCount", v.currentInstanceCount.map(LabValue.int)),
                              ("DesiredInstanceCount", v.desiredInstanceCount.map(LabValue.int)),
                              ("CurrentWeight", v.currentWeight.map(LabValue.number))])
            })),
            ("EndpointStatus", .string(d.endpointStatus.rawValue)), ("FailureReason", d.failureReason.map(LabValue.string)),
            ("CreationTime", Shape.date(d.creationTime)), ("LastModifiedTime", Shape.date(d.lastModifiedTime)),
        ])
    }
}

struct WaitStep: LabStep {
    static let kind = "sagemaker.wait"
    static let summary = "A boto3 waiter: endpoint_in_service or endpoint_deleted, polling on the simulated clock."
    static let waiters = ["endpoint_in_service", "endpoint_deleted"]
    let waiter: Arg<String>, name: Arg<String>

    init(arguments: inout StepArguments) throws {
        waiter = try arguments.required("Waiter")
        if let w = waiter.literal, !Self.waiters.contains(w) { throw LabError.unknown("waiter", w, at: waiter.location, known: Self.waiters) }
        name = try arguments.required("EndpointName")
    }

    func run(in context: StepContext) async throws -> LabValue {
        let endpoint = try context.resolve(name)
        let started = context.cloud.clock.now
        switch try context.resolve(waiter) {
        case "endpoint_in_service":
            let described = try context.cloud.sagemaker.waitUntilEndpointInService(endpointName: endpoint)
            var out = DescribeEndpointStep.shape(described).object ?? LabObject()
            out["WaitedSeconds"] = .number(context.cloud.clock.now.timeIntervalSince(started))
            return .object(out)
        default:
            try context.cloud.sagemaker.waitUntilEndpointDeleted(endpointName: endpoint)
            return Shape.object([("EndpointName", .string(endpoint)), ("Deleted", .bool(true)),
                                 ("WaitedSeconds", .number(context.cloud.clock.now.timeIntervalSince(started)))])
        }
    }
}

/// delete_endpoint / delete_endpoint_config / delete_model: one name in, nothing out.
struct DeleteStep<Resource: DeletableResource>: LabStep {
    static var kind: String { Resource.kind }
    static var summary: String { "\(Resource.operation): deletes the \(Resource.noun)." }
    let name: Arg<String>

    init(arguments: inout StepArguments) throws { name = try arguments.required(Resource.member) }

    func run(in context: StepContext) async throws -> LabValue {
        let value = try context.resolve(name)
        try Resource.delete(value, in: context.cloud)
        return Shape.object([(Resource.member, .string(value)), ("Deleted", .bool(true))])
    }
}

protocol DeletableResource: Sendable {
    static var kind: String { get }
    static var operation: String { get }
    static var noun: String { get }
    static var member: String { get }
    static func delete(_ name: String, in cloud: CloudEnvironment) throws
}

enum EndpointResource: DeletableResource {
    static let kind = "sagemaker.delete_endpoint", operation = "DeleteEndpoint", noun = "endpoint", member = "EndpointName"
    static func delete(_ name: String, in cloud: CloudEnvironment) throws { try cloud.sagemaker.deleteEndpoint(endpointName: name) }
}

enum EndpointConfigResource: DeletableResource {
    static let kind = "sagemaker.delete_endpoint_config", operation = "DeleteEndpointConfig", noun = "endpoint configuration", member = "EndpointConfigName"
    static func delete(_ name: String, in cloud: CloudEnvironment) throws { try cloud.sagemaker.deleteEndpointConfig(endpointConfigName: name) }
}

enum ModelResource: DeletableResource {
    static let kind = "sagemaker.delete_model", operation = "DeleteModel", noun = "model", member = "ModelName"
    static func delete(_ name: String, in cloud: CloudEnvironment) throws { try cloud.sagemaker.deleteModel(modelName: name) }
}
