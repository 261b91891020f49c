// SageMaker's boto3 shapes (botocore sagemaker/2017-07-24) to and from the typed inputs and
// outputs of `SageMaker`. Inputs read only what the emulator acts on; outputs use the output
// shapes' member names exactly and leave nil members out, as botocore does.
import AWSShapes
import Foundation

enum SageMakerShapes {
    // MARK: Inputs

    static func createModelInput(_ p: Parameters) throws -> CreateModelInput {
        CreateModelInput(
            modelName: try p.string("ModelName"),
            primaryContainer: try p.structure("PrimaryContainer").map { try container($0, at: "PrimaryContainer") },
            containers: try p.optionalStructures("Containers")?.enumerated().map {
                try container($1, at: "Containers[\($0)]")
            },
            inferenceExecutionConfig: try p.structure("InferenceExecutionConfig").map {
                InferenceExecutionConfig(mode: try $0.enumValue("Mode"))
            },
            executionRoleArn: p.optionalString("ExecutionRoleArn"),
            tags: try tags(p))
    }

    static func container(_ p: Parameters, at path: String) throws -> ContainerDefinition {
        // Model data comes from ModelDataUrl only; a multi-model container would need TargetModel.
        try refuseUnemulated(["ModelDataSource", "ModelPackageName", "InferenceSpecificationName"], in: p, at: path)
        if p.optionalString("Mode") == "MultiModel" {
            throw SageMakerErrors.validation("\(path).Mode MultiModel is not emulated by labbook; use SingleModel.")
        }
        return ContainerDefinition(
            containerHostname: p.optionalString("ContainerHostname"), image: p.optionalString("Image"),
            modelDataUrl: p.optionalString("ModelDataUrl"), environment: p.stringMap("Environment"))
    }

    static func createEndpointConfigInput(_ p: Parameters) throws -> CreateEndpointConfigInput {
        try refuseUnemulated(["ShadowProductionVariants", "DataCaptureConfig", "ExplainerConfig"], in: p)
        return CreateEndpointConfigInput(
            endpointConfigName: try p.string("EndpointConfigName"),
            productionVariants: try p.structures("ProductionVariants").enumerated().map {
                try productionVariant($1, at: "ProductionVariants[\($0)]")
            },
            asyncInferenceConfig: try p.structure("AsyncInferenceConfig").map(asyncInferenceConfig),
            tags: try tags(p))
    }

    static func productionVariant(_ p: Parameters, at path: String) throws -> ProductionVariant {
        // These change how many instances serve, or how warm a serverless variant is.
        try refuseUnemulated(["ManagedInstanceScaling", "InstancePools", "CapacityReservationConfig"], in: p, at: path)
        var serverless: ProductionVariantServerlessConfig?
        if let s = p.structure("ServerlessConfig") {
            try refuseUnemulated(["ProvisionedConcurrency"], in: s, at: "\(path).ServerlessConfig")
            serverless = ProductionVariantServerlessConfig(memorySizeInMB: try s.int("MemorySizeInMB"),
                                                           maxConcurrency: try s.int("MaxConcurrency"))
        }
        return ProductionVariant(
            variantName: try p.string("VariantName"), modelName: p.optionalString("ModelName"),
            initialInstanceCount: p.optionalInt("InitialInstanceCount"), instanceType: p.optionalString("InstanceType"),
            initialVariantWeight: p.optionalDouble("InitialVariantWeight"), serverlessConfig: serverless)
    }

    static func asyncInferenceConfig(_ p: Parameters) throws -> AsyncInferenceConfig {
        let output = p.structure("OutputConfig")
        let notification = output?.structure("NotificationConfig")
        if let notification {
            // The notifications carry no inference response.
            try refuseUnemulated(["IncludeInferenceResponseIn"], in: notification,
                                 at: "AsyncInferenceConfig.OutputConfig.NotificationConfig")
        }
        return AsyncInferenceConfig(
            clientConfig: p.structure("ClientConfig").map {
                AsyncInferenceClientConfig(maxConcurrentInvocationsPerInstance: $0.optionalInt("MaxConcurrentInvocationsPerInstance"))
            },
            outputConfig: AsyncInferenceOutputConfig(
                s3OutputPath: output?.optionalString("S3OutputPath"),
                s3FailurePath: output?.optionalString("S3FailurePath"),
                notificationConfig: notification.map {
                    AsyncInferenceNotificationConfig(successTopic: $0.optionalString("SuccessTopic"),
                                                     errorTopic: $0.optionalString("ErrorTopic"))
                }))
    }

    static func desiredWeightAndCapacity(_ p: Parameters, at path: String) throws -> DesiredWeightAndCapacity {
        try refuseUnemulated(["ServerlessUpdateConfig"], in: p, at: path)
        return DesiredWeightAndCapacity(variantName: try p.string("VariantName"),
                                        desiredWeight: p.optionalDouble("DesiredWeight"),
                                        desiredInstanceCount: p.optionalInt("DesiredInstanceCount"))
    }

    /// Tags in the order given (a dictionary would lose it).
    static func tags(_ p: Parameters) throws -> [Tag] {
        try p.structures("Tags").map { Tag(key: try $0.string("Key"), value: $0.optionalString("Value") ?? "") }
    }

    /// Refuses members the emulator would otherwise drop, so a lab never gets a different
    /// behaviour from AWS's without being told.
    static func refuseUnemulated(_ members: [String], in p: Parameters, at path: String = "",
                                 _ error: (String) -> AWSError = SageMakerErrors.validation) throws {
        guard let member = members.first(where: { p.value[$0] != nil }) else { return }
        let name = path.isEmpty ? member : "\(path).\(member)"
        throw error("\(name) is not emulated by labbook; leave it out.")
    }

    // MARK: Outputs

    static func value(_ d: DescribeModelOutput) -> AWSValue {
        .structure([
            ("ModelName", .string(d.modelName)),
            ("PrimaryContainer", d.primaryContainer.map(value)),
            ("Containers", d.containers.map { .list($0.map(value)) }),
            ("InferenceExecutionConfig", d.inferenceExecutionConfig.map { .structure([("Mode", .string($0.mode.rawValue))]) }),
            ("ExecutionRoleArn", .optional(d.executionRoleArn)),
            ("CreationTime", .timestamp(d.creationTime)),
            ("ModelArn", .string(d.modelArn)),
        ])
    }

    static func value(_ c: ContainerDefinition) -> AWSValue {
        .structure([
            ("ContainerHostname", .optional(c.containerHostname)),
            ("Image", .optional(c.image)),
            ("ModelDataUrl", .optional(c.modelDataUrl)),
            ("Environment", .map(c.environment.mapValues(AWSValue.string))),
        ])
    }

    static func value(_ m: ModelSummary) -> AWSValue {
        .structure([("ModelName", .string(m.modelName)), ("ModelArn", .string(m.modelArn)),
                    ("CreationTime", .timestamp(m.creationTime))])
    }

    static func value(_ d: DescribeEndpointConfigOutput) -> AWSValue {
        .structure([
            ("EndpointConfigName", .string(d.endpointConfigName)),
            ("EndpointConfigArn", .string(d.endpointConfigArn)),
            ("ProductionVariants", .list(d.productionVariants.map(value))),
            ("AsyncInferenceConfig", d.asyncInferenceConfig.map(value)),
            ("CreationTime", .timestamp(d.creationTime)),
        ])
    }

    static func value(_ v: ProductionVariant) -> AWSValue {
        .structure([
            ("VariantName", .string(v.variantName)),
            ("ModelName", .optional(v.modelName)),
            ("InitialInstanceCount", v.initialInstanceCount.map(AWSValue.int)),
            ("InstanceType", .optional(v.instanceType)),
            ("InitialVariantWeight", v.initialVariantWeight.map(AWSValue.double)),
            ("ServerlessConfig", v.serverlessConfig.map(value)),
        ])
    }

    static func value(_ s: ProductionVariantServerlessConfig) -> AWSValue {
        .structure([("MemorySizeInMB", .int(s.memorySizeInMB)), ("MaxConcurrency", .int(s.maxConcurrency))])
    }

    static func value(_ a: AsyncInferenceConfig) -> AWSValue {
        let output = a.outputConfig
        let notification = output.notificationConfig.map {
            AWSValue.structure([("SuccessTopic", .optional($0.successTopic)), ("ErrorTopic", .optional($0.errorTopic))])
        }
        return .structure([
            ("ClientConfig", a.clientConfig.map {
                .structure([("MaxConcurrentInvocationsPerInstance", $0.maxConcurrentInvocationsPerInstance.map(AWSValue.int))])
            }),
            ("OutputConfig", .structure([
                ("S3OutputPath", .optional(output.s3OutputPath)),
                ("NotificationConfig", notification),
                ("S3FailurePath", .optional(output.s3FailurePath)),
            ])),
        ])
    }

    static func value(_ c: EndpointConfigSummary) -> AWSValue {
        .structure([("EndpointConfigName", .string(c.endpointConfigName)),
                    ("EndpointConfigArn", .string(c.endpointConfigArn)),
                    ("CreationTime", .timestamp(c.creationTime))])
    }

    static func value(_ d: DescribeEndpointOutput) -> AWSValue {
        .structure([
            ("EndpointName", .string(d.endpointName)),
            ("EndpointArn", .string(d.endpointArn)),
            ("EndpointConfigName", .string(d.endpointConfigName)),
            ("ProductionVariants", .list(d.productionVariants.map(value))),
            ("EndpointStatus", .string(d.endpointStatus.rawValue)),
            ("FailureReason", .optional(d.failureReason)),
            ("CreationTime", .timestamp(d.creationTime)),
            ("LastModifiedTime", .timestamp(d.lastModifiedTime)),
            ("AsyncInferenceConfig", d.asyncInferenceConfig.map(value)),
        ])
    }

    static func value(_ v: ProductionVariantSummary) -> AWSValue {
        .structure([
            ("VariantName", .string(v.variantName)),
            // Nothing is deployed while the endpoint is first created; AWS then leaves it out.
            ("DeployedImages", v.deployedImages.isEmpty ? nil : .list(v.deployedImages.map(value))),
            ("CurrentWeight", v.currentWeight.map(AWSValue.double)),
            ("DesiredWeight", v.desiredWeight.map(AWSValue.double)),
            ("CurrentInstanceCount", v.currentInstanceCount.map(AWSValue.int)),
            ("DesiredInstanceCount", v.desiredInstanceCount.map(AWSValue.int)),
            ("CurrentServerlessConfig", v.currentServerlessConfig.map(value)),
            ("DesiredServerlessConfig", v.desiredServerlessConfig.map(value)),
        ])
    }

    static func value(_ i: DeployedImage) -> AWSValue {
        .structure([("SpecifiedImage", .optional(i.specifiedImage)), ("ResolvedImage", .optional(i.resolvedImage)),
                    ("ResolutionTime", i.resolutionTime.map(AWSValue.timestamp))])
    }

    static func value(_ e: EndpointSummary) -> AWSValue {
        .structure([
            ("EndpointName", .string(e.endpointName)),
            ("EndpointArn", .string(e.endpointArn)),
            ("CreationTime", .timestamp(e.creationTime)),
            ("LastModifiedTime", .timestamp(e.lastModifiedTime)),
            ("EndpointStatus", .string(e.endpointStatus.rawValue)),
        ])
    }
}
