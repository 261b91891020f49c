// Delete calls that take one name and return nothing share one step kind, generic over
// the resource: each service's file says what it deletes and how.
import Cloud
import Foundation

/// sagemaker.delete_endpoint / _endpoint_config / _model, iam.delete_role, lambda.delete_function,
/// sns.delete_topic: one name in, nothing out.
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
