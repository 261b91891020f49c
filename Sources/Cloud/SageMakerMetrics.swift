// What SageMaker publishes to CloudWatch, namespace AWS/SageMaker.
// Per request, dimensions EndpointName + VariantName: Invocations, InvocationsPerInstance,
// ModelLatency and OverheadLatency (microseconds), Invocation4XXErrors, Invocation5XXErrors;
// serverless cold starts add ModelSetupTime. Every minute on the virtual clock:
// InstanceCount per variant (the emulator's addition: AWS shows it only in
// DescribeEndpoint), and for asynchronous endpoints, dimension EndpointName:
// ApproximateBacklogSize, ApproximateBacklogSizePerInstance, HasBacklogWithoutCapacity,
// ApproximateAgeOfOldestRequest.
import Foundation

extension SageMaker {
    static let namespace = "AWS/SageMaker"
    static let metricsPeriod: TimeInterval = 60

    func emit(_ endpoint: HostedEndpoint, variant: String?, _ name: String, _ value: Double, _ unit: StandardUnit,
              at time: Date? = nil) {
        var dimensions = [MetricDimension(name: "EndpointName", value: endpoint.name)]
        if let variant { dimensions.append(MetricDimension(name: "VariantName", value: variant)) }
        do {
            try cloudWatch.putMetricData(namespace: Self.namespace, metricName: name, dimensions: dimensions,
                                         value: value, unit: unit, timestamp: time ?? clock.now)
        } catch {
            lock.withLock { log(endpoint, "publishing metric \(name) failed: \(error)") }
        }
    }

    /// One InvokeEndpoint (or one async request processed), with its measured times.
    func recordInvocation(_ route: InvocationRoute, modelLatency: TimeInterval, overhead: TimeInterval, status: Int) {
        recordInvocation(route.endpoint, variant: route.variant, modelLatency: modelLatency, overhead: overhead, status: status)
    }

    func recordInvocation(_ endpoint: HostedEndpoint, variant: HostedVariant, modelLatency: TimeInterval,
                          overhead: TimeInterval, status: Int) {
        let instances = lock.withLock { max(1, variant.inServiceInstances.count) }
        let name = variant.name
        emit(endpoint, variant: name, "Invocations", 1, .count)
        // Summed per minute this is AWS's InvocationsPerInstance (invocations / instances).
        emit(endpoint, variant: name, "InvocationsPerInstance", 1 / Double(instances), .count)
        emit(endpoint, variant: name, "ModelLatency", (modelLatency * 1_000_000).rounded(), .microseconds)
        emit(endpoint, variant: name, "OverheadLatency", (overhead * 1_000_000).rounded(), .microseconds)
        emit(endpoint, variant: name, "Invocation4XXErrors", (400..<500).contains(status) ? 1 : 0, .count)
        emit(endpoint, variant: name, "Invocation5XXErrors", status >= 500 ? 1 : 0, .count)
    }

    /// Samples the gauges at every minute boundary until the endpoint is deleted.
    func startMetricsTicker(_ endpoint: HostedEndpoint) {
        let now = clock.now.timeIntervalSince1970
        let next = (floor(now / Self.metricsPeriod) + 1) * Self.metricsPeriod
        clock.schedule(after: next - now, label: "sagemaker metrics \(endpoint.name)") { [weak self] in
            guard let self else { return }
            let alive = self.lock.withLock { self.endpoints[endpoint.name.lowercased()] === endpoint && endpoint.status != .deleting }
            guard alive else { return }
            self.sampleGauges(endpoint)
            self.startMetricsTicker(endpoint)
        }
    }

    private func sampleGauges(_ endpoint: HostedEndpoint) {
        let (counts, queue) = lock.withLock {
            (endpoint.variants.filter { $0.serverless == nil }.map { ($0.name, $0.inServiceInstances.count) },
             endpoint.queue.map { ($0.backlog, $0.oldestReceivedTime) })
        }
        for (variant, count) in counts {
            emit(endpoint, variant: variant, "InstanceCount", Double(count), .count)
        }
        guard let (backlog, oldest) = queue else { return }
        let instances = counts.reduce(0) { $0 + $1.1 }
        emit(endpoint, variant: nil, "ApproximateBacklogSize", Double(backlog), .count)
        // With no instance the whole backlog is "per instance": that is what lets a
        // target-tracking policy scale a variant up from zero.
        emit(endpoint, variant: nil, "ApproximateBacklogSizePerInstance", Double(backlog) / Double(max(1, instances)), .count)
        emit(endpoint, variant: nil, "HasBacklogWithoutCapacity", backlog > 0 && instances == 0 ? 1 : 0, .count)
        let age = oldest.map { clock.now.timeIntervalSince($0) } ?? 0
        emit(endpoint, variant: nil, "ApproximateAgeOfOldestRequest", age, .seconds)
    }
}
