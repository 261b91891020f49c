// What an endpoint runs on: its variants, their instances, and each instance's loaded
// containers. Provisioning downloads each container's model.tar.gz from S3, unpacks it
// once per variant, and loads the handler named by SAGEMAKER_PROGRAM once per instance.
// Failures become the endpoint's FailureReason in the words AWS uses.
import Foundation
import Serving

/// One instance of a variant (or one serverless worker): every container's model, loaded once.
final class ModelInstance {
    enum State { case launching, inService, terminating }

    let id: String
    var state: State
    let handlers: [any InferenceHandler]
    /// Requests this instance is working on right now.
    var inFlight = 0

    init(id: String, state: State, handlers: [any InferenceHandler]) {
        self.id = id
        self.state = state
        self.handlers = handlers
    }
}

struct HostedContainer {
    /// "primary" for a PrimaryContainer, else the container's hostname.
    var name: String
    var handlerName: String
    var modelDirectory: URL
    var image: String?
}

final class HostedVariant {
    let variant: ProductionVariant
    let mode: InferenceExecutionMode?
    let containers: [HostedContainer]
    var instances: [ModelInstance] = []
    var desiredInstanceCount: Int
    var currentWeight: Double
    var roundRobin = 0
    let serverless: ServerlessPool?

    init(variant: ProductionVariant, mode: InferenceExecutionMode?, containers: [HostedContainer],
         serverless: ServerlessPool?) {
        self.variant = variant
        self.mode = mode
        self.containers = containers
        self.desiredInstanceCount = variant.initialInstanceCount ?? 0
        self.currentWeight = variant.initialVariantWeight ?? 1
        self.serverless = serverless
    }

    var name: String { variant.variantName }
    var inServiceInstances: [ModelInstance] { instances.filter { $0.state == .inService } }
}

final class HostedEndpoint {
    let name: String
    let arn: String
    var config: StoredEndpointConfig
    var status: EndpointStatus
    var failureReason: String?
    let creationTime: Date
    var lastModifiedTime: Date
    var variants: [HostedVariant] = []
    var queue: InvocationQueue?
    /// When set, async completions take this long on the virtual clock instead of the
    /// measured handler time scaled to the instance type (a slow model played by a fast one).
    var simulatedModelLatency: TimeInterval?
    /// The endpoint's log group, /aws/sagemaker/Endpoints/<name>: why things failed.
    var logs: [String] = []
    /// Bumped on every create/update/delete, so events scheduled for an older state do nothing.
    var generation = 0
    var cache = InvocationCache.realTime()

    init(name: String, arn: String, config: StoredEndpointConfig, now: Date) {
        self.name = name
        self.arn = arn
        self.config = config
        self.status = .creating
        self.creationTime = now
        self.lastModifiedTime = now
    }

    var isAsync: Bool { config.input.asyncInferenceConfig != nil }
}

/// Why provisioning failed, as DescribeEndpoint's FailureReason puts it.
struct ProvisioningFailure: Error {
    var reason: String
    var log: String
}

extension SageMaker {
    /// Builds every variant of `config`: downloads and unpacks artifacts and loads models.
    /// A failed attempt leaves no directory behind.
    func provision(_ config: StoredEndpointConfig, endpoint: String, generation: Int) throws -> [HostedVariant] {
        do {
            return try provisionVariants(config, endpoint: endpoint, generation: generation)
        } catch {
            try? FileManager.default.removeItem(at: generationDirectory(endpoint: endpoint, generation: generation))
            throw error
        }
    }

    /// Where one generation (create or update) of an endpoint unpacks its artifacts.
    func generationDirectory(endpoint: String, generation: Int) -> URL {
        workDirectory.appendingPathComponent("endpoints/\(endpoint.lowercased())/\(generation)", isDirectory: true)
    }

    /// Removes the unpacked artifacts of every generation but `generation`: once it
    /// serves, no instance of an older configuration will ever load from them again.
    func removeGenerations(of endpoint: String, except generation: Int) {
        let parent = workDirectory.appendingPathComponent("endpoints/\(endpoint.lowercased())", isDirectory: true)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: parent.path)) ?? []
        for name in names where name != String(generation) {
            try? FileManager.default.removeItem(at: parent.appendingPathComponent(name))
        }
    }

    private func provisionVariants(_ config: StoredEndpointConfig, endpoint: String, generation: Int) throws -> [HostedVariant] {
        try config.input.productionVariants.map { variant in
            guard let model = models[(variant.modelName ?? "").lowercased()] else {
                let reason = "Could not find model \"\(arn("model", variant.modelName ?? ""))\"."
                throw ProvisioningFailure(reason: reason, log: reason)
            }
            let base = generationDirectory(endpoint: endpoint, generation: generation)
                .appendingPathComponent(variant.variantName)
            let containers = try model.namedContainers.map { named in
                try prepareContainer(named.name, named.definition, variant: variant.variantName,
                                     directory: base.appendingPathComponent(named.name))
            }
            let serverless = variant.serverlessConfig.map { ServerlessPool(config: $0) }
            let hosted = HostedVariant(variant: variant, mode: model.executionMode, containers: containers,
                                       serverless: serverless)
            for _ in 0..<(serverless == nil ? hosted.desiredInstanceCount : 0) {
                hosted.instances.append(try launchInstance(hosted, state: .inService))
            }
            return hosted
        }
    }

    /// Fetches and unpacks one container's artifact; checks its handler name is known.
    private func prepareContainer(_ name: String, _ definition: ContainerDefinition, variant: String,
                                  directory: URL) throws -> HostedContainer {
        let program = definition.environment["SAGEMAKER_PROGRAM"] ?? ""
        if let url = definition.modelDataUrl {
            let downloadFailure = ProvisioningFailure(
                reason: "Failed to download model data for container \"\(name)\" from URL: \"\(url)\". "
                    + "Please ensure that there is an object located at the URL and that the role passed to "
                    + "CreateModel has permissions to download the object.",
                log: "download of \(url) failed")
            guard let location = try? S3URI(parsing: url) else { throw downloadFailure }
            let data: Data
            do { data = try s3.getObject(bucket: location.bucket, key: location.key).body } catch {
                throw ProvisioningFailure(reason: downloadFailure.reason, log: "download of \(url) failed: \(error)")
            }
            do {
                try? FileManager.default.removeItem(at: directory)
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                try ModelArtifact.unpack(data, into: directory)
            } catch {
                try? FileManager.default.removeItem(at: directory)  // no half-unpacked model stays behind
                throw ProvisioningFailure(
                    reason: "Failed to extract model data archive for container \"\(name)\" from URL \"\(url)\". "
                        + "Please ensure that the object located at the URL is a valid tar.gz archive.",
                    log: "extracting \(url) failed: \(error)")
            }
        } else {
            do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
                throw ProvisioningFailure(reason: "Internal error preparing container \"\(name)\".", log: "\(error)")
            }
        }
        guard registry.modelHandlerNames.contains(program) else {
            let known = registry.modelHandlerNames
            let log = program.isEmpty
                ? "container \(name) has no SAGEMAKER_PROGRAM in its Environment; known handlers: \(known.joined(separator: ", "))"
                : "\(RegistryError.unknownHandler(program, known: known))"
            throw pingFailure(container: name, variant: variant, log: log)
        }
        return HostedContainer(name: name, handlerName: program, modelDirectory: directory, image: definition.image)
    }

    /// Loads every container's model for one new instance (SageMaker's `model_fn`, once per instance).
    func launchInstance(_ variant: HostedVariant, state: ModelInstance.State) throws -> ModelInstance {
        let handlers = try variant.containers.map { container in
            do { return try registry.loadModel(container.handlerName, from: container.modelDirectory) } catch {
                throw pingFailure(container: container.name, variant: variant.name, log: "\(error)")
            }
        }
        return ModelInstance(id: "i-\(String(format: "%017x", nextSequence()))", state: state, handlers: handlers)
    }

    /// A container that does not come up fails the health check; the detail goes to the logs.
    private func pingFailure(container: String, variant: String, log: String) -> ProvisioningFailure {
        let which = container == "primary" ? "The primary container" : "The container \"\(container)\""
        return ProvisioningFailure(
            reason: "\(which) for production variant \(variant) did not pass the ping health check. "
                + "Please check CloudWatch logs for this endpoint.",
            log: log)
    }
}
