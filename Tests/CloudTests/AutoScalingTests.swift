// Application Auto Scaling for SageMaker variants, and lab 3's story end to end: an async
// endpoint scaled on ApproximateBacklogSizePerInstance. Errors per botocore's
// application-autoscaling/2016-02-06/service-2.json: ValidationException and
// ObjectNotFoundException, neither with an httpStatusCode, so 400.
import XCTest
import Serving
@testable import Cloud

final class AutoScalingTests: XCTestCase {
    private let dimension = "sagemaker:variant:DesiredInstanceCount"
    private let resource = "endpoint/async/variant/AllTraffic"

    private func asyncEndpoint(_ f: SageMakerFixture) throws {
        try f.deploy("async", async: AsyncInferenceConfig(
            clientConfig: AsyncInferenceClientConfig(maxConcurrentInvocationsPerInstance: 2),
            outputConfig: AsyncInferenceOutputConfig(s3OutputPath: "s3://lab-bucket/out")))
    }

    private func backlogPolicy(target: Double = 5) -> TargetTrackingScalingPolicyConfiguration {
        TargetTrackingScalingPolicyConfiguration(
            targetValue: target,
            customizedMetricSpecification: CustomizedMetricSpecification(
                metricName: "ApproximateBacklogSizePerInstance", namespace: "AWS/SageMaker",
                dimensions: [MetricDimension(name: "EndpointName", value: "async")], statistic: .average),
            scaleOutCooldown: 120, scaleInCooldown: 120)
    }

    func testValidationErrors() throws {
        let f = try SageMakerFixture()
        try asyncEndpoint(f)
        try f.deploy("rt")
        try f.deploy("sls", variant: ProductionVariant(
            variantName: "AllTraffic", modelName: "sls",
            serverlessConfig: ProductionVariantServerlessConfig(memorySizeInMB: 1024, maxConcurrency: 1)))
        let aas = f.cloud.applicationAutoScaling
        let cases: [(String, String, String, () throws -> Void)] = [
            ("namespace", "ValidationException", "Member must satisfy enum value set", {
                try aas.registerScalableTarget(serviceNamespace: "sage", resourceId: self.resource, scalableDimension: self.dimension, minCapacity: 0, maxCapacity: 5)
            }),
            ("dimension", "ValidationException", "Unsupported scalable dimension", {
                try aas.registerScalableTarget(serviceNamespace: "sagemaker", resourceId: self.resource, scalableDimension: "ecs:service:DesiredCount", minCapacity: 0, maxCapacity: 5)
            }),
            ("resource id", "ValidationException", "Unsupported resource ID", {
                try aas.registerScalableTarget(serviceNamespace: "sagemaker", resourceId: "async/AllTraffic", scalableDimension: self.dimension, minCapacity: 0, maxCapacity: 5)
            }),
            ("min > max", "ValidationException", "Minimum capacity cannot be greater than maximum capacity", {
                try aas.registerScalableTarget(serviceNamespace: "sagemaker", resourceId: self.resource, scalableDimension: self.dimension, minCapacity: 3, maxCapacity: 2)
            }),
            ("max capacity Int.max", "ValidationException", "exceeds the account-level service limit of 20 instances", {
                try aas.registerScalableTarget(serviceNamespace: "sagemaker", resourceId: self.resource, scalableDimension: self.dimension, minCapacity: 1, maxCapacity: .max)
            }),
            ("max capacity past the quota", "ValidationException", "MaxCapacity 21", {
                try aas.registerScalableTarget(serviceNamespace: "sagemaker", resourceId: self.resource, scalableDimension: self.dimension, minCapacity: 1, maxCapacity: 21)
            }),
            ("min 0 on real-time", "ValidationException", "MinCapacity 0 is supported only", {
                try aas.registerScalableTarget(serviceNamespace: "sagemaker", resourceId: "endpoint/rt/variant/AllTraffic", scalableDimension: self.dimension, minCapacity: 0, maxCapacity: 2)
            }),
            ("missing endpoint", "ValidationException", "Could not find endpoint", {
                try aas.registerScalableTarget(serviceNamespace: "sagemaker", resourceId: "endpoint/ghost/variant/AllTraffic", scalableDimension: self.dimension, minCapacity: 1, maxCapacity: 2)
            }),
            ("serverless variant", "ValidationException", "does not apply to serverless variant", {
                try aas.registerScalableTarget(serviceNamespace: "sagemaker", resourceId: "endpoint/sls/variant/AllTraffic", scalableDimension: self.dimension, minCapacity: 1, maxCapacity: 2)
            }),
            ("deregister unknown", "ObjectNotFoundException", "No scalable target registered for service namespace: sagemaker, resource ID: endpoint/async/variant/AllTraffic", {
                try aas.deregisterScalableTarget(serviceNamespace: "sagemaker", resourceId: self.resource, scalableDimension: self.dimension)
            }),
            ("policy without target", "ObjectNotFoundException", "No scalable target registered", {
                try aas.putScalingPolicy(policyName: "p", serviceNamespace: "sagemaker", resourceId: self.resource, scalableDimension: self.dimension,
                                         targetTrackingScalingPolicyConfiguration: self.backlogPolicy())
            }),
            ("step scaling", "ValidationException", "StepScaling policies are not emulated", {
                try aas.putScalingPolicy(policyName: "p", serviceNamespace: "sagemaker", resourceId: self.resource, scalableDimension: self.dimension,
                                         policyType: "StepScaling", targetTrackingScalingPolicyConfiguration: nil)
            }),
            ("target 0", "ValidationException", "must be greater than 0", {
                try aas.putScalingPolicy(policyName: "p", serviceNamespace: "sagemaker", resourceId: self.resource, scalableDimension: self.dimension,
                                         targetTrackingScalingPolicyConfiguration: self.backlogPolicy(target: 0))
            }),
            ("delete unknown policy", "ObjectNotFoundException", "No scaling policy found", {
                try aas.deleteScalingPolicy(policyName: "p", serviceNamespace: "sagemaker", resourceId: self.resource, scalableDimension: self.dimension)
            }),
        ]
        for (label, code, message, run) in cases { assertAWSError(code, 400, message, label, run) }
    }

    /// The scale-out proposal ceil(current * metric / target) in the Int domain: wild
    /// ratios clamp to MaxCapacity + 1 and NaN to 0 instead of trapping.
    func testProposedCapacityClampsWithoutTrapping() {
        let cases: [(Double, Int, Int)] = [
            (.nan, 6, 0), (-.infinity, 6, 0), (-3, 6, 0), (0, 6, 0), (3, 6, 3), (5.99, 6, 5),
            (6, 6, 6), (1e300, 6, 6), (.infinity, 6, 6), (Double(Int.max), Int.max, Int.max),
        ]
        for (ratio, cap, expected) in cases {
            XCTAssertEqual(ApplicationAutoScaling.capacity(ratio, cap: cap), expected, "ratio \(ratio), cap \(cap)")
        }
    }

    func testRegisterDescribeAndDeregister() throws {
        let f = try SageMakerFixture()
        try asyncEndpoint(f)
        let aas = f.cloud.applicationAutoScaling
        let arn = try aas.registerScalableTarget(serviceNamespace: "sagemaker", resourceId: resource,
                                                 scalableDimension: dimension, minCapacity: 0, maxCapacity: 5)
        let targets = try aas.describeScalableTargets(serviceNamespace: "sagemaker", resourceIds: [resource])
        XCTAssertEqual(targets.map(\.scalableTargetARN), [arn])
        XCTAssertEqual(targets.first?.minCapacity, 0)
        XCTAssertEqual(targets.first?.maxCapacity, 5)
        let policy = try aas.putScalingPolicy(policyName: "backlog", serviceNamespace: "sagemaker", resourceId: resource,
                                              scalableDimension: dimension, targetTrackingScalingPolicyConfiguration: backlogPolicy())
        XCTAssertEqual(policy.alarms.count, 2)
        XCTAssertEqual(try aas.describeScalingPolicies(serviceNamespace: "sagemaker").map(\.policyName), ["backlog"])
        try aas.deregisterScalableTarget(serviceNamespace: "sagemaker", resourceId: resource, scalableDimension: dimension)
        XCTAssertTrue(try aas.describeScalableTargets(serviceNamespace: "sagemaker").isEmpty)
        XCTAssertTrue(try aas.describeScalingPolicies(serviceNamespace: "sagemaker").isEmpty, "policies go with their target")
    }

    /// A real-time variant on the predefined SageMakerVariantInvocationsPerInstance metric:
    /// 50 requests a minute against a target of 10 asks for ceil(1 * 50 / 10) = 5, capped at 4.
    func testInvocationsPerInstanceScalesRealTimeVariant() throws {
        let f = try SageMakerFixture()
        try f.deploy("rt")
        let aas = f.cloud.applicationAutoScaling
        let resource = "endpoint/rt/variant/AllTraffic"
        try aas.registerScalableTarget(serviceNamespace: "sagemaker", resourceId: resource, scalableDimension: dimension,
                                       minCapacity: 1, maxCapacity: 4)
        try aas.putScalingPolicy(
            policyName: "invocations", serviceNamespace: "sagemaker", resourceId: resource, scalableDimension: dimension,
            targetTrackingScalingPolicyConfiguration: TargetTrackingScalingPolicyConfiguration(
                targetValue: 10, predefinedMetricSpecification: PredefinedMetricSpecification(predefinedMetricType: "SageMakerVariantInvocationsPerInstance"),
                scaleOutCooldown: 60, scaleInCooldown: 60))
        for minute in 0..<3 {
            XCTAssertEqual(try f.sagemaker.describeEndpoint(endpointName: "rt").productionVariants[0].desiredInstanceCount, 1,
                           "after \(minute) breaching datapoints: three are needed")
            for i in 0..<50 {
                _ = try f.runtime.invokeEndpoint(InvokeEndpointInput(endpointName: "rt", body: Data("\(minute)-\(i)".utf8)))
            }
            let now = f.cloud.clock.now.timeIntervalSince1970
            f.cloud.clock.advance(to: Date(timeIntervalSince1970: (floor(now / 60) + 1) * 60 + 1))
        }
        XCTAssertEqual(try f.sagemaker.describeEndpoint(endpointName: "rt").productionVariants[0].desiredInstanceCount, 4)
        let described = try f.sagemaker.waitUntilEndpointInService(endpointName: "rt")
        XCTAssertEqual(described.productionVariants[0].currentInstanceCount, 4)
    }

    /// LABS.md lab 3, cell 13: 1000 requests at ~30 s each on an async endpoint with two
    /// slots per instance, min 0 / max 5, target 5 backlog per instance, cooldowns 120 s.
    func testLab3BacklogScalingStory() throws {
        let f = try SageMakerFixture()
        try asyncEndpoint(f)
        try f.sagemaker.setSimulatedModelLatency(endpointName: "async", 30)
        let aas = f.cloud.applicationAutoScaling
        try aas.registerScalableTarget(serviceNamespace: "sagemaker", resourceId: resource, scalableDimension: dimension,
                                       minCapacity: 0, maxCapacity: 5)
        try aas.putScalingPolicy(policyName: "backlog", serviceNamespace: "sagemaker", resourceId: resource,
                                 scalableDimension: dimension, targetTrackingScalingPolicyConfiguration: backlogPolicy())
        try f.cloud.s3.putObject(bucket: "lab-bucket", key: "in/video.mp4", body: Data("mp4".utf8), contentType: "video/mp4")
        for _ in 0..<1000 {
            _ = try f.runtime.invokeEndpointAsync(InvokeEndpointAsyncInput(endpointName: "async", inputLocation: "s3://lab-bucket/in/video.mp4"))
        }

        let start = f.cloud.clock.now
        var instances: [Int] = []
        for _ in 0..<150 {
            instances.append(try f.sagemaker.describeEndpoint(endpointName: "async").productionVariants[0].currentInstanceCount ?? -1)
            f.cloud.clock.advance(by: 60)
        }
        instances.append(try f.sagemaker.describeEndpoint(endpointName: "async").productionVariants[0].currentInstanceCount ?? -1)
        let backlog = try perMinute(f, "ApproximateBacklogSize", .maximum, from: start, minutes: 150)
        let processed = try perMinute(f, "InvocationsProcessed", .sum, from: start, minutes: 150)

        XCTAssertGreaterThanOrEqual(backlog.compactMap { $0 }.max() ?? 0, 900, "backlog climbs to ~1000")
        XCTAssertEqual(instances.max(), 5, "scales out to the maximum")
        XCTAssertEqual(instances.last, 0, "scales back to zero once drained")
        XCTAssertEqual(processed.compactMap { $0 }.reduce(0, +), 1000, "every request is processed once")
        // Minutes at 5 instances once their slots have filled (5 at the previous minute too),
        // while work remains: 5 instances x 2 slots / 30 s = 20 a minute (tolerance +-5).
        let full = (1..<150).filter {
            instances[$0 - 1] == 5 && instances[$0] == 5 && instances[$0 + 1] == 5 && (backlog[$0] ?? 0) > 20
        }
        XCTAssertGreaterThan(full.count, 10)
        for minute in full {
            XCTAssertTrue((15...25).contains(processed[minute] ?? 0), "minute \(minute): \(processed[minute] ?? 0) processed")
        }
        let activities = try aas.describeScalingActivities(serviceNamespace: "sagemaker", resourceId: resource)
        XCTAssertEqual(activities.last?.description, "Setting desired instance count to 5.")
        XCTAssertEqual(activities.first?.description, "Setting desired instance count to 0.")
        XCTAssertEqual(activities.map(\.statusCode), activities.map { _ in .successful })
        XCTAssertTrue(activities.last?.cause.contains("AlarmHigh") ?? false)
    }

    /// One value per minute from `start` of an AWS/SageMaker metric with dimension EndpointName=async.
    private func perMinute(_ f: SageMakerFixture, _ name: String, _ statistic: Statistic, from start: Date,
                           minutes: Int) throws -> [Double?] {
        let output = try f.cloud.cloudWatch.getMetricStatistics(
            namespace: "AWS/SageMaker", metricName: name, dimensions: [MetricDimension(name: "EndpointName", value: "async")],
            startTime: start, endTime: start.addingTimeInterval(TimeInterval(minutes * 60)), period: 60, statistics: [statistic])
        return (0..<minutes).map { minute in
            let bucket = start.addingTimeInterval(TimeInterval(minute * 60))
            guard let point = output.datapoints.first(where: { $0.timestamp == bucket }) else { return nil }
            return statistic == .sum ? point.sum : point.maximum
        }
    }
}
