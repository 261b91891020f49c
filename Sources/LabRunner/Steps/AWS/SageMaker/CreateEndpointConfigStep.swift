// `sagemaker.create_endpoint_config`: CreateEndpointConfig: production variants (instances or serverless), optional AsyncInferenceConfig.
import Cloud
import Foundation

struct CreateEndpointConfigStep: LabStep {
    static let kind = "sagemaker.create_endpoint_config"
    static let summary = "CreateEndpointConfig: production variants (instances or serverless), optional AsyncInferenceConfig."
    static let declaration = StepDeclaration(
        boto3: "sagemaker", "CreateEndpointConfig", parameters: ["EndpointConfigName", "ProductionVariants", "AsyncInferenceConfig"],
        example: """
            EndpointConfigName: nsmc-config
            ProductionVariants:
              - {VariantName: AllTraffic, ModelName: nsmc, InstanceType: ml.m5.xlarge, InitialInstanceCount: 1}
            """)
    let name: Arg<String>, variants: Arg<[LabValue]>, async: Arg<LabValue>?

    init(arguments: inout StepArguments) throws {
        name = try arguments.required("EndpointConfigName")
        variants = try arguments.required("ProductionVariants")
        async = try arguments.optional("AsyncInferenceConfig")
    }

    func run(in context: StepContext) async throws -> LabValue {
        try await context.call("sagemaker", "CreateEndpointConfig", Shape.object([
            ("EndpointConfigName", .string(try context.resolve(name))),
            ("ProductionVariants", .list(try context.resolve(variants))),
            ("AsyncInferenceConfig", try async.map(context.resolve)),
        ]))
    }
}
