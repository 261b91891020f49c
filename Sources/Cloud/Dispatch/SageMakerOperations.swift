// boto3's sagemaker client (botocore sagemaker/2017-07-24) onto `SageMaker`: models,
// endpoint configurations and endpoints. The dispatch has checked each request against the
// model; the service keeps its own rules (names in use, quotas, states). Conversions are in
// SageMakerShapes.swift, the shared List* members in SageMakerListing.swift.
import AWSShapes
import Foundation

enum SageMakerOperations {
    static let handlers: [String: OperationHandler] = [
        "CreateModel": { try createModel($0, parameters($1)) },
        "DescribeModel": { try describeModel($0, parameters($1)) },
        "ListModels": { try listModels($0, parameters($1)) },
        "DeleteModel": { try deleteModel($0, parameters($1)) },
        "CreateEndpointConfig": { try createEndpointConfig($0, parameters($1)) },
        "DescribeEndpointConfig": { try describeEndpointConfig($0, parameters($1)) },
        "ListEndpointConfigs": { try listEndpointConfigs($0, parameters($1)) },
        "DeleteEndpointConfig": { try deleteEndpointConfig($0, parameters($1)) },
        "CreateEndpoint": { try createEndpoint($0, parameters($1)) },
        "DescribeEndpoint": { try describeEndpoint($0, parameters($1)) },
        "ListEndpoints": { try listEndpoints($0, parameters($1)) },
        "UpdateEndpoint": { try updateEndpoint($0, parameters($1)) },
        "DeleteEndpoint": { try deleteEndpoint($0, parameters($1)) },
        "UpdateEndpointWeightsAndCapacities": { try updateEndpointWeightsAndCapacities($0, parameters($1)) },
    ]

    private static func parameters(_ input: AWSValue) -> Parameters { Parameters(input, service: "sagemaker") }

    // MARK: Models

    private static func createModel(_ cloud: CloudEnvironment, _ p: Parameters) throws -> AWSValue {
        let output = try cloud.sagemaker.createModel(try SageMakerShapes.createModelInput(p))
        return .structure([("ModelArn", .string(output.modelArn))])
    }

    private static func describeModel(_ cloud: CloudEnvironment, _ p: Parameters) throws -> AWSValue {
        SageMakerShapes.value(try cloud.sagemaker.describeModel(modelName: try p.string("ModelName")))
    }

    private static func listModels(_ cloud: CloudEnvironment, _ p: Parameters) throws -> AWSValue {
        let request = try SageMakerListRequest(p)
        let created = try SageMakerListRequest.window(p, before: "CreationTimeBefore", after: "CreationTimeAfter",
                                                      \ModelSummary.creationTime)
        let page = try request.page(filters: [created].compactMap { $0 }, name: \.modelName, created: \.creationTime) {
            try cloud.sagemaker.listModels(nameContains: $0.nameContains, sortBy: $0.sortBy, sortOrder: $0.sortOrder,
                                           maxResults: $0.maxResults, nextToken: $0.nextToken)
        }
        return .structure([("Models", .list(page.items.map(SageMakerShapes.value))), ("NextToken", .optional(page.nextToken))])
    }

    private static func deleteModel(_ cloud: CloudEnvironment, _ p: Parameters) throws -> AWSValue {
        try cloud.sagemaker.deleteModel(modelName: try p.string("ModelName"))
        return .empty
    }

    // MARK: Endpoint configurations

    private static func createEndpointConfig(_ cloud: CloudEnvironment, _ p: Parameters) throws -> AWSValue {
        let output = try cloud.sagemaker.createEndpointConfig(try SageMakerShapes.createEndpointConfigInput(p))
        return .structure([("EndpointConfigArn", .string(output.endpointConfigArn))])
    }

    private static func describeEndpointConfig(_ cloud: CloudEnvironment, _ p: Parameters) throws -> AWSValue {
        SageMakerShapes.value(try cloud.sagemaker.describeEndpointConfig(endpointConfigName: try p.string("EndpointConfigName")))
    }

    private static func listEndpointConfigs(_ cloud: CloudEnvironment, _ p: Parameters) throws -> AWSValue {
        let request = try SageMakerListRequest(p)
        let created = try SageMakerListRequest.window(p, before: "CreationTimeBefore", after: "CreationTimeAfter",
                                                      \EndpointConfigSummary.creationTime)
        let page = try request.page(filters: [created].compactMap { $0 }, name: \.endpointConfigName,
                                    created: \.creationTime) {
            try cloud.sagemaker.listEndpointConfigs(nameContains: $0.nameContains, sortBy: $0.sortBy, sortOrder: $0.sortOrder,
                                                    maxResults: $0.maxResults, nextToken: $0.nextToken)
        }
        return .structure([("EndpointConfigs", .list(page.items.map(SageMakerShapes.value))),
                           ("NextToken", .optional(page.nextToken))])
    }

    private static func deleteEndpointConfig(_ cloud: CloudEnvironment, _ p: Parameters) throws -> AWSValue {
        try cloud.sagemaker.deleteEndpointConfig(endpointConfigName: try p.string("EndpointConfigName"))
        return .empty
    }

    // MARK: Endpoints

    private static func createEndpoint(_ cloud: CloudEnvironment, _ p: Parameters) throws -> AWSValue {
        let output = try cloud.sagemaker.createEndpoint(endpointName: try p.string("EndpointName"),
                                                        endpointConfigName: try p.string("EndpointConfigName"),
                                                        tags: try SageMakerShapes.tags(p))
        return .structure([("EndpointArn", .string(output.endpointArn))])
    }

    private static func describeEndpoint(_ cloud: CloudEnvironment, _ p: Parameters) throws -> AWSValue {
        SageMakerShapes.value(try cloud.sagemaker.describeEndpoint(endpointName: try p.string("EndpointName")))
    }

    private static func listEndpoints(_ cloud: CloudEnvironment, _ p: Parameters) throws -> AWSValue {
        let request = try SageMakerListRequest(p)
        let status: EndpointStatus? = try p.optionalEnumValue("StatusEquals")
        let filters = [
            try SageMakerListRequest.window(p, before: "CreationTimeBefore", after: "CreationTimeAfter",
                                            \EndpointSummary.creationTime),
            try SageMakerListRequest.window(p, before: "LastModifiedTimeBefore", after: "LastModifiedTimeAfter",
                                            \EndpointSummary.lastModifiedTime),
        ].compactMap { $0 }
        let page = try request.page(filters: filters, name: \.endpointName, created: \.creationTime) {
            try cloud.sagemaker.listEndpoints(nameContains: $0.nameContains, statusEquals: status, sortBy: $0.sortBy,
                                              sortOrder: $0.sortOrder, maxResults: $0.maxResults, nextToken: $0.nextToken)
        }
        return .structure([("Endpoints", .list(page.items.map(SageMakerShapes.value))), ("NextToken", .optional(page.nextToken))])
    }

    private static func updateEndpoint(_ cloud: CloudEnvironment, _ p: Parameters) throws -> AWSValue {
        // The new configuration's weights and counts always apply; keeping the current ones is not modelled.
        if p.optionalBool("RetainAllVariantProperties") == true {
            throw SageMakerErrors.validation("RetainAllVariantProperties is not emulated by labbook; leave it out.")
        }
        let output = try cloud.sagemaker.updateEndpoint(endpointName: try p.string("EndpointName"),
                                                        endpointConfigName: try p.string("EndpointConfigName"))
        return .structure([("EndpointArn", .string(output.endpointArn))])
    }

    private static func deleteEndpoint(_ cloud: CloudEnvironment, _ p: Parameters) throws -> AWSValue {
        try cloud.sagemaker.deleteEndpoint(endpointName: try p.string("EndpointName"))
        return .empty
    }

    private static func updateEndpointWeightsAndCapacities(_ cloud: CloudEnvironment, _ p: Parameters) throws -> AWSValue {
        let desired = try p.structures("DesiredWeightsAndCapacities").enumerated().map {
            try SageMakerShapes.desiredWeightAndCapacity($1, at: "DesiredWeightsAndCapacities[\($0)]")
        }
        let arn = try cloud.sagemaker.updateEndpointWeightsAndCapacities(endpointName: try p.string("EndpointName"),
                                                                          desiredWeightsAndCapacities: desired)
        return .structure([("EndpointArn", .string(arn))])
    }
}
