// The SageMaker resources `DeleteStep` deletes, each by one boto3 call.

enum EndpointResource: DeletableResource {
    static let kind = "sagemaker.delete_endpoint", operation = "DeleteEndpoint", noun = "endpoint", member = "EndpointName", example = "nsmc"
}

enum EndpointConfigResource: DeletableResource {
    static let kind = "sagemaker.delete_endpoint_config", operation = "DeleteEndpointConfig", noun = "endpoint configuration", member = "EndpointConfigName", example = "nsmc-config"
}

enum ModelResource: DeletableResource {
    static let kind = "sagemaker.delete_model", operation = "DeleteModel", noun = "model", member = "ModelName", example = "nsmc"
}
