// Application Auto Scaling's operations as boto3 calls them (botocore model
// application-autoscaling/2016-02-06), onto `ApplicationAutoScaling`.
import AWSShapes
import Foundation

enum ApplicationAutoScalingOperations {
    static let service = "application-autoscaling"

    static let handlers: [String: OperationHandler] = [
        "RegisterScalableTarget": { cloud, input in
            try registerScalableTarget(cloud.applicationAutoScaling, Parameters(input, service: service))
        },
        "DeregisterScalableTarget": { cloud, input in
            let p = Parameters(input, service: service)
            try cloud.applicationAutoScaling.deregisterScalableTarget(
                serviceNamespace: try p.string("ServiceNamespace"), resourceId: try p.string("ResourceId"),
                scalableDimension: try p.string("ScalableDimension"))
            return .empty
        },
        "DescribeScalableTargets": { cloud, input in
            try describeScalableTargets(cloud.applicationAutoScaling, Parameters(input, service: service))
        },
        "PutScalingPolicy": { cloud, input in
            try putScalingPolicy(cloud.applicationAutoScaling, Parameters(input, service: service))
        },
        "DeleteScalingPolicy": { cloud, input in
            let p = Parameters(input, service: service)
            try cloud.applicationAutoScaling.deleteScalingPolicy(
                policyName: try p.string("PolicyName"), serviceNamespace: try p.string("ServiceNamespace"),
                resourceId: try p.string("ResourceId"), scalableDimension: try p.string("ScalableDimension"))
            return .empty
        },
        "DescribeScalingPolicies": { cloud, input in
            try describeScalingPolicies(cloud.applicationAutoScaling, Parameters(input, service: service))
        },
        "DescribeScalingActivities": { cloud, input in
            try describeScalingActivities(cloud.applicationAutoScaling, Parameters(input, service: service))
        },
    ]

    /// Suspending scaling is not emulated (the engine always scales), so it is refused, not ignored.
    private static func registerScalableTarget(_ aas: ApplicationAutoScaling, _ p: Parameters) throws -> AWSValue {
        let suspended = p.structure("SuspendedState")?.value.entries?.filter { $0.value.bool == true }.keys.sorted() ?? []
        guard suspended.isEmpty else {
            throw ApplicationAutoScaling.validation("SuspendedState (\(suspended.joined(separator: ", "))) is not emulated; scaling always runs.")
        }
        let arn = try aas.registerScalableTarget(
            serviceNamespace: try p.string("ServiceNamespace"), resourceId: try p.string("ResourceId"),
            scalableDimension: try p.string("ScalableDimension"), minCapacity: p.optionalInt("MinCapacity"),
            maxCapacity: p.optionalInt("MaxCapacity"), roleARN: p.optionalString("RoleARN"))
        return ["ScalableTargetARN": .string(arn)]
    }

    private static func describeScalableTargets(_ aas: ApplicationAutoScaling, _ p: Parameters) throws -> AWSValue {
        let targets = try aas.describeScalableTargets(
            serviceNamespace: try p.string("ServiceNamespace"), resourceIds: p.strings("ResourceIds"),
            scalableDimension: p.optionalString("ScalableDimension"))
        let page = try page(targets, p, maxResults: 50)
        let notSuspended: AWSValue = ["DynamicScalingInSuspended": false, "DynamicScalingOutSuspended": false,
                                      "ScheduledScalingSuspended": false]
        return .structure([("ScalableTargets", .list(page.items.map { t in
            ["ServiceNamespace": .string(t.serviceNamespace), "ResourceId": .string(t.resourceId),
             "ScalableDimension": .string(t.scalableDimension), "MinCapacity": .int(t.minCapacity),
             "MaxCapacity": .int(t.maxCapacity), "RoleARN": .string(t.roleARN), "CreationTime": .timestamp(t.creationTime),
             "SuspendedState": notSuspended, "ScalableTargetARN": .string(t.scalableTargetARN)]
        })), ("NextToken", .optional(page.nextToken))])
    }

    private static func putScalingPolicy(_ aas: ApplicationAutoScaling, _ p: Parameters) throws -> AWSValue {
        let output = try aas.putScalingPolicy(
            policyName: try p.string("PolicyName"), serviceNamespace: try p.string("ServiceNamespace"),
            resourceId: try p.string("ResourceId"), scalableDimension: try p.string("ScalableDimension"),
            policyType: p.optionalString("PolicyType") ?? "TargetTrackingScaling",
            targetTrackingScalingPolicyConfiguration: try p.structure("TargetTrackingScalingPolicyConfiguration").map(configuration(from:)))
        return ["PolicyARN": .string(output.policyARN), "Alarms": .list(output.alarms.map(alarm))]
    }

    /// Scaling policies filtered as AWS filters them, up to 10 a page.
    private static func describeScalingPolicies(_ aas: ApplicationAutoScaling, _ p: Parameters) throws -> AWSValue {
        let dimension = p.optionalString("ScalableDimension")
        let policies = try aas.describeScalingPolicies(
            serviceNamespace: try p.string("ServiceNamespace"), resourceId: p.optionalString("ResourceId"),
            policyNames: p.strings("PolicyNames")).filter { dimension == nil || $0.scalableDimension == dimension }
        let page = try page(policies, p, maxResults: 10)
        return .structure([("ScalingPolicies", .list(page.items.map(shape(of:)))), ("NextToken", .optional(page.nextToken))])
    }

    private static func describeScalingActivities(_ aas: ApplicationAutoScaling, _ p: Parameters) throws -> AWSValue {
        let activities = try aas.describeScalingActivities(
            serviceNamespace: try p.string("ServiceNamespace"), resourceId: p.optionalString("ResourceId"),
            scalableDimension: p.optionalString("ScalableDimension"))
        let page = try page(activities, p, maxResults: 50)
        return .structure([("ScalingActivities", .list(page.items.map { a in
            .structure([
                ("ActivityId", .string(a.activityId)), ("ServiceNamespace", .string(a.serviceNamespace)),
                ("ResourceId", .string(a.resourceId)), ("ScalableDimension", .string(a.scalableDimension)),
                ("Description", .string(a.description)), ("Cause", .string(a.cause)), ("StartTime", .timestamp(a.startTime)),
                ("EndTime", a.endTime.map(AWSValue.timestamp)), ("StatusCode", .string(a.statusCode.rawValue)),
                ("StatusMessage", .optional(a.statusMessage)),
            ])
        })), ("NextToken", .optional(page.nextToken))])
    }

    /// MaxResults is 1 to `maxResults` and defaults to it, as each Describe operation documents.
    private static func page<Item>(_ items: [Item], _ p: Parameters, maxResults: Int) throws -> Page<Item> {
        let limit = p.optionalInt("MaxResults") ?? maxResults
        guard (1...maxResults).contains(limit) else {
            throw ApplicationAutoScaling.validation("1 validation error detected: Value '\(limit)' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and \(maxResults)")
        }
        return try p.page(of: items, tokenKey: "NextToken", limit: limit) {
            AWSError(service: service, code: "InvalidNextTokenException", httpStatus: 400, message: $0)
        }
    }

    // MARK: Target tracking configuration, both ways

    /// Metric math (`Metrics`) is not emulated: a customized metric names one metric and a statistic.
    private static func configuration(from p: Parameters) throws -> TargetTrackingScalingPolicyConfiguration {
        guard let target = p.optionalDouble("TargetValue") else {
            throw ApplicationAutoScaling.validation("TargetValue is required.")
        }
        let customized = try p.structure("CustomizedMetricSpecification").map { c -> CustomizedMetricSpecification in
            guard c.value["Metrics"] == nil else {
                throw ApplicationAutoScaling.validation("CustomizedMetricSpecification.Metrics (metric math) is not emulated; name one metric with MetricName, Namespace and Statistic.")
            }
            guard let name = c.optionalString("MetricName"), let namespace = c.optionalString("Namespace"),
                  let statistic = c.optionalString("Statistic").flatMap(Statistic.init(rawValue:)) else {
                throw ApplicationAutoScaling.validation("CustomizedMetricSpecification needs MetricName, Namespace and Statistic.")
            }
            return CustomizedMetricSpecification(metricName: name, namespace: namespace, dimensions: c.dimensions(),
                                                 statistic: statistic)
        }
        let predefined = p.structure("PredefinedMetricSpecification")?.optionalString("PredefinedMetricType")
        return TargetTrackingScalingPolicyConfiguration(
            targetValue: target, predefinedMetricSpecification: predefined.map(PredefinedMetricSpecification.init),
            customizedMetricSpecification: customized, scaleOutCooldown: p.optionalInt("ScaleOutCooldown"),
            scaleInCooldown: p.optionalInt("ScaleInCooldown"), disableScaleIn: p.optionalBool("DisableScaleIn"))
    }

    private static func shape(of c: TargetTrackingScalingPolicyConfiguration) -> AWSValue {
        let customized = c.customizedMetricSpecification.map { m -> AWSValue in
            ["MetricName": .string(m.metricName), "Namespace": .string(m.namespace), "Statistic": .string(m.statistic.rawValue),
             "Dimensions": .list(m.dimensions.map { ["Name": .string($0.name), "Value": .string($0.value)] })]
        }
        return .structure([
            ("TargetValue", .double(c.targetValue)),
            ("PredefinedMetricSpecification", c.predefinedMetricSpecification.map {
                ["PredefinedMetricType": .string($0.predefinedMetricType)]
            }),
            ("CustomizedMetricSpecification", customized), ("ScaleOutCooldown", c.scaleOutCooldown.map(AWSValue.int)),
            ("ScaleInCooldown", c.scaleInCooldown.map(AWSValue.int)), ("DisableScaleIn", c.disableScaleIn.map(AWSValue.bool)),
        ])
    }

    private static func shape(of policy: ScalingPolicy) -> AWSValue {
        ["PolicyARN": .string(policy.policyARN), "PolicyName": .string(policy.policyName),
         "ServiceNamespace": .string(policy.serviceNamespace), "ResourceId": .string(policy.resourceId),
         "ScalableDimension": .string(policy.scalableDimension), "PolicyType": .string(policy.policyType),
         "TargetTrackingScalingPolicyConfiguration": shape(of: policy.targetTrackingScalingPolicyConfiguration),
         "Alarms": .list(policy.alarms.map(alarm)), "CreationTime": .timestamp(policy.creationTime)]
    }

    private static func alarm(_ alarm: ScalingAlarm) -> AWSValue {
        ["AlarmName": .string(alarm.alarmName), "AlarmARN": .string(alarm.alarmARN)]
    }
}
