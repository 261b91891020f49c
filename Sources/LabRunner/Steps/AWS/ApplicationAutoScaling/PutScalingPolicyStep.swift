// `application-autoscaling.put_scaling_policy`: PutScalingPolicy: TargetTrackingScaling on a predefined or customized metric, with cooldowns.
import Cloud
import Foundation

struct PutScalingPolicyStep: LabStep {
    static let kind = "application-autoscaling.put_scaling_policy"
    static let summary = "PutScalingPolicy: TargetTrackingScaling on a predefined or customized metric, with cooldowns."
    static let declaration = StepDeclaration(
        boto3: "application-autoscaling", "PutScalingPolicy",
        parameters: ["PolicyName", "ServiceNamespace", "ResourceId", "ScalableDimension",
                     StepDeclaration.Parameter("PolicyType", default: "TargetTrackingScaling (AWS's own default is StepScaling)"),
                     StepDeclaration.Parameter("TargetTrackingScalingPolicyConfiguration", required: true)],
        example: """
            PolicyName: backlog-per-instance
            ServiceNamespace: sagemaker
            ResourceId: endpoint/async-maskrcnn/variant/AllTraffic
            ScalableDimension: sagemaker:variant:DesiredInstanceCount
            PolicyType: TargetTrackingScaling
            TargetTrackingScalingPolicyConfiguration:
              TargetValue: 5.0
              CustomizedMetricSpecification:
                MetricName: ApproximateBacklogSizePerInstance
                Namespace: AWS/SageMaker
                Dimensions: [{Name: EndpointName, Value: async-maskrcnn}]
                Statistic: Average
              ScaleInCooldown: 600
              ScaleOutCooldown: 300
            """)
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
