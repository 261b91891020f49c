// `sagemaker.create_endpoint`: CreateEndpoint: starts provisioning (Creating → InService on the simulated clock).
import Cloud
import Foundation

struct CreateEndpointStep: LabStep {
    static let kind = "sagemaker.create_endpoint"
    static let summary = "CreateEndpoint: starts provisioning (Creating → InService on the simulated clock)."
    let name: Arg<String>, config: Arg<String>

    init(arguments: inout StepArguments) throws {
        name = try arguments.required("EndpointName")
        config = try arguments.required("EndpointConfigName")
    }

    func run(in context: StepContext) async throws -> LabValue {
        let output = try context.cloud.sagemaker.createEndpoint(endpointName: try context.resolve(name),
                                                                endpointConfigName: try context.resolve(config))
        return Shape.object([("EndpointArn", .string(output.endpointArn))])
    }
}
