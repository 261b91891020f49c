// `sagemaker.create_endpoint_config`: CreateEndpointConfig: production variants (instances or serverless), optional AsyncInferenceConfig.
import Cloud
import Foundation

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
