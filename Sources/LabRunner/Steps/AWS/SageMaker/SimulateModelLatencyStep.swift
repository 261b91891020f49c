// `sagemaker.simulate_model_latency`: Makes an endpoint's model take N simulated seconds per request (a stand-in for a slow model).
import Cloud
import Foundation

struct SimulateModelLatencyStep: LabStep {
    static let kind = "sagemaker.simulate_model_latency"
    static let summary = "Makes an endpoint's model take N simulated seconds per request (a stand-in for a slow model)."
    static let declaration = StepDeclaration(
        keys: [
            StepKey("EndpointName", .string, required: true, "The endpoint whose model should be slow."),
            StepKey("Seconds", .number, required: true, "Simulated seconds per request."),
        ],
        output: [OutputField("EndpointName", "The endpoint."), OutputField("SimulatedModelLatencySeconds", "The latency set.")],
        touchesState: true,
        example: """
            EndpointName: async-maskrcnn
            Seconds: 30
            """)
    let name: Arg<String>, seconds: Arg<Double>

    init(arguments: inout StepArguments) throws {
        name = try arguments.required("EndpointName")
        seconds = try arguments.required("Seconds")
    }

    func run(in context: StepContext) async throws -> LabValue {
        // No AWS API sets a model's speed: this reaches into the embedded account.
        let cloud = try context.embeddedCloud(for: Self.kind, at: name.location)
        let endpoint = try context.resolve(name), value = try context.resolve(seconds)
        try cloud.sagemaker.setSimulatedModelLatency(endpointName: endpoint, value)
        return Shape.object([("EndpointName", .string(endpoint)), ("SimulatedModelLatencySeconds", .number(value))])
    }
}
