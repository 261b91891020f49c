// The SageMaker resources `DeleteStep` deletes.
import Cloud

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
