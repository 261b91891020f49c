// Amazon SageMaker Runtime (botocore model sagemaker-runtime/2017-05-13): InvokeEndpoint
// here, InvokeEndpointAsync in SageMakerAsyncInference.swift. Endpoints are the control
// plane's; the runtime only routes requests to their instances and runs the handlers.
//
// Model latency is the measured wall time of the real handler calls; the virtual clock is
// advanced by it (and by the measured overhead), so the timeline shows what ran.
import Foundation
import Serving

public struct InvokeEndpointInput: Sendable, Equatable {
    public var endpointName: String
    public var body: Data
    public var contentType: String?
    public var accept: String?
    public var customAttributes: String?
    public var targetVariant: String?
    public var targetContainerHostname: String?
    public var inferenceId: String?

    public init(endpointName: String, body: Data, contentType: String? = nil, accept: String? = nil,
                customAttributes: String? = nil, targetVariant: String? = nil,
                targetContainerHostname: String? = nil, inferenceId: String? = nil) {
        self.endpointName = endpointName
        self.body = body
        self.contentType = contentType
        self.accept = accept
        self.customAttributes = customAttributes
        self.targetVariant = targetVariant
        self.targetContainerHostname = targetContainerHostname
        self.inferenceId = inferenceId
    }
}

public struct InvokeEndpointOutput: Sendable, Equatable {
    public var body: Data
    public var contentType: String
    public var invokedProductionVariant: String
    public var customAttributes: String?
}

public final class SageMakerRuntime: @unchecked Sendable {
    /// botocore: BodyBlob max 6291456 (6 MB) for real-time requests and responses.
    public static let maxPayloadBytes = 6_291_456
    /// botocore's runtime EndpointName pattern (max 63).
    static let endpointNamePattern = "^[a-zA-Z0-9](-*[a-zA-Z0-9])*"

    let sagemaker: SageMaker

    public init(sagemaker: SageMaker) { self.sagemaker = sagemaker }

    public func invokeEndpoint(_ input: InvokeEndpointInput) throws -> InvokeEndpointOutput {
        try Self.validate(input)
        let started = Date()
        var route = try sagemaker.route(input)
        var handlerTime: TimeInterval = 0
        var setupTime: TimeInterval = 0
        var setupWall: TimeInterval = 0  // already inside setupTime; not overhead
        defer { sagemaker.finish(route, setupTime: setupTime) }
        do {
            if route.instance == nil {
                let began = Date()
                (route.instance, setupTime) = try sagemaker.coldStart(route)
                setupWall = Date().timeIntervalSince(began)
            }
            let response = try sagemaker.runChain(
                route, body: input.body, contentType: input.contentType ?? "application/octet-stream",
                accept: input.accept ?? "*/*", modelLatency: &handlerTime)
            guard response.body.count <= Self.maxPayloadBytes else {
                throw SageMakerErrors.modelError(
                    endpoint: route.endpoint.name, container: route.containers.last?.name ?? "primary", status: 500,
                    message: "response of \(response.body.count) bytes exceeds the \(Self.maxPayloadBytes)-byte limit",
                    account: sagemaker.account)
            }
            let overhead = max(0, Date().timeIntervalSince(started) - handlerTime - setupWall)
            sagemaker.recordInvocation(route, modelLatency: handlerTime, overhead: overhead, status: 200)
            sagemaker.clock.advance(by: setupTime + handlerTime + overhead)
            // CustomAttributes in the response are the model's to set; these handlers set none.
            return InvokeEndpointOutput(body: response.body, contentType: response.contentType,
                                        invokedProductionVariant: route.variant.name, customAttributes: nil)
        } catch let error as AWSError where error.code == "ModelError" {
            let status = Int(error.fields["OriginalStatusCode"] ?? "") ?? 500
            let overhead = max(0, Date().timeIntervalSince(started) - handlerTime - setupWall)
            sagemaker.recordInvocation(route, modelLatency: handlerTime, overhead: overhead, status: status)
            sagemaker.clock.advance(by: setupTime + handlerTime + overhead)
            throw error
        }
    }

    static func validate(_ input: InvokeEndpointInput) throws {
        var v = ConstraintViolations()
        v.length(input.endpointName, max: 63, at: "endpointName")
        v.pattern(input.endpointName, endpointNamePattern, at: "endpointName")
        if input.body.count > maxPayloadBytes {
            v.add("[\(input.body.count) bytes]", at: "body", "Member must have length less than or equal to \(maxPayloadBytes)")
        }
        v.length(input.contentType, max: 1024, at: "contentType")
        v.pattern(input.contentType, SageMakerPatterns.header, at: "contentType")
        v.length(input.accept, max: 1024, at: "accept")
        v.pattern(input.accept, SageMakerPatterns.header, at: "accept")
        v.length(input.customAttributes, max: 1024, at: "customAttributes")
        v.pattern(input.customAttributes, SageMakerPatterns.header, at: "customAttributes")
        v.length(input.targetVariant, max: 63, at: "targetVariant")
        v.pattern(input.targetVariant, endpointNamePattern, at: "targetVariant")
        v.length(input.targetContainerHostname, max: 63, at: "targetContainerHostname")
        v.pattern(input.targetContainerHostname, endpointNamePattern, at: "targetContainerHostname")
        v.length(input.inferenceId, min: 1, max: 64, at: "inferenceId")
        v.pattern(input.inferenceId, SageMakerPatterns.inferenceId, matching: SageMakerPatterns.inferenceIdICU,
                  at: "inferenceId")
        try v.check(SageMakerErrors.runtimeValidation)
    }
}

/// Where one real-time request goes: the variant, the containers it runs through, and the
/// instance (or serverless worker) that runs them.
struct InvocationRoute {
    var endpoint: HostedEndpoint
    var variant: HostedVariant
    var containers: [HostedContainer]
    var containerIndices: [Int]
    var instance: ModelInstance?
}

extension SageMaker {
    /// Picks variant, containers and instance, and takes a slot on the instance.
    func route(_ input: InvokeEndpointInput) throws -> InvocationRoute {
        try lock.withLock {
            let notFound = SageMakerErrors.runtimeValidation(
                "Endpoint \(input.endpointName) of account \(account.id) not found.")
            // Requests reach an endpoint only while it serves traffic; AWS keeps serving
            // during an update.
            guard let endpoint = endpoints[input.endpointName.lowercased()],
                  endpoint.status == .inService || endpoint.status == .updating else { throw notFound }
            if endpoint.isAsync {
                throw SageMakerErrors.runtimeValidation(
                    "Endpoint \(endpoint.name) is configured for asynchronous inference; use InvokeEndpointAsync.")
            }
            let variant = try pickVariant(endpoint, target: input.targetVariant)
            let indices = try containerIndices(variant, endpoint: endpoint, target: input.targetContainerHostname)
            var instance: ModelInstance?
            if let pool = variant.serverless {
                instance = try pool.acquire(now: clock.now, idleTimeout: timing.serverlessIdleTimeout)
            } else {
                let ready = variant.inServiceInstances
                guard !ready.isEmpty else {
                    throw AWSError(service: "sagemaker-runtime", code: "ServiceUnavailable", httpStatus: 503,
                                   message: "Variant \(variant.name) of endpoint \(endpoint.name) has no instance in service.")
                }
                variant.roundRobin = (variant.roundRobin + 1) % ready.count
                instance = ready[variant.roundRobin]
                instance?.inFlight += 1
            }
            return InvocationRoute(endpoint: endpoint, variant: variant, containers: indices.map { variant.containers[$0] },
                                   containerIndices: indices, instance: instance)
        }
    }

    private func pickVariant(_ endpoint: HostedEndpoint, target: String?) throws -> HostedVariant {
        if let target {
            guard let variant = endpoint.variants.first(where: { $0.name == target }) else {
                throw SageMakerErrors.runtimeValidation(
                    "Variant \(target) not found for endpoint \(endpoint.name) of account \(account.id).")
            }
            return variant
        }
        let total = endpoint.variants.reduce(0) { $0 + max(0, $1.currentWeight) }
        guard total > 0, endpoint.variants.count > 1 else {
            guard let first = endpoint.variants.first else {
                throw SageMakerErrors.runtimeValidation("Endpoint \(endpoint.name) of account \(account.id) not found.")
            }
            return first
        }
        // A low-discrepancy walk over the weights keeps the split exact and repeatable.
        let point = (Double(nextSequence()) * 0.618_033_988_749_895).truncatingRemainder(dividingBy: 1) * total
        var cumulative = 0.0
        for variant in endpoint.variants {
            cumulative += max(0, variant.currentWeight)
            if point < cumulative { return variant }
        }
        return endpoint.variants[endpoint.variants.count - 1]
    }

    /// Direct mode runs the one container named by TargetContainerHostname; Serial runs all.
    /// The three mistakes AWS's multi-container guide lists are each a validation error.
    private func containerIndices(_ variant: HostedVariant, endpoint: HostedEndpoint, target: String?) throws -> [Int] {
        guard variant.mode == .direct else {
            if let target {
                throw SageMakerErrors.runtimeValidation(
                    "TargetContainerHostname \(target) was specified, but endpoint \(endpoint.name) is not configured for direct invocation (InferenceExecutionConfig Mode is \(variant.mode?.rawValue ?? "not set")).")
            }
            return Array(variant.containers.indices)
        }
        guard let target else {
            throw SageMakerErrors.runtimeValidation(
                "Endpoint \(endpoint.name) is configured for direct invocation; specify TargetContainerHostname (one of \(variant.containers.map(\.name).joined(separator: ", "))).")
        }
        guard let index = variant.containers.firstIndex(where: { $0.name == target }) else {
            throw SageMakerErrors.runtimeValidation(
                "TargetContainerHostname \(target) does not exist in endpoint \(endpoint.name); its containers are \(variant.containers.map(\.name).joined(separator: ", ")).")
        }
        return [index]
    }

    /// A serverless request without a warm worker loads one first; returns it with the
    /// set-up time (the simulated start plus the measured model load).
    func coldStart(_ route: InvocationRoute) throws -> (ModelInstance, TimeInterval) {
        try lock.withLock {
            let started = Date()
            let instance: ModelInstance
            do { instance = try launchInstance(route.variant, state: .inService) } catch let failure as ProvisioningFailure {
                log(route.endpoint, "cold start of \(route.variant.name) failed: \(failure.log)")
                throw AWSError(service: "sagemaker-runtime", code: "ServiceUnavailable", httpStatus: 503, message: failure.reason)
            }
            let setup = timing.serverlessColdStart + Date().timeIntervalSince(started)
            log(route.endpoint, "cold start of \(route.variant.name) took \(String(format: "%.3f", setup)) s")
            return (instance, setup)
        }
    }

    /// Runs the request through the route's containers, each output feeding the next.
    /// `modelLatency` accumulates the handler time, also when a handler fails.
    func runChain(_ route: InvocationRoute, body: Data, contentType: String, accept: String,
                  modelLatency total: inout TimeInterval) throws -> InvocationResponse {
        guard let instance = route.instance else {
            throw AWSError(service: "sagemaker-runtime", code: "InternalFailure", httpStatus: 500,
                           message: "No worker was started for variant \(route.variant.name).")
        }
        var current = InvocationResponse(body: body, contentType: contentType)
        for (container, index) in zip(route.containers, route.containerIndices) {
            guard index < instance.handlers.count else {
                throw AWSError(service: "sagemaker-runtime", code: "InternalFailure", httpStatus: 500,
                               message: "Instance \(instance.id) has no container \(container.name).")
            }
            let key = InvocationCache.key(variant: route.variant.name, container: container.name, body: current.body,
                                          contentType: current.contentType, accept: accept)
            if let hit = lock.withLock({ route.endpoint.cache.lookup(key) }) {
                current = hit.response
                total += hit.latency
                continue
            }
            let started = Date()
            do {
                defer { total += Date().timeIntervalSince(started) }
                let output = try instance.handlers[index].invoke(body: current.body, contentType: current.contentType, accept: accept)
                let latency = Date().timeIntervalSince(started)
                lock.withLock { route.endpoint.cache.store(.init(response: output, latency: latency), for: key) }
                current = output
            } catch let error as HandlerError {
                throw SageMakerErrors.modelError(endpoint: route.endpoint.name, container: container.name,
                                                 status: error.statusCode, message: error.message, account: account)
            } catch {
                throw SageMakerErrors.modelError(endpoint: route.endpoint.name, container: container.name,
                                                 status: 500, message: "\(error)", account: account)
            }
        }
        return current
    }

    /// Gives the route's slot back.
    func finish(_ route: InvocationRoute, setupTime: TimeInterval) {
        lock.withLock {
            if let pool = route.variant.serverless {
                pool.release(route.instance, now: clock.now)
                if setupTime > 0 {
                    emit(route.endpoint, variant: route.variant.name, "ModelSetupTime", setupTime * 1_000_000, .microseconds)
                }
            } else if let instance = route.instance {
                instance.inFlight -= 1
                if instance.state == .terminating && instance.inFlight == 0 {
                    route.variant.instances.removeAll { $0 === instance }
                }
            }
        }
    }
}
