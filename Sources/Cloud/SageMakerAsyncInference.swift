// InvokeEndpointAsync (sagemaker-runtime/2017-05-13) and the processing behind it: the
// request waits in the endpoint's InvocationQueue; an instance with a free slot reads the
// input from S3, runs the handlers, and when the model time has passed on the virtual
// clock, writes the result to S3 and notifies SNS in the shape AWS documents for
// asynchronous inference ("Check prediction results").
import Foundation
import Serving

public struct InvokeEndpointAsyncInput: Sendable, Equatable {
    public var endpointName: String
    public var inputLocation: String
    public var contentType: String?
    public var accept: String?
    public var inferenceId: String?
    public var requestTTLSeconds: Int?
    public var invocationTimeoutSeconds: Int?

    public init(endpointName: String, inputLocation: String, contentType: String? = nil, accept: String? = nil,
                inferenceId: String? = nil, requestTTLSeconds: Int? = nil, invocationTimeoutSeconds: Int? = nil) {
        self.endpointName = endpointName
        self.inputLocation = inputLocation
        self.contentType = contentType
        self.accept = accept
        self.inferenceId = inferenceId
        self.requestTTLSeconds = requestTTLSeconds
        self.invocationTimeoutSeconds = invocationTimeoutSeconds
    }
}

public struct InvokeEndpointAsyncOutput: Sendable, Equatable {
    public var inferenceId: String
    public var outputLocation: String
    public var failureLocation: String?
}

extension SageMakerRuntime {
    /// Asynchronous payloads may be up to 1 GB (AWS's async inference limits).
    public static let maxAsyncPayloadBytes = 1_073_741_824
    /// botocore's defaults and ranges: RequestTTLSeconds 60...21600 (default 21600),
    /// InvocationTimeoutSeconds 1...3600 (default 900).
    public static let defaultRequestTTLSeconds = 21_600
    public static let defaultInvocationTimeoutSeconds = 900

    public func invokeEndpointAsync(_ input: InvokeEndpointAsyncInput) throws -> InvokeEndpointAsyncOutput {
        var v = ConstraintViolations()
        v.length(input.endpointName, max: 63, at: "endpointName")
        v.pattern(input.endpointName, Self.endpointNamePattern, at: "endpointName")
        v.length(input.inputLocation, min: 1, max: 1024, at: "inputLocation")
        v.pattern(input.inputLocation, "^(https|s3)://([^/]+)/?(.*)$", at: "inputLocation")
        v.length(input.contentType, max: 1024, at: "contentType")
        v.pattern(input.contentType, SageMakerPatterns.header, at: "contentType")
        v.length(input.accept, max: 1024, at: "accept")
        v.pattern(input.accept, SageMakerPatterns.header, at: "accept")
        v.length(input.inferenceId, min: 1, max: 64, at: "inferenceId")
        v.pattern(input.inferenceId, SageMakerPatterns.inferenceId, matching: SageMakerPatterns.inferenceIdICU,
                  at: "inferenceId")
        v.range(input.requestTTLSeconds, min: 60, max: 21_600, at: "requestTTLSeconds")
        v.range(input.invocationTimeoutSeconds, min: 1, max: 3600, at: "invocationTimeoutSeconds")
        try v.check(SageMakerErrors.runtimeValidation)
        return try sagemaker.enqueueAsync(input)
    }
}

extension SageMaker {
    func enqueueAsync(_ input: InvokeEndpointAsyncInput) throws -> InvokeEndpointAsyncOutput {
        try lock.withLock {
            guard let endpoint = endpoints[input.endpointName.lowercased()],
                  endpoint.status == .inService || endpoint.status == .updating else {
                throw SageMakerErrors.runtimeValidation("Endpoint \(input.endpointName) of account \(account.id) not found.")
            }
            guard let async = endpoint.config.input.asyncInferenceConfig, let queue = endpoint.queue else {
                throw SageMakerErrors.runtimeValidation(
                    "Endpoint \(endpoint.name) is not configured for asynchronous inference; use InvokeEndpoint.")
            }
            if endpoint.variants.contains(where: { $0.mode == .direct }) {
                throw SageMakerErrors.runtimeValidation(
                    "Endpoint \(endpoint.name) uses direct invocation; InvokeEndpointAsync has no TargetContainerHostname to choose a container.")
            }
            // As on AWS, the output objects are named by a generated id, never by the
            // caller's InferenceId (which need not be a valid or unique object name).
            let now = clock.now
            let count = asyncInstant.time == now ? asyncInstant.count + 1 : 1
            let generated = Digest.uuidString(from: "inference|\(endpoint.arn)|\(now.timeIntervalSince1970)|\(count)")
            let inferenceId = input.inferenceId ?? generated
            let output = Self.join(async.outputConfig.s3OutputPath ?? "", "\(generated).out")
            let failure = async.outputConfig.s3FailurePath.map { Self.join($0, "\(generated)-error.out") }
            let accepted = InvokeEndpointAsyncOutput(inferenceId: inferenceId, outputLocation: output, failureLocation: failure)
            if deliveredOutputs.remove(output) != nil {  // replaying a request that finished before the restart
                asyncInstant = (now, count)
                return accepted
            }
            guard let location = try? S3URI(parsing: input.inputLocation),
                  let head = try? s3.headObject(bucket: location.bucket, key: location.key) else {
                throw SageMakerErrors.runtimeValidation(
                    "Could not find the input object at \(input.inputLocation). Upload the payload to S3 before calling InvokeEndpointAsync.")
            }
            guard head.contentLength <= SageMakerRuntime.maxAsyncPayloadBytes else {
                throw SageMakerErrors.runtimeValidation(
                    "The input object at \(input.inputLocation) is \(head.contentLength) bytes; asynchronous payloads are limited to \(SageMakerRuntime.maxAsyncPayloadBytes) bytes.")
            }
            asyncInstant = (now, count)
            queue.enqueue(QueuedInvocation(
                inferenceId: inferenceId, inputLocation: input.inputLocation, contentType: input.contentType ?? head.contentType,
                accept: input.accept, receivedTime: clock.now,
                requestTTL: TimeInterval(input.requestTTLSeconds ?? SageMakerRuntime.defaultRequestTTLSeconds),
                invocationTimeout: TimeInterval(input.invocationTimeoutSeconds ?? SageMakerRuntime.defaultInvocationTimeoutSeconds),
                outputLocation: output, failureLocation: failure))
            dispatchAsync(endpoint)
            return accepted
        }
    }

    private static func join(_ path: String, _ name: String) -> String {
        path.hasSuffix("/") ? path + name : path + "/" + name
    }

    /// Hands queued requests to instances with a free slot. Runs again whenever a slot frees up.
    func dispatchAsync(_ endpoint: HostedEndpoint) {
        lock.withLock {
            guard let queue = endpoint.queue, endpoint.status == .inService || endpoint.status == .updating else { return }
            while queue.waiting > 0 {
                guard let (variant, instance) = freeSlot(endpoint, limit: queue.maxConcurrentPerInstance),
                      let request = queue.popFirst() else { return }
                if clock.now.timeIntervalSince(request.receivedTime) > request.requestTTL {
                    complete(request, endpoint: endpoint, variant: variant,
                             outcome: .failure("Request expired: it waited longer than its RequestTTLSeconds (\(Int(request.requestTTL)) s) in the queue."),
                             modelLatency: nil)
                    continue
                }
                instance.inFlight += 1
                queue.inProgress += 1
                start(request, on: instance, variant: variant, endpoint: endpoint)
            }
        }
    }

    private func freeSlot(_ endpoint: HostedEndpoint, limit: Int) -> (HostedVariant, ModelInstance)? {
        for variant in endpoint.variants {
            if let instance = variant.inServiceInstances.min(by: { $0.inFlight < $1.inFlight }), instance.inFlight < limit {
                return (variant, instance)
            }
        }
        return nil
    }

    enum AsyncOutcome {
        /// The reply, with its digests when they are known (a reused result).
        case success(InvocationResponse, S3.BodyDigests?)
        /// Why it failed, and the status the model answered with (nil: the request never
        /// reached the model: it expired in the queue or its input could not be read).
        case failure(String, status: Int? = nil)
    }

    /// Runs the handlers now and reports the result once the model time has passed.
    private func start(_ request: QueuedInvocation, on instance: ModelInstance, variant: HostedVariant,
                       endpoint: HostedEndpoint) {
        let started = Date()
        let (result, measured) = run(request, on: instance, endpoint: endpoint, variant: variant)
        var outcome = result
        let latency = endpoint.simulatedModelLatency
            ?? measured * SageMakerInstanceTypes.computeScale(variant.variant.instanceType ?? "")
        let overhead = max(0, Date().timeIntervalSince(started) - measured)
        if latency > request.invocationTimeout {
            // The container gave no answer in time; SageMaker reports it as a server-side error.
            outcome = .failure("Inference request timed out after \(Int(request.invocationTimeout)) s (InvocationTimeoutSeconds).", status: 500)
        }
        let duration = min(latency, request.invocationTimeout)
        clock.schedule(after: duration, label: "sagemaker async \(request.inferenceId)") {
            self.lock.withLock {
                instance.inFlight -= 1
                if instance.state == .terminating && instance.inFlight == 0 {
                    variant.instances.removeAll { $0 === instance }
                }
                guard self.endpoints[endpoint.name.lowercased()] === endpoint, endpoint.status != .deleting,
                      let queue = endpoint.queue else { return }
                queue.inProgress = max(0, queue.inProgress - 1)
                self.complete(request, endpoint: endpoint, variant: variant, outcome: outcome,
                              modelLatency: (latency, overhead))
                self.dispatchAsync(endpoint)
            }
        }
    }

    /// Reads the input from S3 and pipes it through the instance's containers. Returns the
    /// outcome and the measured handler time.
    private func run(_ request: QueuedInvocation, on instance: ModelInstance, endpoint: HostedEndpoint,
                     variant: HostedVariant) -> (AsyncOutcome, TimeInterval) {
        var measured: TimeInterval = 0
        let logs = "See the SageMaker Endpoint logs in your account for more information."
        do {
            let location = try S3URI(parsing: request.inputLocation)
            let body = try s3.getObject(bucket: location.bucket, key: location.key).body
            var response = InvocationResponse(body: body, contentType: request.contentType ?? "application/octet-stream")
            var lastKey: String?
            for (handler, container) in zip(instance.handlers, variant.containers) {
                let accept = request.accept ?? "*/*"
                let key = InvocationCache.key(variant: variant.name, container: container.name, body: response.body,
                                              contentType: response.contentType, accept: accept)
                lastKey = key
                if let hit = lock.withLock({ endpoint.cache.lookup(key) }) {
                    response = hit.response
                    measured += hit.latency
                    continue
                }
                let began = Date()
                defer { measured += Date().timeIntervalSince(began) }
                response = try handler.invoke(body: response.body, contentType: response.contentType, accept: accept)
                let latency = Date().timeIntervalSince(began)
                lock.withLock { endpoint.cache.store(.init(response: response, latency: latency), for: key) }
            }
            return (.success(response, digests(of: response, cacheKey: lastKey, endpoint: endpoint)), measured)
        } catch let error as HandlerError {
            let kind = error.statusCode >= 500 ? "server" : "client"
            return (.failure("ClientError: Received \(kind) error (\(error.statusCode)) from model with message \"\(error.message)\". \(logs)",
                             status: error.statusCode), measured)
        } catch let error as S3URI.ParseError {
            return (.failure("ClientError: Failed to download input data: \(error)"), measured)
        } catch let error as AWSError where error.service == "s3" {
            return (.failure("ClientError: Failed to download input data from \(request.inputLocation): \(error.message)"), measured)
        } catch {
            return (.failure("ClientError: Received server error (500) from model with message \"\(error)\". \(logs)", status: 500), measured)
        }
    }

    /// The reply's digests, computed once per cached result: a burst of identical requests
    /// writes the same tens of MB a thousand times, and S3 stores it once.
    private func digests(of response: InvocationResponse, cacheKey: String?, endpoint: HostedEndpoint) -> S3.BodyDigests {
        if let cacheKey, let known = lock.withLock({ endpoint.cache.lookup(cacheKey)?.digests }) { return known }
        let computed = S3.BodyDigests(response.body)
        if let cacheKey { lock.withLock { endpoint.cache.setDigests(computed, for: cacheKey) } }
        return computed
    }

    /// Writes the result or the failure to S3, publishes the notification, records metrics,
    /// and journals the delivery last: a crash before that runs the request again, which
    /// rewrites the same object and notifies once in the restarted account.
    private func complete(_ request: QueuedInvocation, endpoint: HostedEndpoint, variant: HostedVariant,
                          outcome: AsyncOutcome, modelLatency: (TimeInterval, TimeInterval)?) {
        let notification = endpoint.config.input.asyncInferenceConfig?.outputConfig.notificationConfig
        let topic: String?
        let message: String?
        switch outcome {
        case let .success(response, digests):
            write(response.body, contentType: response.contentType, to: request.outputLocation, endpoint: endpoint, digests: digests)
            topic = notification?.successTopic
            message = topic.map { _ in
                AsyncNotification.success(request, response: response, endpoint: endpoint.name,
                                          region: account.region, now: clock.now)
            }
            emit(endpoint, variant: nil, "InvocationsProcessed", 1, .count)
            if let (latency, overhead) = modelLatency {
                recordInvocation(endpoint, variant: variant, modelLatency: latency, overhead: overhead, status: 200)
            }
        case let .failure(reason, status):
            // A model that answered with an error counts as an invocation, as on AWS.
            if let status, let (latency, overhead) = modelLatency {
                recordInvocation(endpoint, variant: variant, modelLatency: latency, overhead: overhead, status: status)
            }
            if let failure = request.failureLocation {
                write(Data(reason.utf8), contentType: "text/plain", to: failure, endpoint: endpoint)
            }
            topic = notification?.errorTopic
            message = topic.map { _ in
                AsyncNotification.failure(request, reason: reason, endpoint: endpoint.name,
                                          region: account.region, now: clock.now)
            }
            log(endpoint, "inference \(request.inferenceId) failed: \(reason)")
            emit(endpoint, variant: nil, "InvocationFailures", 1, .count)
        }
        if let topic, let message { publish(message, to: topic, endpoint: endpoint) }
        journalDelivery(request, topic: topic, message: message, endpoint: endpoint)
        emit(endpoint, variant: nil, "TimeInBacklog",
             max(0, clock.now.timeIntervalSince(request.receivedTime) - (modelLatency?.0 ?? 0)) * 1000, .milliseconds)
    }

    private func write(_ body: Data, contentType: String, to uri: String, endpoint: HostedEndpoint, digests: S3.BodyDigests? = nil) {
        do {
            let location = try S3URI(parsing: uri)
            try s3.putObject(bucket: location.bucket, key: location.key, body: body, contentType: contentType, digests: digests)
        } catch {
            log(endpoint, "writing \(uri) failed: \(error)")
            emit(endpoint, variant: nil, "ResponseUploadFailures", 1, .count)
        }
    }

    private func publish(_ message: String, to topic: String, endpoint: HostedEndpoint) {
        do { try sns.publish(topicArn: topic, message: message) } catch {
            log(endpoint, "notifying \(topic) failed: \(error)")
            emit(endpoint, variant: nil, "NotificationFailures", 1, .count)
        }
    }
}
