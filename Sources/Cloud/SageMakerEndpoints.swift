// SageMaker endpoints: CreateEndpoint, DescribeEndpoint, ListEndpoints, UpdateEndpoint,
// DeleteEndpoint, UpdateEndpointWeightsAndCapacities, and botocore's endpoint waiters.
// Every transition happens on the virtual clock: Creating -> InService (or Failed) after
// `timing.endpointCreation`, Updating -> InService, Deleting -> gone.
import Foundation

extension SageMaker {
    @discardableResult
    public func createEndpoint(endpointName: String, endpointConfigName: String,
                               tags: [Tag] = []) throws -> CreateEndpointOutput {
        try Self.validateEndpointName(endpointName, configName: endpointConfigName)
        return try lock.withLock {
            let arn = arn("endpoint", endpointName)
            guard endpoints[endpointName.lowercased()] == nil else {
                throw SageMakerErrors.validation("Cannot create already existing endpoint \"\(arn)\".")
            }
            let config = try requireEndpointConfig(endpointConfigName)
            for (type, count) in Self.requestedInstances(config.input).sorted(by: { $0.key < $1.key }) {
                try checkInstanceQuota(type: type, delta: count)
            }
            let endpoint = HostedEndpoint(name: endpointName, arn: arn, config: config, now: clock.now)
            endpoints[endpointName.lowercased()] = endpoint
            schedule(endpoint, after: timing.endpointCreation, "create") { self.finishProvisioning(endpoint, config: config) }
            return CreateEndpointOutput(endpointArn: arn)
        }
    }

    public func describeEndpoint(endpointName: String) throws -> DescribeEndpointOutput {
        try lock.withLock {
            let endpoint = try requireEndpoint(endpointName)
            return DescribeEndpointOutput(
                endpointName: endpoint.name, endpointArn: endpoint.arn,
                endpointConfigName: endpoint.config.input.endpointConfigName,
                productionVariants: variantSummaries(endpoint), endpointStatus: endpoint.status,
                failureReason: endpoint.failureReason, creationTime: endpoint.creationTime,
                lastModifiedTime: endpoint.lastModifiedTime,
                asyncInferenceConfig: endpoint.config.input.asyncInferenceConfig)
        }
    }

    public func listEndpoints(nameContains: String? = nil, statusEquals: EndpointStatus? = nil,
                              sortBy: ListSortKey = .creationTime, sortOrder: SortOrder = .descending,
                              maxResults: Int? = nil, nextToken: String? = nil) throws -> ListPage<EndpointSummary> {
        let all = lock.withLock {
            endpoints.values.filter { statusEquals == nil || $0.status == statusEquals }.map {
                EndpointSummary(endpointName: $0.name, endpointArn: $0.arn, creationTime: $0.creationTime,
                                lastModifiedTime: $0.lastModifiedTime, endpointStatus: $0.status)
            }
        }
        return try ListPage.make(all, nameContains: nameContains, name: \.endpointName, created: \.creationTime,
                                 sortBy: sortBy, sortOrder: sortOrder, maxResults: maxResults, nextToken: nextToken)
    }

    /// Deploys another endpoint configuration. The old one keeps serving until the new one
    /// is up; if the new one fails, the endpoint returns to InService on the old one with a
    /// FailureReason, as AWS rolls back.
    @discardableResult
    public func updateEndpoint(endpointName: String, endpointConfigName: String) throws -> UpdateEndpointOutput {
        try Self.validateEndpointName(endpointName, configName: endpointConfigName)
        return try lock.withLock {
            let endpoint = try requireEndpoint(endpointName)
            guard endpoint.status == .inService else {
                throw SageMakerErrors.validation("Cannot update in-progress endpoint \"\(endpoint.arn)\".")
            }
            let config = try requireEndpointConfig(endpointConfigName)
            for (type, count) in Self.requestedInstances(config.input).sorted(by: { $0.key < $1.key }) {
                try checkInstanceQuota(type: type, delta: count, excluding: endpoint)
            }
            endpoint.status = .updating
            endpoint.lastModifiedTime = clock.now
            schedule(endpoint, after: timing.endpointUpdate, "update") { self.finishProvisioning(endpoint, config: config) }
            return UpdateEndpointOutput(endpointArn: endpoint.arn)
        }
    }

    public func deleteEndpoint(endpointName: String) throws {
        try lock.withLock {
            let endpoint = try requireEndpoint(endpointName)
            endpoint.status = .deleting
            endpoint.lastModifiedTime = clock.now
            endpoint.queue?.removeAll()
            schedule(endpoint, after: timing.endpointDeletion, "delete") {
                self.endpoints[endpointName.lowercased()] = nil
                try? FileManager.default.removeItem(
                    at: self.workDirectory.appendingPathComponent("endpoints/\(endpointName.lowercased())"))
            }
        }
    }

    /// What Application Auto Scaling calls: sets a variant's desired instance count. New
    /// instances launch over `timing.instanceLaunch`; removed ones finish their work first.
    @discardableResult
    public func updateEndpointWeightsAndCapacities(endpointName: String,
                                                   desiredWeightsAndCapacities: [DesiredWeightAndCapacity]) throws -> String {
        try lock.withLock {
            let endpoint = try requireEndpoint(endpointName)
            guard endpoint.status == .inService else {
                throw SageMakerErrors.validation("Cannot update in-progress endpoint \"\(endpoint.arn)\".")
            }
            // Every entry is checked before any is applied: a bad entry changes nothing.
            let planned = try plan(desiredWeightsAndCapacities, for: endpoint)
            for (variant, desired) in planned {
                if let weight = desired.desiredWeight { variant.currentWeight = weight }
                if let count = desired.desiredInstanceCount { resize(variant, of: endpoint, to: count) }
            }
            endpoint.lastModifiedTime = clock.now
            return endpoint.arn
        }
    }

    /// Resolves and validates every entry of an UpdateEndpointWeightsAndCapacities request,
    /// including the instance quota for the growth they add up to.
    private func plan(_ entries: [DesiredWeightAndCapacity],
                      for endpoint: HostedEndpoint) throws -> [(HostedVariant, DesiredWeightAndCapacity)] {
        var growth: [String: Int] = [:]
        let planned = try entries.enumerated().map { index, desired in
            guard let variant = endpoint.variants.first(where: { $0.name == desired.variantName }) else {
                throw SageMakerErrors.validation("The variant name(s) \"\(desired.variantName)\" is/are not present in the endpoint \"\(endpoint.arn)\".")
            }
            // botocore's VariantWeight: a float with min 0; NaN and infinity are no weight.
            if let weight = desired.desiredWeight, !(weight.isFinite && weight >= 0) {
                throw SageMakerErrors.validation("1 validation error detected: Value '\(weight)' at 'desiredWeightsAndCapacities.\(index + 1).member.desiredWeight' failed to satisfy constraint: Member must have value greater than or equal to 0")
            }
            if let count = desired.desiredInstanceCount {
                guard variant.serverless == nil, count >= 0 else {
                    throw SageMakerErrors.validation("DesiredInstanceCount \(count) is not valid for variant \"\(variant.name)\".")
                }
                if let type = variant.variant.instanceType {
                    growth[type] = saturatingSum(growth[type] ?? 0, count - variant.desiredInstanceCount)
                }
            }
            return (variant, desired)
        }
        for (type, delta) in growth.sorted(by: { $0.key < $1.key }) {
            try checkInstanceQuota(type: type, delta: delta)
        }
        return planned
    }

    /// The endpoint's log lines (its /aws/sagemaker/Endpoints/<name> log group), oldest first.
    public func endpointLogs(endpointName: String) throws -> [String] {
        try lock.withLock { try requireEndpoint(endpointName).logs }
    }

    /// Lab 3's override: async completions on this endpoint take `latency` seconds of virtual
    /// time instead of the measured handler time. Nil restores measured latency.
    public func setSimulatedModelLatency(endpointName: String, _ latency: TimeInterval?) throws {
        if let latency, !(latency.isFinite && latency >= 0) {
            throw SageMakerErrors.validation("The simulated model latency must be a finite number of seconds >= 0; got \(latency).")
        }
        try lock.withLock { try requireEndpoint(endpointName).simulatedModelLatency = latency }
    }

    func requireEndpoint(_ name: String) throws -> HostedEndpoint {
        guard let endpoint = endpoints[name.lowercased()] else {
            throw SageMakerErrors.validation("Could not find endpoint \"\(arn("endpoint", name))\".")
        }
        return endpoint
    }

    // MARK: Transitions

    private func schedule(_ endpoint: HostedEndpoint, after delay: TimeInterval, _ what: String,
                          _ action: @escaping () -> Void) {
        endpoint.generation += 1
        let generation = endpoint.generation
        clock.schedule(after: delay, label: "sagemaker \(what) endpoint \(endpoint.name)") {
            self.lock.withLock { if endpoint.generation == generation { action() } }
        }
    }

    private func finishProvisioning(_ endpoint: HostedEndpoint, config: StoredEndpointConfig) {
        let updating = endpoint.status == .updating
        endpoint.lastModifiedTime = clock.now
        do {
            endpoint.variants = try provision(config, endpoint: endpoint.name, generation: endpoint.generation)
            endpoint.config = config
            endpoint.failureReason = nil
            endpoint.cache = config.input.asyncInferenceConfig == nil ? .realTime() : .asynchronous()
            endpoint.status = .inService
            removeGenerations(of: endpoint.name, except: endpoint.generation)
            log(endpoint, "endpoint configuration \(config.input.endpointConfigName) is in service")
            if let async = config.input.asyncInferenceConfig {
                if endpoint.queue == nil { endpoint.queue = InvocationQueue() }
                endpoint.queue?.maxConcurrentPerInstance = async.clientConfig?.maxConcurrentInvocationsPerInstance
                    ?? InvocationQueue.defaultMaxConcurrentPerInstance
            } else {
                endpoint.queue = nil
            }
            if !updating { startMetricsTicker(endpoint) }
            dispatchAsync(endpoint)
        } catch {
            let failure = error as? ProvisioningFailure ?? ProvisioningFailure(reason: "\(error)", log: "\(error)")
            endpoint.failureReason = failure.reason
            log(endpoint, "\(failure.log)")
            endpoint.status = updating ? .inService : .failed
        }
    }

    private func resize(_ variant: HostedVariant, of endpoint: HostedEndpoint, to count: Int) {
        variant.desiredInstanceCount = count
        let live = variant.instances.filter { $0.state != .terminating }
        if count < live.count {
            // Idle instances go first; busy ones stop taking work and leave when done.
            let victims = live.sorted { ($0.inFlight, $0.state == .inService ? 1 : 0) < ($1.inFlight, $1.state == .inService ? 1 : 0) }
                .prefix(live.count - count)
            for instance in victims { instance.state = .terminating }
            variant.instances.removeAll { $0.state == .terminating && $0.inFlight == 0 }
            return
        }
        for _ in live.count..<count {
            do {
                let instance = try launchInstance(variant, state: .launching)
                variant.instances.append(instance)
                let generation = endpoint.generation
                clock.schedule(after: timing.instanceLaunch, label: "sagemaker launch \(instance.id) for \(endpoint.name)") {
                    self.lock.withLock {
                        guard endpoint.generation == generation, instance.state == .launching else { return }
                        instance.state = .inService
                        let launching = endpoint.variants.contains { $0.instances.contains { $0.state == .launching } }
                        if !launching && endpoint.status == .updating { endpoint.status = .inService }
                        endpoint.lastModifiedTime = self.clock.now
                        self.dispatchAsync(endpoint)
                    }
                }
            } catch {
                log(endpoint, "launching an instance for \(variant.name) failed: \(error)")
            }
        }
        // Updating only while something is still coming up: if every launch failed, the
        // endpoint keeps serving on what it has instead of staying Updating forever.
        let launching = endpoint.variants.contains { $0.instances.contains { $0.state == .launching } }
        endpoint.status = launching ? .updating : .inService
    }

    func variantSummaries(_ endpoint: HostedEndpoint) -> [ProductionVariantSummary] {
        if endpoint.variants.isEmpty {
            return endpoint.config.input.productionVariants.map { variant in
                ProductionVariantSummary(
                    variantName: variant.variantName, deployedImages: [], currentWeight: nil,
                    desiredWeight: variant.initialVariantWeight ?? 1, currentInstanceCount: nil,
                    desiredInstanceCount: variant.initialInstanceCount, currentServerlessConfig: nil,
                    desiredServerlessConfig: variant.serverlessConfig)
            }
        }
        return endpoint.variants.map { variant in
            let serverless = variant.serverless != nil
            return ProductionVariantSummary(
                variantName: variant.name,
                deployedImages: variant.containers.map { DeployedImage(specifiedImage: $0.image, resolvedImage: $0.image, resolutionTime: endpoint.lastModifiedTime) },
                currentWeight: variant.currentWeight, desiredWeight: variant.currentWeight,
                currentInstanceCount: serverless ? nil : variant.inServiceInstances.count,
                desiredInstanceCount: serverless ? nil : variant.desiredInstanceCount,
                currentServerlessConfig: variant.variant.serverlessConfig,
                desiredServerlessConfig: variant.variant.serverlessConfig)
        }
    }

    private static func validateEndpointName(_ name: String, configName: String) throws {
        var v = ConstraintViolations()
        v.length(name, max: 63, at: "endpointName")
        v.pattern(name, SageMakerPatterns.endpointName, at: "endpointName")
        v.length(configName, max: 63, at: "endpointConfigName")
        v.pattern(configName, SageMakerPatterns.endpointName, at: "endpointConfigName")
        try v.check(SageMakerErrors.validation)
    }
}

/// botocore's DesiredWeightAndCapacity.
public struct DesiredWeightAndCapacity: Sendable, Equatable {
    public var variantName: String
    public var desiredWeight: Double?
    public var desiredInstanceCount: Int?
    public init(variantName: String, desiredWeight: Double? = nil, desiredInstanceCount: Int? = nil) {
        self.variantName = variantName
        self.desiredWeight = desiredWeight
        self.desiredInstanceCount = desiredInstanceCount
    }
}
