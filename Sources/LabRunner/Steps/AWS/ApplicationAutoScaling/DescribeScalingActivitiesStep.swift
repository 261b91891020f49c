// `application-autoscaling.describe_scaling_activities`: DescribeScalingActivities: every scale-out and scale-in with its cause.
import Cloud
import Foundation

struct DescribeScalingActivitiesStep: LabStep {
    static let kind = "application-autoscaling.describe_scaling_activities"
    static let summary = "DescribeScalingActivities: every scale-out and scale-in with its cause."
    static let declaration = StepDeclaration(
        boto3: "application-autoscaling", "DescribeScalingActivities", parameters: ["ServiceNamespace", "ResourceId"],
        output: [OutputField("ScalingActivities", "Every page's activities, newest first.")], includesAnswer: false,
        example: """
            ServiceNamespace: sagemaker
            ResourceId: endpoint/async-maskrcnn/variant/AllTraffic
            """)
    let namespace: Arg<String>, resource: Arg<String>?

    init(arguments: inout StepArguments) throws {
        namespace = try arguments.required("ServiceNamespace")
        resource = try arguments.optional("ResourceId")
    }

    /// Every page as one answer, as boto3's paginator builds it.
    func run(in context: StepContext) async throws -> LabValue {
        var parameters: [String: AWSValue] = ["ServiceNamespace": .string(try context.resolve(namespace))]
        if let resource { parameters["ResourceId"] = .string(try context.resolve(resource)) }
        let (activities, _) = try await context.callPages("application-autoscaling", "DescribeScalingActivities", .map(parameters),
                                                          token: ("NextToken", "NextToken"), items: "ScalingActivities")
        return Shape.object([("ScalingActivities", .list(activities.map(LabValue.init(aws:))))])
    }
}
