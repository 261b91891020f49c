// `sagemaker.describe_endpoint`: DescribeEndpoint: status, variants and instance counts.
import Cloud
import Foundation

struct DescribeEndpointStep: LabStep {
    static let kind = "sagemaker.describe_endpoint"
    static let summary = "DescribeEndpoint: status, variants and instance counts."
    static let declaration = StepDeclaration(
        boto3: "sagemaker", "DescribeEndpoint", parameters: ["EndpointName"],
        output: [
            OutputField("EndpointName", "The endpoint."), OutputField("EndpointArn", "Its ARN."),
            OutputField("EndpointConfigName", "Its configuration."),
            OutputField("ProductionVariants", "{VariantName, CurrentInstanceCount, DesiredInstanceCount, CurrentWeight} each."),
            OutputField("EndpointStatus", "Creating, InService, Updating, Failed, Deleting."),
            OutputField("FailureReason", "Why it failed, when it did."),
            OutputField("CreationTime", "When it was created."), OutputField("LastModifiedTime", "When it last changed."),
        ],
        includesAnswer: false,
        example: "EndpointName: nsmc")
    let name: Arg<String>

    init(arguments: inout StepArguments) throws { name = try arguments.required("EndpointName") }

    func run(in context: StepContext) async throws -> LabValue {
        Self.shape(try await context.call("sagemaker", "DescribeEndpoint", ["EndpointName": .string(try context.resolve(name))]))
    }

    /// The members a handout reads, in the order it reads them, from DescribeEndpoint's answer.
    static func shape(_ d: AWSValue) -> LabValue {
        func member(_ value: AWSValue, _ key: String) -> LabValue? { value[key].map(LabValue.init(aws:)) }
        return Shape.object([
            ("EndpointName", member(d, "EndpointName")), ("EndpointArn", member(d, "EndpointArn")),
            ("EndpointConfigName", member(d, "EndpointConfigName")),
            ("ProductionVariants", d["ProductionVariants"]?.list.map { variants in
                .list(variants.map { v in
                    Shape.object([("VariantName", member(v, "VariantName")),
                                  ("CurrentInstanceCount", member(v, "CurrentInstanceCount")),
                                  ("DesiredInstanceCount", member(v, "DesiredInstanceCount")),
                                  ("CurrentWeight", v["CurrentWeight"]?.double.map(LabValue.number))])
                })
            }),
            ("EndpointStatus", member(d, "EndpointStatus")), ("FailureReason", member(d, "FailureReason")),
            ("CreationTime", member(d, "CreationTime")), ("LastModifiedTime", member(d, "LastModifiedTime")),
        ])
    }
}
