// Delete calls that take one name and return nothing share one step kind, generic over
// the resource: each service's file says what it deletes and by which member.
import Cloud
import Foundation

/// sagemaker.delete_endpoint / _endpoint_config / _model, iam.delete_role, lambda.delete_function,
/// sns.delete_topic: one name in, nothing out.
struct DeleteStep<Resource: DeletableResource>: LabStep {
    static var kind: String { Resource.kind }
    static var summary: String { "\(Resource.operation): deletes the \(Resource.noun)." }
    static var declaration: StepDeclaration {
        StepDeclaration(boto3: Resource.service, Resource.operation, parameters: [.init(Resource.member)],
                        output: [OutputField(Resource.member, "What was deleted."), OutputField("Deleted", "true.")],
                        example: "\(Resource.member): \(Resource.example)")
    }
    let name: Arg<String>

    init(arguments: inout StepArguments) throws { name = try arguments.required(Resource.member) }

    func run(in context: StepContext) async throws -> LabValue {
        let value = try context.resolve(name)
        let output: AWSValue = try await context.call(Resource.service, Resource.operation, [Resource.member: .string(value)])
        return LabValue(aws: output, adding: [(Resource.member, .string(value)), ("Deleted", .bool(true))])
    }
}

/// A resource deleted by `<service>.<Operation>(<member>=name)`.
protocol DeletableResource: Sendable {
    /// The step kind, `<service>.delete_<noun>`.
    static var kind: String { get }
    /// botocore's service name; by default the kind's prefix.
    static var service: String { get }
    /// botocore's operation name, e.g. DeleteEndpoint.
    static var operation: String { get }
    static var noun: String { get }
    /// The one parameter, e.g. EndpointName.
    static var member: String { get }
    /// A value for it in `labbook describe`'s example.
    static var example: String { get }
}

extension DeletableResource {
    static var service: String { String(kind.prefix { $0 != "." }) }
}
