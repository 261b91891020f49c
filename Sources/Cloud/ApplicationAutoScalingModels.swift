// Application Auto Scaling shapes (botocore model application-autoscaling/2016-02-06),
// members named after botocore's in lowerCamelCase.
import Foundation

public struct ScalableTarget: Sendable, Equatable {
    public var serviceNamespace: String
    public var resourceId: String
    public var scalableDimension: String
    public var minCapacity: Int
    public var maxCapacity: Int
    public var roleARN: String
    public var creationTime: Date
    public var scalableTargetARN: String
}

public struct CustomizedMetricSpecification: Sendable, Equatable {
    public var metricName: String
    public var namespace: String
    public var dimensions: [MetricDimension]
    public var statistic: Statistic
    public init(metricName: String, namespace: String, dimensions: [MetricDimension] = [], statistic: Statistic) {
        self.metricName = metricName
        self.namespace = namespace
        self.dimensions = dimensions
        self.statistic = statistic
    }
}

public struct PredefinedMetricSpecification: Sendable, Equatable {
    public var predefinedMetricType: String
    public init(predefinedMetricType: String) { self.predefinedMetricType = predefinedMetricType }
}

public struct TargetTrackingScalingPolicyConfiguration: Sendable, Equatable {
    public var targetValue: Double
    public var predefinedMetricSpecification: PredefinedMetricSpecification?
    public var customizedMetricSpecification: CustomizedMetricSpecification?
    public var scaleOutCooldown: Int?
    public var scaleInCooldown: Int?
    public var disableScaleIn: Bool?

    public init(targetValue: Double, predefinedMetricSpecification: PredefinedMetricSpecification? = nil,
                customizedMetricSpecification: CustomizedMetricSpecification? = nil, scaleOutCooldown: Int? = nil,
                scaleInCooldown: Int? = nil, disableScaleIn: Bool? = nil) {
        self.targetValue = targetValue
        self.predefinedMetricSpecification = predefinedMetricSpecification
        self.customizedMetricSpecification = customizedMetricSpecification
        self.scaleOutCooldown = scaleOutCooldown
        self.scaleInCooldown = scaleInCooldown
        self.disableScaleIn = disableScaleIn
    }
}

public struct ScalingAlarm: Sendable, Equatable {
    public var alarmName: String
    public var alarmARN: String
}

public struct ScalingPolicy: Sendable, Equatable {
    public var policyARN: String
    public var policyName: String
    public var serviceNamespace: String
    public var resourceId: String
    public var scalableDimension: String
    public var policyType: String
    public var targetTrackingScalingPolicyConfiguration: TargetTrackingScalingPolicyConfiguration
    public var alarms: [ScalingAlarm]
    public var creationTime: Date
}

public struct PutScalingPolicyOutput: Sendable, Equatable {
    public var policyARN: String
    public var alarms: [ScalingAlarm]
}

public enum ScalingActivityStatusCode: String, Sendable {
    case pending = "Pending", inProgress = "InProgress", successful = "Successful"
    case overridden = "Overridden", unfulfilled = "Unfulfilled", failed = "Failed"
}

public struct ScalingActivity: Sendable, Equatable {
    public var activityId: String
    public var serviceNamespace: String
    public var resourceId: String
    public var scalableDimension: String
    public var description: String
    public var cause: String
    public var startTime: Date
    public var endTime: Date?
    public var statusCode: ScalingActivityStatusCode
    public var statusMessage: String?
}
