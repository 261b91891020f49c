// `application-autoscaling.describe_scaling_activities`: DescribeScalingActivities: every scale-out and scale-in with its cause.
import Cloud
import Foundation

struct DescribeScalingActivitiesStep: LabStep {
    static let kind = "application-autoscaling.describe_scaling_activities"
    static let summary = "DescribeScalingActivities: every scale-out and scale-in with its cause."
    let namespace: Arg<String>, resource: Arg<String>?

    init(arguments: inout StepArguments) throws {
        namespace = try arguments.required("ServiceNamespace")
        resource = try arguments.optional("ResourceId")
    }

    func run(in context: StepContext) async throws -> LabValue {
        let activities = try context.cloud.applicationAutoScaling.describeScalingActivities(
            serviceNamespace: try context.resolve(namespace), resourceId: try resource.map(context.resolve))
        return Shape.object([("ScalingActivities", .list(activities.map { a in
            Shape.object([("Description", .string(a.description)), ("Cause", .string(a.cause)),
                          ("StartTime", Shape.date(a.startTime)), ("StatusCode", .string(a.statusCode.rawValue))])
        }))])
    }
}
