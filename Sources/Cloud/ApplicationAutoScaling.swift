// Application Auto Scaling (botocore model application-autoscaling/2016-02-06) for
// SageMaker variants: scalable targets, target-tracking policies and the engine that
// applies them once a simulated minute.
//
// The engine follows how target tracking behaves on AWS: the policy's two CloudWatch
// alarms fire after 3 one-minute datapoints above the target (scale out) or 15 below
// 90 % of it (scale in); the new capacity is ceil(current * metric / target), clamped to
// [MinCapacity, MaxCapacity]; cooldowns hold back the next step. With zero instances the
// current capacity counts as one, so a backlog scales a variant up from zero.
//
// Errors (botocore models none with an httpStatusCode, so all are 400): ValidationException,
// ObjectNotFoundException. StepScaling and predictive scaling are not emulated and say so.
import Foundation
import Serving

public final class ApplicationAutoScaling: @unchecked Sendable {
    public static let sagemakerDimension = "sagemaker:variant:DesiredInstanceCount"
    static let scaleOutDatapoints = 3
    static let scaleInDatapoints = 15
    static let scaleInFraction = 0.9
    /// The largest MaxCapacity accepted: SageMaker's per-type endpoint instance quota.
    public static let maxCapacityQuota = SageMaker.endpointInstanceQuota

    private struct Target {
        var target: ScalableTarget
        var endpointName: String
        var variantName: String
        var lastScaleOut: Date?
        var lastScaleIn: Date?
    }

    private struct Policy {
        var policy: ScalingPolicy
        var highStreak = 0
        var lowStreak = 0
    }

    public let account: Account
    private let clock: VirtualClock
    private let sagemaker: SageMaker
    private let cloudWatch: CloudWatch
    private let lock = NSRecursiveLock()
    private var targets: [String: Target] = [:]
    private var policies: [String: Policy] = [:]  // key: resourceId|policyName
    private var activities: [ScalingActivity] = []
    /// Activities still InProgress: their index in `activities` and the capacity they wait for.
    private var pending: [(index: Int, resourceId: String, capacity: Int)] = []
    private var engineRunning = false
    private var sequence = 0

    public init(account: Account, clock: VirtualClock, sagemaker: SageMaker, cloudWatch: CloudWatch) {
        self.account = account
        self.clock = clock
        self.sagemaker = sagemaker
        self.cloudWatch = cloudWatch
    }

    // MARK: Scalable targets

    @discardableResult
    public func registerScalableTarget(serviceNamespace: String, resourceId: String, scalableDimension: String,
                                       minCapacity: Int? = nil, maxCapacity: Int? = nil,
                                       roleARN: String? = nil) throws -> String {
        let (endpointName, variantName) = try Self.parse(serviceNamespace, resourceId, scalableDimension)
        let description: DescribeEndpointOutput
        do { description = try sagemaker.describeEndpoint(endpointName: endpointName) } catch let error as AWSError {
            throw Self.validation(error.message)
        }
        guard let variant = description.productionVariants.first(where: { $0.variantName == variantName }) else {
            throw Self.validation("The variant \(variantName) does not exist on endpoint \(endpointName).")
        }
        if variant.desiredServerlessConfig != nil {
            throw Self.validation("\(Self.sagemakerDimension) does not apply to serverless variant \(variantName); serverless variants have no instances.")
        }
        return try lock.withLock {
            let existing = targets[resourceId]
            guard let min = minCapacity ?? existing?.target.minCapacity, let max = maxCapacity ?? existing?.target.maxCapacity else {
                throw Self.validation("MinCapacity and MaxCapacity are required to register a new scalable target.")
            }
            guard min >= 0, max >= 0 else { throw Self.validation("Capacities cannot be negative.") }
            guard min <= max else { throw Self.validation("Minimum capacity cannot be greater than maximum capacity") }
            // A variant can never hold more instances than the account's endpoint quota.
            guard max <= Self.maxCapacityQuota else {
                throw Self.validation("MaxCapacity \(max) for \(resourceId) exceeds the account-level service limit of \(Self.maxCapacityQuota) instances for endpoint usage.")
            }
            if min == 0 && description.asyncInferenceConfig == nil {
                throw Self.validation("MinCapacity 0 is supported only for variants of asynchronous endpoints; use at least 1 for \(resourceId).")
            }
            let arn = existing?.target.scalableTargetARN ?? account.arn(
                service: "application-autoscaling", resource: "scalable-target/\(Digest.sha256Hex(Data(resourceId.utf8)).prefix(32))")
            let role = roleARN ?? account.arn(service: "iam", resource: "role/aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint", regional: false)
            let target = ScalableTarget(serviceNamespace: serviceNamespace, resourceId: resourceId, scalableDimension: scalableDimension,
                                        minCapacity: min, maxCapacity: max, roleARN: role,
                                        creationTime: existing?.target.creationTime ?? clock.now, scalableTargetARN: arn)
            targets[resourceId] = Target(target: target, endpointName: endpointName, variantName: variantName,
                                         lastScaleOut: existing?.lastScaleOut, lastScaleIn: existing?.lastScaleIn)
            startEngine()
            return arn
        }
    }

    public func deregisterScalableTarget(serviceNamespace: String, resourceId: String, scalableDimension: String) throws {
        _ = try Self.parse(serviceNamespace, resourceId, scalableDimension)
        try lock.withLock {
            guard targets.removeValue(forKey: resourceId) != nil else {
                throw Self.notFound("No scalable target registered for service namespace: \(serviceNamespace), resource ID: \(resourceId), scalable dimension: \(scalableDimension)")
            }
            policies = policies.filter { $0.value.policy.resourceId != resourceId }
        }
    }

    public func describeScalableTargets(serviceNamespace: String, resourceIds: [String] = [],
                                        scalableDimension: String? = nil) throws -> [ScalableTarget] {
        try Self.checkNamespace(serviceNamespace)
        guard resourceIds.count <= 50 else {
            throw Self.validation("1 validation error detected: Value at 'resourceIds' failed to satisfy constraint: Member must have length less than or equal to 50")
        }
        return lock.withLock {
            targets.values.map(\.target).filter {
                (resourceIds.isEmpty || resourceIds.contains($0.resourceId))
                    && (scalableDimension == nil || $0.scalableDimension == scalableDimension)
            }.sorted { $0.creationTime < $1.creationTime || ($0.creationTime == $1.creationTime && $0.resourceId < $1.resourceId) }
        }
    }

    // MARK: Policies

    @discardableResult
    public func putScalingPolicy(policyName: String, serviceNamespace: String, resourceId: String,
                                 scalableDimension: String, policyType: String = "TargetTrackingScaling",
                                 targetTrackingScalingPolicyConfiguration: TargetTrackingScalingPolicyConfiguration?) throws -> PutScalingPolicyOutput {
        _ = try Self.parse(serviceNamespace, resourceId, scalableDimension)
        guard (1...256).contains(policyName.count) else {
            throw Self.validation("1 validation error detected: Value '\(policyName)' at 'policyName' failed to satisfy constraint: Member must have length between 1 and 256")
        }
        guard policyType == "TargetTrackingScaling" else {
            if ["StepScaling", "PredictiveScaling"].contains(policyType) {
                throw Self.validation("\(policyType) policies are not emulated; use TargetTrackingScaling.")
            }
            throw Self.validation("1 validation error detected: Value '\(policyType)' at 'policyType' failed to satisfy constraint: Member must satisfy enum value set: [StepScaling, TargetTrackingScaling, PredictiveScaling]")
        }
        guard let config = targetTrackingScalingPolicyConfiguration else {
            throw Self.validation("TargetTrackingScalingPolicyConfiguration is required for a TargetTrackingScaling policy.")
        }
        try Self.check(config)
        return try lock.withLock {
            guard targets[resourceId] != nil else {
                throw Self.notFound("No scalable target registered for service namespace: \(serviceNamespace), resource ID: \(resourceId), scalable dimension: \(scalableDimension)")
            }
            let key = "\(resourceId)|\(policyName)"
            let id = Digest.uuidString(from: "policy|\(key)")
            let arn = account.arn(service: "autoscaling", resource: "scalingPolicy:\(id):resource/sagemaker/\(resourceId):policyName/\(policyName)")
            let alarms = ["AlarmHigh", "AlarmLow"].map { kind in
                let name = "TargetTracking-\(resourceId)-\(kind)-\(Digest.uuidString(from: "\(kind)|\(key)"))"
                return ScalingAlarm(alarmName: name, alarmARN: account.arn(service: "cloudwatch", resource: "alarm:\(name)"))
            }
            let policy = ScalingPolicy(policyARN: arn, policyName: policyName, serviceNamespace: serviceNamespace,
                                       resourceId: resourceId, scalableDimension: scalableDimension, policyType: policyType,
                                       targetTrackingScalingPolicyConfiguration: config, alarms: alarms,
                                       creationTime: policies[key]?.policy.creationTime ?? clock.now)
            policies[key] = Policy(policy: policy)
            return PutScalingPolicyOutput(policyARN: arn, alarms: alarms)
        }
    }

    public func deleteScalingPolicy(policyName: String, serviceNamespace: String, resourceId: String,
                                    scalableDimension: String) throws {
        _ = try Self.parse(serviceNamespace, resourceId, scalableDimension)
        try lock.withLock {
            guard policies.removeValue(forKey: "\(resourceId)|\(policyName)") != nil else {
                throw Self.notFound("No scaling policy found for service namespace: \(serviceNamespace), resource ID: \(resourceId), scalable dimension: \(scalableDimension), policy name: \(policyName)")
            }
        }
    }

    public func describeScalingPolicies(serviceNamespace: String, resourceId: String? = nil,
                                        policyNames: [String] = []) throws -> [ScalingPolicy] {
        try Self.checkNamespace(serviceNamespace)
        return lock.withLock {
            policies.values.map(\.policy).filter {
                (resourceId == nil || $0.resourceId == resourceId) && (policyNames.isEmpty || policyNames.contains($0.policyName))
            }.sorted { ($0.resourceId, $0.policyName) < ($1.resourceId, $1.policyName) }
        }
    }

    /// Newest first, as AWS lists them.
    public func describeScalingActivities(serviceNamespace: String, resourceId: String? = nil,
                                          scalableDimension: String? = nil) throws -> [ScalingActivity] {
        try Self.checkNamespace(serviceNamespace)
        return lock.withLock {
            activities.filter {
                (resourceId == nil || $0.resourceId == resourceId) && (scalableDimension == nil || $0.scalableDimension == scalableDimension)
            }.reversed()
        }
    }

    // MARK: Engine

    private func startEngine() {
        guard !engineRunning else { return }
        engineRunning = true
        scheduleTick()
    }

    private func scheduleTick() {
        let now = clock.now.timeIntervalSince1970
        let next = (floor(now / 60) + 1) * 60
        clock.schedule(after: next - now, label: "application-autoscaling evaluation") { [weak self] in
            guard let self else { return }
            let keepGoing = self.lock.withLock { () -> Bool in
                for resourceId in self.targets.keys.sorted() { self.evaluate(resourceId) }
                self.engineRunning = !self.targets.isEmpty
                return self.engineRunning
            }
            if keepGoing { self.scheduleTick() }
        }
    }

    private struct Proposal {
        var capacity: Int
        var scaleIn: Bool
        var cause: String
    }

    private func evaluate(_ resourceId: String) {
        guard let target = targets[resourceId],
              let endpoint = try? sagemaker.describeEndpoint(endpointName: target.endpointName),
              let variant = endpoint.productionVariants.first(where: { $0.variantName == target.variantName }),
              let current = variant.desiredInstanceCount else { return }
        let now = clock.now
        finishActivities(resourceId, inService: variant.currentInstanceCount ?? 0, now: now)
        let keys = policies.keys.filter { $0.hasPrefix("\(resourceId)|") }.sorted()
        let proposals = keys.compactMap { propose(key: $0, target: target, current: current, now: now) }
        let bounds = target.target.minCapacity...target.target.maxCapacity
        var desired = min(max(proposals.map(\.capacity).max() ?? current, bounds.lowerBound), bounds.upperBound)
        var causes = proposals.map(\.cause)
        if !bounds.contains(current) && proposals.isEmpty {
            causes.append("scalable target capacity \(current) is outside [\(bounds.lowerBound), \(bounds.upperBound)]")
        }
        // Scale in only when every policy agrees (AWS's rule with several policies).
        if desired < current && bounds.contains(current) && proposals.filter(\.scaleIn).count < keys.count { desired = current }
        if desired > current, let last = target.lastScaleOut, now.timeIntervalSince(last) < cooldown(resourceId, out: true) { return }
        if desired < current, let last = target.lastScaleIn, now.timeIntervalSince(last) < cooldown(resourceId, out: false) { return }
        guard desired != current else { return }
        apply(desired, from: current, to: resourceId, keys: keys, cause: causes.joined(separator: "; "), now: now)
    }

    /// One policy's alarm step: updates its breach streaks and, when an alarm fires,
    /// proposes ceil(current * metric / target).
    private func propose(key: String, target: Target, current: Int, now: Date) -> Proposal? {
        guard var state = policies[key] else { return nil }
        defer { policies[key] = state }
        let config = state.policy.targetTrackingScalingPolicyConfiguration
        guard let value = metricValue(config, target: target, endingAt: now) else {
            state.highStreak = 0
            state.lowStreak = 0
            return nil
        }
        state.highStreak = value > config.targetValue ? state.highStreak + 1 : 0
        state.lowStreak = value < config.targetValue * Self.scaleInFraction ? state.lowStreak + 1 : 0
        let ratio = (Double(max(current, 1)) * value / config.targetValue).rounded(.up)
        let desired = Self.capacity(ratio, cap: target.target.maxCapacity + 1)
        let alarms = state.policy.alarms.map(\.alarmName)
        if state.highStreak >= Self.scaleOutDatapoints && desired > current, let high = alarms.first {
            return Proposal(capacity: desired, scaleIn: false,
                            cause: "monitor alarm \(high) in state ALARM triggered policy \(state.policy.policyName)")
        }
        if state.lowStreak >= Self.scaleInDatapoints && desired < current && config.disableScaleIn != true, let low = alarms.last {
            return Proposal(capacity: desired, scaleIn: true,
                            cause: "monitor alarm \(low) in state ALARM triggered policy \(state.policy.policyName)")
        }
        return nil
    }

    private func apply(_ desired: Int, from current: Int, to resourceId: String, keys: [String], cause: String, now: Date) {
        guard var target = targets[resourceId] else { return }
        do {
            try sagemaker.updateEndpointWeightsAndCapacities(
                endpointName: target.endpointName,
                desiredWeightsAndCapacities: [DesiredWeightAndCapacity(variantName: target.variantName, desiredInstanceCount: desired)])
        } catch {
            return  // e.g. the endpoint is still Updating: try again next minute
        }
        overrideActivities(resourceId, now: now)
        if desired > current { target.lastScaleOut = now } else { target.lastScaleIn = now }
        targets[resourceId] = target
        for key in keys { policies[key]?.highStreak = 0; policies[key]?.lowStreak = 0 }
        sequence += 1
        activities.append(ScalingActivity(
            activityId: Digest.uuidString(from: "activity|\(resourceId)|\(sequence)"), serviceNamespace: "sagemaker",
            resourceId: resourceId, scalableDimension: Self.sagemakerDimension,
            description: "Setting desired instance count to \(desired).", cause: cause,
            startTime: now, endTime: nil, statusCode: .inProgress, statusMessage: nil))
        pending.append((activities.count - 1, resourceId, desired))
    }

    /// An activity succeeds once the variant has as many instances in service as it asked for.
    private func finishActivities(_ resourceId: String, inService: Int, now: Date) {
        pending.removeAll { entry in
            guard entry.resourceId == resourceId, entry.capacity == inService, entry.index < activities.count else { return false }
            activities[entry.index].statusCode = .successful
            activities[entry.index].endTime = now
            activities[entry.index].statusMessage =
                "Successfully set desired instance count to \(entry.capacity). Change successfully fulfilled by sagemaker."
            return true
        }
    }

    /// A new activity replaces the ones still in progress for the same target.
    private func overrideActivities(_ resourceId: String, now: Date) {
        pending.removeAll { entry in
            guard entry.resourceId == resourceId, entry.index < activities.count else { return false }
            activities[entry.index].statusCode = .overridden
            activities[entry.index].endTime = now
            return true
        }
    }

    private func cooldown(_ resourceId: String, out: Bool) -> TimeInterval {
        let values = policies.values.filter { $0.policy.resourceId == resourceId }.map {
            out ? $0.policy.targetTrackingScalingPolicyConfiguration.scaleOutCooldown : $0.policy.targetTrackingScalingPolicyConfiguration.scaleInCooldown
        }
        // AWS's default cooldown for SageMaker variants is 300 s.
        return TimeInterval(values.compactMap { $0 }.max() ?? 300)
    }

    /// The policy's statistic over the last complete minute.
    private func metricValue(_ config: TargetTrackingScalingPolicyConfiguration, target: Target, endingAt now: Date) -> Double? {
        let spec = config.customizedMetricSpecification ?? CustomizedMetricSpecification(
            metricName: "InvocationsPerInstance", namespace: "AWS/SageMaker",
            dimensions: [MetricDimension(name: "EndpointName", value: target.endpointName),
                         MetricDimension(name: "VariantName", value: target.variantName)],
            statistic: .sum)
        let end = Date(timeIntervalSince1970: floor(now.timeIntervalSince1970 / 60) * 60)
        guard let output = try? cloudWatch.getMetricStatistics(
            namespace: spec.namespace, metricName: spec.metricName, dimensions: spec.dimensions,
            startTime: end.addingTimeInterval(-60), endTime: end, period: 60, statistics: [spec.statistic]),
              let point = output.datapoints.last else { return nil }
        let value: Double?
        switch spec.statistic {
        case .average: value = point.average
        case .sum: value = point.sum
        case .minimum: value = point.minimum
        case .maximum: value = point.maximum
        case .sampleCount: value = point.sampleCount
        }
        return value.flatMap { $0.isFinite ? $0 : nil }
    }

    /// `ratio` as an instance count in 0...cap, compared as Doubles and only then
    /// converted: NaN counts as 0 and an infinite or huge ratio as `cap`, never a trap.
    static func capacity(_ ratio: Double, cap: Int) -> Int {
        guard ratio > 0 else { return 0 }  // also NaN
        guard ratio < Double(cap) else { return cap }
        return Int(ratio)
    }
}
