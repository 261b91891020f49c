// Amazon SageMaker control plane (botocore model sagemaker/2017-07-24): models and
// endpoint configurations here, endpoints in SageMakerEndpoints.swift. Names are unique
// regardless of case and appear lowercased in ARNs, as on AWS.
//
// Not modelled: VPC, KMS, data capture, shadow variants, inference components, tags
// beyond being accepted.
import Foundation
import Serving

public final class SageMaker: @unchecked Sendable {
    /// Simulated durations on the virtual clock. The defaults are of the order AWS takes.
    public struct Timing: Sendable {
        /// CreateEndpoint: Creating -> InService (instances launched, models downloaded and loaded).
        public var endpointCreation: TimeInterval = 300
        /// UpdateEndpoint: Updating -> InService.
        public var endpointUpdate: TimeInterval = 300
        /// DeleteEndpoint: Deleting -> gone.
        public var endpointDeletion: TimeInterval = 60
        /// An instance added by UpdateEndpointWeightsAndCapacities (autoscaling) before it takes work.
        public var instanceLaunch: TimeInterval = 180
        /// Serverless: time to bring up a worker on the first call or after it idled out.
        public var serverlessColdStart: TimeInterval = 8
        /// Serverless: a worker with no request for this long is released.
        public var serverlessIdleTimeout: TimeInterval = 600

        public init() {}
    }

    public let account: Account
    public let clock: VirtualClock
    public var timing: Timing {
        get { lock.withLock { storedTiming } }
        set { lock.withLock { storedTiming = newValue } }
    }

    let registry: HandlerRegistry
    let s3: S3
    let sns: SNS
    let cloudWatch: CloudWatch
    /// Where CreateModel checks that SageMaker may assume the execution role; nil skips the check.
    let iam: IAM?
    /// Unpacked model artifacts live under here, one directory per endpoint and container.
    let workDirectory: URL
    /// Where endpoints write their log lines (`/aws/sagemaker/Endpoints/<name>`); nil keeps them only in memory.
    let logs: CloudWatchLogs?
    let lock = NSRecursiveLock()
    private var storedTiming = Timing()
    var models: [String: StoredModel] = [:]
    var endpointConfigs: [String: StoredEndpointConfig] = [:]
    var endpoints: [String: HostedEndpoint] = [:]
    /// Feeds instance ids, so runs repeat exactly.
    var sequence = 0
    /// Async requests accepted at the current instant of the virtual clock. Ids come from
    /// (instant, count), so a replayed journal, whose calls run at their recorded instants,
    /// names every request as it was named the first time, and a request after a restart
    /// never reuses an earlier one's name.
    var asyncInstant = (time: Date.distantPast, count: 0)
    /// Where finished async requests are recorded (`labbook serve --state-dir`).
    var journal: CloudJournal?
    /// While replaying: output locations whose results were delivered before the restart.
    var deliveredOutputs: Set<String> = []

    public init(account: Account, clock: VirtualClock, registry: HandlerRegistry, s3: S3, sns: SNS,
                cloudWatch: CloudWatch, iam: IAM? = nil, workDirectory: URL, logs: CloudWatchLogs? = nil) {
        self.account = account
        self.clock = clock
        self.registry = registry
        self.s3 = s3
        self.sns = sns
        self.cloudWatch = cloudWatch
        self.iam = iam
        self.workDirectory = workDirectory
        self.logs = logs
    }

    func arn(_ kind: String, _ name: String) -> String {
        account.arn(service: "sagemaker", resource: "\(kind)/\(name.lowercased())")
    }

    /// A line in the endpoint's log, kept with the endpoint and written to CloudWatch Logs
    /// in the stream AWS names `<variant>/<instance id>`.
    func log(_ endpoint: HostedEndpoint, _ message: String) {
        endpoint.logs.append("\(clock.now): \(message)")
        guard let logs else { return }
        let variant = endpoint.variants.first
        let stream = "\(variant?.name ?? "AllTraffic")/\(variant?.instances.first?.id ?? "provisioning")"
        logs.write(group: "/aws/sagemaker/Endpoints/\(endpoint.name)", stream: stream, message)
    }

    func nextSequence() -> Int {
        lock.withLock { sequence += 1; return sequence }
    }

    // MARK: Models

    @discardableResult
    public func createModel(_ input: CreateModelInput) throws -> CreateModelOutput {
        try SageMakerValidation.validate(input)
        try checkRoleAndModelData(input)
        return try lock.withLock {
            let arn = arn("model", input.modelName)
            guard models[input.modelName.lowercased()] == nil else {
                throw SageMakerErrors.validation("Cannot create already existing model \"\(arn)\".")
            }
            models[input.modelName.lowercased()] = StoredModel(input: input, arn: arn, creationTime: clock.now)
            return CreateModelOutput(modelArn: arn)
        }
    }

    public func describeModel(modelName: String) throws -> DescribeModelOutput {
        let model = try lock.withLock { try requireModel(modelName) }
        let input = model.input
        return DescribeModelOutput(
            modelName: input.modelName, primaryContainer: input.primaryContainer, containers: input.containers,
            inferenceExecutionConfig: input.containers == nil ? nil : model.executionMode.map(InferenceExecutionConfig.init),
            executionRoleArn: input.executionRoleArn, creationTime: model.creationTime, modelArn: model.arn)
    }

    public func listModels(nameContains: String? = nil, sortBy: ListSortKey = .creationTime,
                           sortOrder: SortOrder = .descending, maxResults: Int? = nil,
                           nextToken: String? = nil) throws -> ListPage<ModelSummary> {
        let all = lock.withLock { models.values.map { ModelSummary(modelName: $0.input.modelName, modelArn: $0.arn, creationTime: $0.creationTime) } }
        return try ListPage.make(all, nameContains: nameContains, name: \.modelName, created: \.creationTime,
                                 sortBy: sortBy, sortOrder: sortOrder, maxResults: maxResults, nextToken: nextToken)
    }

    public func deleteModel(modelName: String) throws {
        try lock.withLock {
            _ = try requireModel(modelName)
            models[modelName.lowercased()] = nil
        }
    }

    /// What CreateModel checks before it stores anything: SageMaker must be able to assume
    /// the execution role, and every ModelDataUrl must name an existing object.
    private func checkRoleAndModelData(_ input: CreateModelInput) throws {
        let service = "sagemaker.amazonaws.com"
        if let role = input.executionRoleArn, let iam, !iam.canBeAssumed(roleArn: role, byService: service) {
            throw SageMakerErrors.validation("Could not assume role \(role). Please ensure that the role exists and allows principal '\(service)' to assume the role.")
        }
        for container in input.primaryContainer.map({ [$0] }) ?? input.containers ?? [] {
            guard let url = container.modelDataUrl else { continue }
            guard let location = try? S3URI(parsing: url), s3.objectExists(bucket: location.bucket, key: location.key) else {
                throw SageMakerErrors.validation("Could not find model data at \(url).")
            }
        }
    }

    func requireModel(_ name: String) throws -> StoredModel {
        guard let model = models[name.lowercased()] else {
            throw SageMakerErrors.validation("Could not find model \"\(arn("model", name))\".")
        }
        return model
    }

    // MARK: Endpoint configurations

    @discardableResult
    public func createEndpointConfig(_ input: CreateEndpointConfigInput) throws -> CreateEndpointConfigOutput {
        try SageMakerValidation.validate(input)
        return try lock.withLock {
            let arn = arn("endpoint-config", input.endpointConfigName)
            guard endpointConfigs[input.endpointConfigName.lowercased()] == nil else {
                throw SageMakerErrors.validation("Cannot create already existing endpoint configuration \"\(arn)\".")
            }
            for variant in input.productionVariants { _ = try requireModel(variant.modelName ?? "") }
            endpointConfigs[input.endpointConfigName.lowercased()] =
                StoredEndpointConfig(input: input, arn: arn, creationTime: clock.now)
            return CreateEndpointConfigOutput(endpointConfigArn: arn)
        }
    }

    public func describeEndpointConfig(endpointConfigName: String) throws -> DescribeEndpointConfigOutput {
        let config = try lock.withLock { try requireEndpointConfig(endpointConfigName) }
        return DescribeEndpointConfigOutput(
            endpointConfigName: config.input.endpointConfigName, endpointConfigArn: config.arn,
            productionVariants: config.input.productionVariants,
            asyncInferenceConfig: config.input.asyncInferenceConfig, creationTime: config.creationTime)
    }

    public func listEndpointConfigs(nameContains: String? = nil, sortBy: ListSortKey = .creationTime,
                                    sortOrder: SortOrder = .descending, maxResults: Int? = nil,
                                    nextToken: String? = nil) throws -> ListPage<EndpointConfigSummary> {
        let all = lock.withLock {
            endpointConfigs.values.map {
                EndpointConfigSummary(endpointConfigName: $0.input.endpointConfigName, endpointConfigArn: $0.arn,
                                      creationTime: $0.creationTime)
            }
        }
        return try ListPage.make(all, nameContains: nameContains, name: \.endpointConfigName, created: \.creationTime,
                                 sortBy: sortBy, sortOrder: sortOrder, maxResults: maxResults, nextToken: nextToken)
    }

    public func deleteEndpointConfig(endpointConfigName: String) throws {
        try lock.withLock {
            _ = try requireEndpointConfig(endpointConfigName)
            endpointConfigs[endpointConfigName.lowercased()] = nil
        }
    }

    func requireEndpointConfig(_ name: String) throws -> StoredEndpointConfig {
        guard let config = endpointConfigs[name.lowercased()] else {
            throw SageMakerErrors.validation("Could not find endpoint configuration \"\(arn("endpoint-config", name))\".")
        }
        return config
    }
}

struct StoredModel {
    var input: CreateModelInput
    var arn: String
    var creationTime: Date

    /// Serial is the default for a pipeline (botocore's InferenceExecutionConfig doc).
    var executionMode: InferenceExecutionMode? {
        input.containers == nil ? nil : (input.inferenceExecutionConfig?.mode ?? .serial)
    }

    /// The containers in order with the names errors and Direct invocation use:
    /// "primary" for a PrimaryContainer, the hostname (or "container-N") in a pipeline.
    var namedContainers: [(name: String, definition: ContainerDefinition)] {
        if let primary = input.primaryContainer { return [("primary", primary)] }
        return (input.containers ?? []).enumerated().map { ($1.containerHostname ?? "container-\($0 + 1)", $1) }
    }
}

struct StoredEndpointConfig {
    var input: CreateEndpointConfigInput
    var arn: String
    var creationTime: Date
}

/// botocore's ModelSortKey / EndpointConfigSortKey / EndpointSortKey (Status is not offered).
public enum ListSortKey: String, Sendable { case name = "Name", creationTime = "CreationTime" }

/// One page of a List* call: the items and the NextToken for the following page.
public struct ListPage<Item: Sendable & Equatable>: Sendable, Equatable {
    public var items: [Item]
    public var nextToken: String?

    static func make(_ all: [Item], nameContains: String?, name: (Item) -> String, created: (Item) -> Date,
                     sortBy: ListSortKey, sortOrder: SortOrder, maxResults: Int?, nextToken: String?) throws -> ListPage {
        var v = ConstraintViolations()
        v.range(maxResults, min: 1, max: 100, at: "maxResults")
        v.length(nameContains, max: 63, at: "nameContains")
        v.pattern(nameContains, "[a-zA-Z0-9-]+", at: "nameContains")
        try v.check(SageMakerErrors.validation)
        let needle = nameContains?.lowercased()
        var items = all.filter { item in needle.map { name(item).lowercased().contains($0) } ?? true }
        items.sort { sortBy == .name ? name($0) < name($1) : (created($0), name($0)) < (created($1), name($1)) }
        if sortOrder == .descending { items.reverse() }
        let start: Int
        if let nextToken {
            guard let offset = Int(nextToken), offset >= 0, offset <= items.count else {
                throw SageMakerErrors.validation("Invalid pagination token \"\(nextToken)\".")
            }
            start = offset
        } else {
            start = 0
        }
        let end = min(items.count, start + (maxResults ?? 100))
        return ListPage(items: Array(items[start..<end]), nextToken: end < items.count ? String(end) : nil)
    }
}
