// The three SageMaker delete calls share one step shape: a name in, nothing out.
import Cloud
import Foundation

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
