// SageMaker control-plane shapes (botocore model sagemaker/2017-07-24, service-2.json).
// Type and member names follow botocore's shapes in lowerCamelCase
// (CreateModelInput.ModelDataUrl -> modelDataUrl) so the wire server maps them one to one.
// Only the members the emulator acts on are modelled.
import Foundation

public enum InferenceExecutionMode: String, Sendable, Equatable, CaseIterable {
    case serial = "Serial"
    case direct = "Direct"
}

public struct InferenceExecutionConfig: Sendable, Equatable {
    public var mode: InferenceExecutionMode
    public init(mode: InferenceExecutionMode) { self.mode = mode }
}

public struct ContainerDefinition: Sendable, Equatable {
    public var containerHostname: String?
    public var image: String?
    /// `s3://bucket/key` of a model.tar.gz.
    public var modelDataUrl: String?
    /// `SAGEMAKER_PROGRAM` names the handler (the registry name) that serves this container.
    public var environment: [String: String]

    public init(containerHostname: String? = nil, image: String? = nil, modelDataUrl: String? = nil,
                environment: [String: String] = [:]) {
        self.containerHostname = containerHostname
        self.image = image
        self.modelDataUrl = modelDataUrl
        self.environment = environment
    }
}

public struct Tag: Sendable, Equatable {
    public var key: String
    public var value: String
    public init(key: String, value: String) { self.key = key; self.value = value }
}

public struct CreateModelInput: Sendable, Equatable {
    public var modelName: String
    public var primaryContainer: ContainerDefinition?
    public var containers: [ContainerDefinition]?
    public var inferenceExecutionConfig: InferenceExecutionConfig?
    public var executionRoleArn: String?
    public var tags: [Tag]

    public init(modelName: String, primaryContainer: ContainerDefinition? = nil,
                containers: [ContainerDefinition]? = nil, inferenceExecutionConfig: InferenceExecutionConfig? = nil,
                executionRoleArn: String? = nil, tags: [Tag] = []) {
        self.modelName = modelName
        self.primaryContainer = primaryContainer
        self.containers = containers
        self.inferenceExecutionConfig = inferenceExecutionConfig
        self.executionRoleArn = executionRoleArn
        self.tags = tags
    }
}

public struct CreateModelOutput: Sendable, Equatable { public var modelArn: String }

public struct DescribeModelOutput: Sendable, Equatable {
    public var modelName: String
    public var primaryContainer: ContainerDefinition?
    public var containers: [ContainerDefinition]?
    public var inferenceExecutionConfig: InferenceExecutionConfig?
    public var executionRoleArn: String?
    public var creationTime: Date
    public var modelArn: String
}

public struct ModelSummary: Sendable, Equatable {
    public var modelName: String
    public var modelArn: String
    public var creationTime: Date
}

public struct ProductionVariantServerlessConfig: Sendable, Equatable {
    public var memorySizeInMB: Int
    public var maxConcurrency: Int
    public init(memorySizeInMB: Int, maxConcurrency: Int) {
        self.memorySizeInMB = memorySizeInMB
        self.maxConcurrency = maxConcurrency
    }
}

public struct ProductionVariant: Sendable, Equatable {
    public var variantName: String
    public var modelName: String?
    public var initialInstanceCount: Int?
    public var instanceType: String?
    public var initialVariantWeight: Double?
    public var serverlessConfig: ProductionVariantServerlessConfig?

    public init(variantName: String, modelName: String? = nil, initialInstanceCount: Int? = nil,
                instanceType: String? = nil, initialVariantWeight: Double? = nil,
                serverlessConfig: ProductionVariantServerlessConfig? = nil) {
        self.variantName = variantName
        self.modelName = modelName
        self.initialInstanceCount = initialInstanceCount
        self.instanceType = instanceType
        self.initialVariantWeight = initialVariantWeight
        self.serverlessConfig = serverlessConfig
    }
}

public struct AsyncInferenceNotificationConfig: Sendable, Equatable {
    public var successTopic: String?
    public var errorTopic: String?
    public init(successTopic: String? = nil, errorTopic: String? = nil) {
        self.successTopic = successTopic
        self.errorTopic = errorTopic
    }
}

public struct AsyncInferenceOutputConfig: Sendable, Equatable {
    public var s3OutputPath: String?
    public var s3FailurePath: String?
    public var notificationConfig: AsyncInferenceNotificationConfig?
    public init(s3OutputPath: String? = nil, s3FailurePath: String? = nil,
                notificationConfig: AsyncInferenceNotificationConfig? = nil) {
        self.s3OutputPath = s3OutputPath
        self.s3FailurePath = s3FailurePath
        self.notificationConfig = notificationConfig
    }
}

public struct AsyncInferenceClientConfig: Sendable, Equatable {
    public var maxConcurrentInvocationsPerInstance: Int?
    public init(maxConcurrentInvocationsPerInstance: Int? = nil) {
        self.maxConcurrentInvocationsPerInstance = maxConcurrentInvocationsPerInstance
    }
}

public struct AsyncInferenceConfig: Sendable, Equatable {
    public var clientConfig: AsyncInferenceClientConfig?
    public var outputConfig: AsyncInferenceOutputConfig
    public init(clientConfig: AsyncInferenceClientConfig? = nil, outputConfig: AsyncInferenceOutputConfig) {
        self.clientConfig = clientConfig
        self.outputConfig = outputConfig
    }
}

public struct CreateEndpointConfigInput: Sendable, Equatable {
    public var endpointConfigName: String
    public var productionVariants: [ProductionVariant]
    public var asyncInferenceConfig: AsyncInferenceConfig?
    public var tags: [Tag]

    public init(endpointConfigName: String, productionVariants: [ProductionVariant],
                asyncInferenceConfig: AsyncInferenceConfig? = nil, tags: [Tag] = []) {
        self.endpointConfigName = endpointConfigName
        self.productionVariants = productionVariants
        self.asyncInferenceConfig = asyncInferenceConfig
        self.tags = tags
    }
}

public struct CreateEndpointConfigOutput: Sendable, Equatable { public var endpointConfigArn: String }

public struct DescribeEndpointConfigOutput: Sendable, Equatable {
    public var endpointConfigName: String
    public var endpointConfigArn: String
    public var productionVariants: [ProductionVariant]
    public var asyncInferenceConfig: AsyncInferenceConfig?
    public var creationTime: Date
}

public struct EndpointConfigSummary: Sendable, Equatable {
    public var endpointConfigName: String
    public var endpointConfigArn: String
    public var creationTime: Date
}

public enum EndpointStatus: String, Sendable, Equatable, CaseIterable {
    case outOfService = "OutOfService"
    case creating = "Creating"
    case updating = "Updating"
    case systemUpdating = "SystemUpdating"
    case rollingBack = "RollingBack"
    case inService = "InService"
    case deleting = "Deleting"
    case failed = "Failed"
    case updateRollbackFailed = "UpdateRollbackFailed"
}

public struct DeployedImage: Sendable, Equatable {
    public var specifiedImage: String?
    public var resolvedImage: String?
    public var resolutionTime: Date?
}

public struct ProductionVariantSummary: Sendable, Equatable {
    public var variantName: String
    public var deployedImages: [DeployedImage]
    public var currentWeight: Double?
    public var desiredWeight: Double?
    /// Instances that are up and taking work; nil for serverless variants.
    public var currentInstanceCount: Int?
    public var desiredInstanceCount: Int?
    public var currentServerlessConfig: ProductionVariantServerlessConfig?
    public var desiredServerlessConfig: ProductionVariantServerlessConfig?
}

public struct CreateEndpointOutput: Sendable, Equatable { public var endpointArn: String }
public struct UpdateEndpointOutput: Sendable, Equatable { public var endpointArn: String }

public struct DescribeEndpointOutput: Sendable, Equatable {
    public var endpointName: String
    public var endpointArn: String
    public var endpointConfigName: String
    public var productionVariants: [ProductionVariantSummary]
    public var endpointStatus: EndpointStatus
    public var failureReason: String?
    public var creationTime: Date
    public var lastModifiedTime: Date
    public var asyncInferenceConfig: AsyncInferenceConfig?
}

public struct EndpointSummary: Sendable, Equatable {
    public var endpointName: String
    public var endpointArn: String
    public var creationTime: Date
    public var lastModifiedTime: Date
    public var endpointStatus: EndpointStatus
}

/// botocore's `OrderKey`.
public enum SortOrder: String, Sendable { case ascending = "Ascending", descending = "Descending" }
