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

    func run(in context: StepContext) async throws -> LabValue {
        let output = try context.cloud.applicationAutoScaling.putScalingPolicy(
            policyName: try context.resolve(name), serviceNamespace: try context.resolve(namespace),
            resourceId: try context.resolve(resource), scalableDimension: try context.resolve(dimension),
            policyType: try context.resolve(type, default: "TargetTrackingScaling"),
            targetTrackingScalingPolicyConfiguration: try Self.configuration(try context.resolve(configuration), configuration.location))
        return Shape.object([("PolicyARN", .string(output.policyARN))])
    }

    static func configuration(_ value: LabValue, _ location: SourceLocation) throws -> TargetTrackingScalingPolicyConfiguration {
        var r = try ShapeReader(value, path: "TargetTrackingScalingPolicyConfiguration", at: location)
        guard let target = try r.optionalDouble("TargetValue") else { throw LabError(location, "TargetValue is required") }
        var custom: CustomizedMetricSpecification?
        if var c = try r.optionalStructure("CustomizedMetricSpecification") {
            let dimensions = try (c.structures("Dimensions") ?? []).map { d -> MetricDimension in
                var d = d
                let dimension = MetricDimension(name: try d.string("Name"), value: try d.string("Value"))
                try d.finish()
                return dimension
            }
            let statisticName = try c.string("Statistic")
            guard let statistic = Statistic(rawValue: statisticName) else {
                throw LabError.unknown("Statistic", statisticName, at: location, known: Statistic.allCases.map(\.rawValue))
            }
            custom = CustomizedMetricSpecification(metricName: try c.string("MetricName"), namespace: try c.string("Namespace"),
                                                   dimensions: dimensions, statistic: statistic)
            try c.finish()
        }
        var predefined: PredefinedMetricSpecification?
        if var p = try r.optionalStructure("PredefinedMetricSpecification") {
            predefined = PredefinedMetricSpecification(predefinedMetricType: try p.string("PredefinedMetricType"))
            try p.finish()
        }
        var config = TargetTrackingScalingPolicyConfiguration(targetValue: target, predefinedMetricSpecification: predefined,
                                                              customizedMetricSpecification: custom)
        config.scaleInCooldown = try r.optionalInt("ScaleInCooldown")
        config.scaleOutCooldown = try r.optionalInt("ScaleOutCooldown")
        try r.finish()
        return config
    }
}
