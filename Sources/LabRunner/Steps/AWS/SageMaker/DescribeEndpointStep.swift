// `sagemaker.describe_endpoint`: DescribeEndpoint: status, variants and instance counts.
import Cloud
import Foundation

struct DescribeEndpointStep: LabStep {
    static let kind = "sagemaker.describe_endpoint"
    static let summary = "DescribeEndpoint: status, variants and instance counts."
    let name: Arg<String>

    init(arguments: inout StepArguments) throws { name = try arguments.required("EndpointName") }

    func run(in context: StepContext) async throws -> LabValue {
        Self.shape(try context.cloud.sagemaker.describeEndpoint(endpointName: try context.resolve(name)))
    }

    static func shape(_ d: DescribeEndpointOutput) -> LabValue {
        Shape.object([
            ("EndpointName", .string(d.endpointName)), ("EndpointArn", .string(d.endpointArn)),
            ("EndpointConfigName", .string(d.endpointConfigName)),
            ("ProductionVariants", .list(d.productionVariants.map { v in
                Shape.object([("VariantName", .string(v.variantName)),
                              ("CurrentInstanceCount", v.currentInstanceCount.map(LabValue.int)),
                              ("DesiredInstanceCount", v.desiredInstanceCount.map(LabValue.int)),
                              ("CurrentWeight", v.currentWeight.map(LabValue.number))])
            })),
            ("EndpointStatus", .string(d.endpointStatus.rawValue)), ("FailureReason", d.failureReason.map(LabValue.string)),
            ("CreationTime", Shape.date(d.creationTime)), ("LastModifiedTime", Shape.date(d.lastModifiedTime)),
        ])
    }
}
