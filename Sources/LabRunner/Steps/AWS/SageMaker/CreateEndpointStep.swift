// `sagemaker.create_endpoint`: CreateEndpoint: starts provisioning (Creating → InService on the simulated clock).
import Cloud
import Foundation

struct CreateEndpointStep: LabStep {
    static let kind = "sagemaker.create_endpoint"
    static let summary = "CreateEndpoint: starts provisioning (Creating → InService on the simulated clock)."
    static let declaration = StepDeclaration(
        boto3: "sagemaker", "CreateEndpoint", parameters: ["EndpointName", "EndpointConfigName"],
        example: """
            EndpointName: nsmc
            EndpointConfigName: nsmc-config
            """)
    let name: Arg<String>, config: Arg<String>

    init(arguments: inout StepArguments) throws {
        name = try arguments.required("EndpointName")
        config = try arguments.required("EndpointConfigName")
    }

    func run(in context: StepContext) async throws -> LabValue {
        try await context.call("sagemaker", "CreateEndpoint", Shape.object([
            ("EndpointName", .string(try context.resolve(name))),
            ("EndpointConfigName", .string(try context.resolve(config))),
        ]))
    }
}
