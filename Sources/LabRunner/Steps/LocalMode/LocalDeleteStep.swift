// `local.delete_endpoint`: Stops a local-mode endpoint.
import Foundation
import Serving

struct LocalDeleteStep: LabStep {
    static let kind = "local.delete_endpoint"
    static let summary = "Stops a local-mode endpoint."
    static let declaration = StepDeclaration(
        keys: [StepKey("EndpointName", .string, required: true, "The local endpoint local.deploy started.")],
        output: [OutputField("EndpointName", "The endpoint."), OutputField("Deleted", "true.")],
        touchesState: true,
        example: "EndpointName: local-nsmc")
    let name: Arg<String>

    init(arguments: inout StepArguments) throws { name = try arguments.required("EndpointName") }

    func run(in context: StepContext) async throws -> LabValue {
        let endpoint = try context.resolve(name)
        try context.session.services.removeLocalEndpoint(endpoint, at: name.location)
        context.show(.code("predictor.delete_endpoint()", language: "python", caption: "SageMaker Python SDK"))
        return .object(LabObject([("EndpointName", .string(endpoint)), ("Deleted", .bool(true))]))
    }
}
