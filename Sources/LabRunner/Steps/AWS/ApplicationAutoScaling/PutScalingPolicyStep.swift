// `application-autoscaling.put_scaling_policy`: PutScalingPolicy: TargetTrackingScaling on a predefined or customized metric, with cooldowns.
import Cloud
import Foundation

struct PutScalingPolicyStep: LabStep {
    static let kind = "application-autoscaling.put_scaling_policy"
    static let summary = "PutScalingPolicy: TargetTrackingScaling on a predefined or customized metric, with cooldowns."
    let name: Arg<String>, namespace: Arg<String>, resource: Arg<String>, dimension: Arg<String>
    let type: Arg<String>?, configuration: Arg<LabValue>

    init(arguments: inout StepArguments) throws {
        name = try arguments.required("PolicyName")
        namespace = try arguments.required("ServiceNamespace")
        resource = try arguments.required("ResourceId")
        dimension = try arguments.required("ScalableDimension")
        type = try arguments.optional("PolicyType")
        configuration = try arguments.required("TargetTrackingScalingPolicyConfiguration")
    }

    /// PolicyType defaults to TargetTrackingScaling, the one kind the step takes a
    /// configuration for (AWS itself would take a missing type as StepScaling). The
    /// configuration goes as written; the dispatch checks it against botocore's model.
    func run(in context: StepContext) async throws -> LabValue {
        LabValue(aws: try await context.call("application-autoscaling", "PutScalingPolicy", [
            "PolicyName": .string(try context.resolve(name)), "ServiceNamespace": .string(try context.resolve(namespace)),
            "ResourceId": .string(try context.resolve(resource)), "ScalableDimension": .string(try context.resolve(dimension)),
            "PolicyType": .string(try context.resolve(type, default: "TargetTrackingScaling")),
            "TargetTrackingScalingPolicyConfiguration": try context.resolve(configuration).awsValue,
        ]))
    }
}
