// Request checks for CreateModel and CreateEndpointConfig: botocore's member constraints
// (sagemaker/2017-07-24/service-2.json) first, then the service's own rules.
import Foundation

enum SageMakerValidation {
    /// botocore: ContainerDefinitionList max 15; EnvironmentMap max 100 entries.
    static let maxContainers = 15
    static let maxEnvironmentEntries = 100

    static func validate(_ input: CreateModelInput) throws {
        var v = ConstraintViolations()
        v.length(input.modelName, max: 63, at: "modelName")
        v.pattern(input.modelName, SageMakerPatterns.modelName, at: "modelName")
        v.length(input.executionRoleArn, min: 20, max: 2048, at: "executionRoleArn")
        v.pattern(input.executionRoleArn, SageMakerPatterns.roleArn, at: "executionRoleArn")
        if let primary = input.primaryContainer { check(primary, at: "primaryContainer", &v) }
        if let containers = input.containers {
            v.count(containers.count, max: maxContainers, at: "containers")
            for (i, container) in containers.enumerated() { check(container, at: "containers.\(i + 1).member", &v) }
        }
        v.count(input.tags.count, max: 50, at: "tags")
        try v.check(SageMakerErrors.validation)
        try checkContainerRules(input)
    }

    private static func check(_ container: ContainerDefinition, at path: String, _ v: inout ConstraintViolations) {
        v.length(container.containerHostname, max: 63, at: "\(path).containerHostname")
        v.pattern(container.containerHostname, SageMakerPatterns.containerHostname, at: "\(path).containerHostname")
        v.length(container.image, max: 255, at: "\(path).image")
        v.pattern(container.image, SageMakerPatterns.image, at: "\(path).image")
        v.length(container.modelDataUrl, max: 1024, at: "\(path).modelDataUrl")
        v.pattern(container.modelDataUrl, SageMakerPatterns.url, at: "\(path).modelDataUrl")
        v.count(container.environment.count, max: maxEnvironmentEntries, at: "\(path).environment")
    }

    private static func checkContainerRules(_ input: CreateModelInput) throws {
        switch (input.primaryContainer, input.containers) {
        case (.some, .some):
            throw SageMakerErrors.validation("PrimaryContainer and Containers cannot both be specified.")
        case (nil, nil), (nil, .some([])):
            throw SageMakerErrors.validation("Either PrimaryContainer or Containers must be specified.")
        default: break
        }
        let containers = input.containers ?? []
        if input.inferenceExecutionConfig != nil && input.containers == nil {
            throw SageMakerErrors.validation("InferenceExecutionConfig can only be specified with Containers.")
        }
        // Botocore's ContainerHostname doc: name all containers of a pipeline or none.
        let named = containers.compactMap(\.containerHostname)
        if !named.isEmpty && named.count != containers.count {
            throw SageMakerErrors.validation(
                "ContainerHostname must be specified for every container when it is specified for any container.")
        }
        var seen = Set<String>()
        for name in named where !seen.insert(name.lowercased()).inserted {
            throw SageMakerErrors.validation("Container hostname \"\(name)\" is not unique; ContainerHostname must be unique within the model.")
        }
        if input.inferenceExecutionConfig?.mode == .direct && named.isEmpty {
            throw SageMakerErrors.validation(
                "Direct inference execution mode requires a ContainerHostname for every container.")
        }
        for container in input.primaryContainer.map({ [$0] }) ?? containers {
            if let url = container.modelDataUrl, (try? S3URI(parsing: url))?.key.isEmpty ?? true {
                throw SageMakerErrors.validation("ModelDataUrl \"\(url)\" is not an s3://bucket/key URL; the emulator reads model artifacts from S3 only.")
            }
        }
    }

    static func validate(_ input: CreateEndpointConfigInput) throws {
        var v = ConstraintViolations()
        v.length(input.endpointConfigName, max: 63, at: "endpointConfigName")
        v.pattern(input.endpointConfigName, SageMakerPatterns.endpointName, at: "endpointConfigName")
        v.count(input.productionVariants.count, min: 1, max: 10, at: "productionVariants")
        for (i, variant) in input.productionVariants.enumerated() {
            check(variant, at: "productionVariants.\(i + 1).member", &v)
        }
        if let async = input.asyncInferenceConfig { check(async, &v) }
        try v.check(SageMakerErrors.validation)
        try checkVariantRules(input)
    }

    private static func check(_ variant: ProductionVariant, at path: String, _ v: inout ConstraintViolations) {
        v.length(variant.variantName, max: 63, at: "\(path).variantName")
        v.pattern(variant.variantName, SageMakerPatterns.endpointName, at: "\(path).variantName")
        v.length(variant.modelName, max: 63, at: "\(path).modelName")
        v.pattern(variant.modelName, SageMakerPatterns.modelName, at: "\(path).modelName")
        v.range(variant.initialInstanceCount, min: 1, at: "\(path).initialInstanceCount")
        // `weight < 0` lets NaN and infinity through; only a finite weight >= 0 is a weight.
        if let weight = variant.initialVariantWeight, !(weight.isFinite && weight >= 0) {
            v.add("\(weight)", at: "\(path).initialVariantWeight", "Member must have value greater than or equal to 0")
        }
        if let type = variant.instanceType, !SageMakerInstanceTypes.known.contains(type) {
            v.add(type, at: "\(path).instanceType",
                  "Member must satisfy enum value set: [\(SageMakerInstanceTypes.all.joined(separator: ", "))]")
        }
        if let serverless = variant.serverlessConfig {
            v.range(serverless.memorySizeInMB, min: 1024, max: 6144, at: "\(path).serverlessConfig.memorySizeInMB")
            v.range(serverless.maxConcurrency, min: 1, max: 200, at: "\(path).serverlessConfig.maxConcurrency")
        }
    }

    private static func check(_ async: AsyncInferenceConfig, _ v: inout ConstraintViolations) {
        let base = "asyncInferenceConfig"
        v.range(async.clientConfig?.maxConcurrentInvocationsPerInstance, min: 1, max: 1000,
                at: "\(base).clientConfig.maxConcurrentInvocationsPerInstance")
        let output = async.outputConfig
        for (value, name) in [(output.s3OutputPath, "s3OutputPath"), (output.s3FailurePath, "s3FailurePath")] {
            v.length(value, max: 512, at: "\(base).outputConfig.\(name)")
            v.pattern(value, SageMakerPatterns.destinationS3Uri, at: "\(base).outputConfig.\(name)")
        }
        let notification = output.notificationConfig
        for (value, name) in [(notification?.successTopic, "successTopic"), (notification?.errorTopic, "errorTopic")] {
            v.length(value, max: 2048, at: "\(base).outputConfig.notificationConfig.\(name)")
            v.pattern(value, SageMakerPatterns.snsTopicArn, at: "\(base).outputConfig.notificationConfig.\(name)")
        }
    }

    private static func checkVariantRules(_ input: CreateEndpointConfigInput) throws {
        var names = Set<String>()
        for variant in input.productionVariants {
            guard names.insert(variant.variantName.lowercased()).inserted else {
                throw SageMakerErrors.validation("Production variant names must be unique; \"\(variant.variantName)\" is repeated.")
            }
            guard variant.modelName != nil else {
                throw SageMakerErrors.validation("ModelName is required for production variant \"\(variant.variantName)\".")
            }
            if let serverless = variant.serverlessConfig {
                // The service accepts memory sizes in 1 GB steps only.
                guard serverless.memorySizeInMB % 1024 == 0 else {
                    throw SageMakerErrors.validation("MemorySizeInMB must be one of 1024, 2048, 3072, 4096, 5120, 6144; got \(serverless.memorySizeInMB).")
                }
                guard variant.instanceType == nil && variant.initialInstanceCount == nil else {
                    throw SageMakerErrors.validation("Production variant \"\(variant.variantName)\" cannot specify InstanceType or InitialInstanceCount together with ServerlessConfig.")
                }
                if input.asyncInferenceConfig != nil {
                    throw SageMakerErrors.validation("AsyncInferenceConfig is not supported for serverless production variants.")
                }
            } else if variant.instanceType == nil || variant.initialInstanceCount == nil {
                throw SageMakerErrors.validation("Production variant \"\(variant.variantName)\" needs InstanceType and InitialInstanceCount, or ServerlessConfig.")
            }
        }
        if let output = input.asyncInferenceConfig?.outputConfig, output.s3OutputPath == nil {
            throw SageMakerErrors.validation("AsyncInferenceConfig.OutputConfig must specify S3OutputPath.")
        }
    }
}
