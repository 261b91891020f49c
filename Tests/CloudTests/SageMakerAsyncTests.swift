// InvokeEndpointAsync: validation (ranges from botocore's sagemaker-runtime/2017-05-13:
// RequestTTLSeconds 60..21600, InvocationTimeoutSeconds 1..3600; ValidationError 400),
// the queue with MaxConcurrentInvocationsPerInstance, S3 outputs and SNS notifications.
import XCTest
import Serving
@testable import Cloud

final class SageMakerAsyncTests: XCTestCase {
    private let successQueue = "arn:aws:sqs:ap-northeast-2:123456789012:success"
    private let errorQueue = "arn:aws:sqs:ap-northeast-2:123456789012:errors"

    /// An async endpoint with one instance, two slots, and SNS topics with SQS subscribers.
    private func asyncEndpoint(_ f: SageMakerFixture, handler: String = "echo") throws -> (String, String) {
        let success = try f.cloud.sns.createTopic(name: "async-success")
        let failure = try f.cloud.sns.createTopic(name: "async-error")
        try f.cloud.sns.subscribe(topicArn: success, protocol: "sqs", endpoint: successQueue)
        try f.cloud.sns.subscribe(topicArn: failure, protocol: "sqs", endpoint: errorQueue)
        try f.deploy("async", model: CreateModelInput(modelName: "async", primaryContainer: f.container(handler)), async: AsyncInferenceConfig(
            clientConfig: AsyncInferenceClientConfig(maxConcurrentInvocationsPerInstance: 2),
            outputConfig: AsyncInferenceOutputConfig(
                s3OutputPath: "s3://lab-bucket/async-out/", s3FailurePath: "s3://lab-bucket/async-fail",
                notificationConfig: AsyncInferenceNotificationConfig(successTopic: success, errorTopic: failure))))
        return (success, failure)
    }

    private func upload(_ f: SageMakerFixture, _ key: String, _ text: String) throws -> String {
        try f.cloud.s3.putObject(bucket: SageMakerFixture.bucket, key: key, body: Data(text.utf8), contentType: "video/mp4")
        return "s3://\(SageMakerFixture.bucket)/\(key)"
    }

    func testValidationErrors() throws {
        let f = try SageMakerFixture()
        _ = try asyncEndpoint(f)
        try f.deploy("realtime")
        let input = try upload(f, "in/video.mp4", "frames")
        let cases: [(String, String, InvokeEndpointAsyncInput)] = [
            ("missing input", "Could not find the input object at s3://lab-bucket/in/absent.mp4",
             InvokeEndpointAsyncInput(endpointName: "async", inputLocation: "s3://lab-bucket/in/absent.mp4")),
            ("input pattern", "at 'inputLocation' failed to satisfy constraint",
             InvokeEndpointAsyncInput(endpointName: "async", inputLocation: "/local/file.mp4")),
            ("ttl 59", "Value '59' at 'requestTTLSeconds' failed to satisfy constraint: Member must have value greater than or equal to 60",
             InvokeEndpointAsyncInput(endpointName: "async", inputLocation: input, requestTTLSeconds: 59)),
            ("ttl 21601", "Member must have value less than or equal to 21600",
             InvokeEndpointAsyncInput(endpointName: "async", inputLocation: input, requestTTLSeconds: 21_601)),
            ("timeout 0", "Value '0' at 'invocationTimeoutSeconds' failed to satisfy constraint: Member must have value greater than or equal to 1",
             InvokeEndpointAsyncInput(endpointName: "async", inputLocation: input, invocationTimeoutSeconds: 0)),
            ("timeout 3601", "Member must have value less than or equal to 3600",
             InvokeEndpointAsyncInput(endpointName: "async", inputLocation: input, invocationTimeoutSeconds: 3601)),
            ("real-time endpoint", "is not configured for asynchronous inference",
             InvokeEndpointAsyncInput(endpointName: "realtime", inputLocation: input)),
            ("missing endpoint", "Endpoint nope of account 123456789012 not found.",
             InvokeEndpointAsyncInput(endpointName: "nope", inputLocation: input)),
            ("inference id with a leading space", "at 'inferenceId' failed to satisfy constraint: Member must satisfy regular expression pattern: \\A\\S[\\p{Print}]*\\z",
             InvokeEndpointAsyncInput(endpointName: "async", inputLocation: input, inferenceId: " id")),
            ("inference id with a newline", "at 'inferenceId'",
             InvokeEndpointAsyncInput(endpointName: "async", inputLocation: input, inferenceId: "a\nb")),
            ("inference id outside printable ASCII", "at 'inferenceId'",
             InvokeEndpointAsyncInput(endpointName: "async", inputLocation: input, inferenceId: "요청-1")),
            ("content type outside ASCII", "at 'contentType' failed to satisfy constraint: Member must satisfy regular expression pattern: \\p{ASCII}*",
             InvokeEndpointAsyncInput(endpointName: "async", inputLocation: input, contentType: "vidéo/mp4")),
            ("accept outside ASCII", "at 'accept'",
             InvokeEndpointAsyncInput(endpointName: "async", inputLocation: input, accept: "application/json；")),
        ]
        for (label, message, input) in cases {
            assertAWSError("ValidationError", 400, message, label) { _ = try f.runtime.invokeEndpointAsync(input) }
        }
        assertAWSError("ValidationError", 400, "configured for asynchronous inference; use InvokeEndpointAsync") {
            _ = try f.runtime.invokeEndpoint(InvokeEndpointInput(endpointName: "async", body: Data()))
        }
    }

    func testQueueSlotsOutputsAndNotifications() throws {
        let f = try SageMakerFixture()
        _ = try asyncEndpoint(f)
        try f.sagemaker.setSimulatedModelLatency(endpointName: "async", 30)
        let input = try upload(f, "in/video.mp4", "frames")
        let start = f.cloud.clock.now
        let outputs = try (0..<3).map { _ in
            try f.runtime.invokeEndpointAsync(InvokeEndpointAsyncInput(endpointName: "async", inputLocation: input))
        }
        XCTAssertEqual(outputs[0].outputLocation, "s3://lab-bucket/async-out/\(outputs[0].inferenceId).out")
        XCTAssertEqual(outputs[0].failureLocation, "s3://lab-bucket/async-fail/\(outputs[0].inferenceId)-error.out")
        let key = { (o: InvokeEndpointAsyncOutput) in "async-out/\(o.inferenceId).out" }
        XCTAssertFalse(f.cloud.s3.objectExists(bucket: "lab-bucket", key: key(outputs[0])), "nothing is done at once")

        f.cloud.clock.advance(to: start.addingTimeInterval(30))
        // Two slots on the one instance: two finish at 30 s, the third waits for a slot.
        XCTAssertTrue(f.cloud.s3.objectExists(bucket: "lab-bucket", key: key(outputs[0])))
        XCTAssertTrue(f.cloud.s3.objectExists(bucket: "lab-bucket", key: key(outputs[1])))
        XCTAssertFalse(f.cloud.s3.objectExists(bucket: "lab-bucket", key: key(outputs[2])))
        f.cloud.clock.advance(to: start.addingTimeInterval(60))
        let object = try f.cloud.s3.getObject(bucket: "lab-bucket", key: key(outputs[2]))
        XCTAssertEqual(String(decoding: object.body, as: UTF8.self), "frames")
        XCTAssertEqual(object.contentType, "video/mp4")

        let topics = f.cloud.sns.listTopics()
        let success = try XCTUnwrap(topics.first { $0.hasSuffix(":async-success") })
        let deliveries = f.cloud.sns.deliveries(topicArn: success).filter { $0.kind == .notification }
        XCTAssertEqual(deliveries.count, 3)
        let message = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(deliveries[0].message.utf8)) as? [String: Any])
        XCTAssertEqual(message["invocationStatus"] as? String, "Completed")
        XCTAssertEqual(message["eventSource"] as? String, "aws:sagemaker")
        XCTAssertEqual(message["eventName"] as? String, "InferenceResult")
        XCTAssertEqual(message["eventVersion"] as? String, "1.0")
        XCTAssertEqual(message["awsRegion"] as? String, "ap-northeast-2")
        XCTAssertEqual(message["inferenceId"] as? String, outputs[0].inferenceId)
        XCTAssertEqual(message["receivedTime"] as? String, "2026-01-01T00:05:00.000Z")
        XCTAssertEqual(message["eventTime"] as? String, "2026-01-01T00:05:30.000Z")
        let request = try XCTUnwrap(message["requestParameters"] as? [String: String])
        XCTAssertEqual(request, ["contentType": "video/mp4", "endpointName": "async", "inputLocation": input])
        let response = try XCTUnwrap(message["responseParameters"] as? [String: String])
        XCTAssertEqual(response["outputLocation"], outputs[0].outputLocation)
        XCTAssertEqual(response["contentType"], "video/mp4")
    }

    func testFailureGoesToFailurePathAndErrorTopic() throws {
        let f = try SageMakerFixture()
        let (_, errorTopic) = try asyncEndpoint(f, handler: "fail")
        let input = try upload(f, "in/x.json", "{}")
        let output = try f.runtime.invokeEndpointAsync(InvokeEndpointAsyncInput(endpointName: "async", inputLocation: input))
        f.cloud.clock.advance(by: 1)
        let failure = try f.cloud.s3.getObject(bucket: "lab-bucket", key: "async-fail/\(output.inferenceId)-error.out")
        XCTAssertTrue(String(decoding: failure.body, as: UTF8.self).contains("Received client error (400) from model with message \"expected JSON lines\""))
        XCTAssertFalse(f.cloud.s3.objectExists(bucket: "lab-bucket", key: "async-out/\(output.inferenceId).out"))
        let delivery = try XCTUnwrap(f.cloud.sns.deliveries(topicArn: errorTopic).last { $0.kind == .notification })
        let message = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(delivery.message.utf8)) as? [String: Any])
        XCTAssertEqual(message["invocationStatus"] as? String, "Failed")
        XCTAssertNotNil(message["failureReason"] as? String)
    }

    /// 10,000 requests, a fifth each failing in the model (400, 500), running out of
    /// memory, or timing out: every one ends in exactly one result or failure object and
    /// one notification, and the CloudWatch counters add up to the requests sent.
    func testTenThousandRequestsWithInjectedFaultsAllEndOnce() throws {
        let f = try SageMakerFixture()
        let (successTopic, errorTopic) = try asyncEndpoint(f, handler: "flaky")
        try f.sagemaker.setSimulatedModelLatency(endpointName: "async", 2)
        let kinds = ["ok", "client", "server", "oom", "slow"]
        let inputs = try kinds.map { try upload(f, "in/\($0)", $0 == "slow" ? "ok" : $0) }
        let start = f.cloud.clock.now
        var sent: [String: String] = [:]  // inference id -> kind
        for i in 0..<10_000 {
            let kind = kinds[i % kinds.count]
            let output = try f.runtime.invokeEndpointAsync(InvokeEndpointAsyncInput(
                endpointName: "async", inputLocation: inputs[i % kinds.count],
                requestTTLSeconds: 21_600, invocationTimeoutSeconds: kind == "slow" ? 1 : nil))
            XCTAssertNil(sent.updateValue(kind, forKey: output.inferenceId), "inference ids are unique")
            if i % 500 == 499 { f.cloud.clock.advance(by: 60) }
        }
        f.cloud.clock.advance(by: 6 * 3600)

        var keys: [String] = [], token: String?
        repeat {
            let page = try f.cloud.s3.listObjectsV2(bucket: SageMakerFixture.bucket, prefix: "async-", continuationToken: token)
            keys += page.contents.map(\.key)
            token = page.nextContinuationToken
        } while token != nil
        var ended: [String: Int] = [:]
        for key in keys {
            let name = key.split(separator: "/").last.map(String.init) ?? key
            let id = name.replacingOccurrences(of: "-error.out", with: "").replacingOccurrences(of: ".out", with: "")
            ended[id, default: 0] += 1
            let failed = key.hasPrefix("async-fail/")
            XCTAssertEqual(failed, sent[id] != "ok", "\(key) for a request of kind \(sent[id] ?? "?")")
        }
        XCTAssertEqual(ended.count, 10_000, "every request ended")
        XCTAssertEqual(Set(ended.values), [1], "each in exactly one object")

        let notes = f.cloud.sns.deliveries(topicArn: successTopic).filter { $0.kind == .notification }
            + f.cloud.sns.deliveries(topicArn: errorTopic).filter { $0.kind == .notification }
        var notified: [String: Int] = [:]
        for note in notes {
            let message = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(note.message.utf8)) as? [String: Any])
            let id = try XCTUnwrap((message["inferenceId"] as? String) ?? (message["requestParameters"] as? [String: Any])?["inferenceId"] as? String)
            notified[id, default: 0] += 1
        }
        XCTAssertEqual(notified.count, 10_000)
        XCTAssertEqual(Set(notified.values), [1], "one notification each")

        func sum(_ metric: String, variant: Bool) throws -> Double {
            var dimensions = [MetricDimension(name: "EndpointName", value: "async")]
            if variant { dimensions.append(MetricDimension(name: "VariantName", value: "AllTraffic")) }
            return try f.cloud.cloudWatch.getMetricStatistics(
                namespace: "AWS/SageMaker", metricName: metric, dimensions: dimensions, startTime: start.addingTimeInterval(-60),
                endTime: f.cloud.clock.now.addingTimeInterval(60), period: 86_400, statistics: [.sum]
            ).datapoints.reduce(0) { $0 + ($1.sum ?? 0) }
        }
        let processed = try sum("InvocationsProcessed", variant: false)
        let client = try sum("Invocation4XXErrors", variant: true), server = try sum("Invocation5XXErrors", variant: true)
        XCTAssertEqual(processed, 2_000)
        XCTAssertEqual(client, 2_000)
        XCTAssertEqual(server, 6_000, "500s, out-of-memory errors and timeouts")
        XCTAssertEqual(processed + client + server, 10_000)
        XCTAssertEqual(try sum("Invocations", variant: true), 10_000)
        XCTAssertEqual(try sum("InvocationFailures", variant: false), 8_000)
    }

    func testRequestExpiresAfterTTL() throws {
        let f = try SageMakerFixture()
        let (_, errorTopic) = try asyncEndpoint(f)
        try f.sagemaker.setSimulatedModelLatency(endpointName: "async", 100)
        let input = try upload(f, "in/x", "x")
        for _ in 0..<2 { _ = try f.runtime.invokeEndpointAsync(InvokeEndpointAsyncInput(endpointName: "async", inputLocation: input)) }
        let late = try f.runtime.invokeEndpointAsync(InvokeEndpointAsyncInput(endpointName: "async", inputLocation: input, requestTTLSeconds: 60))
        f.cloud.clock.advance(by: 101)
        XCTAssertTrue(f.cloud.s3.objectExists(bucket: "lab-bucket", key: "async-fail/\(late.inferenceId)-error.out"))
        XCTAssertTrue(f.cloud.sns.deliveries(topicArn: errorTopic).contains { $0.message.contains("RequestTTLSeconds") })
    }

    /// AWS names the output objects by a generated id: a caller's InferenceId (printable
    /// ASCII with '/' and '..' allowed) never becomes part of an S3 key.
    func testOutputIsNamedByAGeneratedIdNotTheInferenceId() throws {
        let f = try SageMakerFixture()
        _ = try asyncEndpoint(f)
        let input = try upload(f, "in/video.mp4", "frames")
        for id in ["../../escape", "job 1/part 2", "x"] {
            let output = try f.runtime.invokeEndpointAsync(InvokeEndpointAsyncInput(endpointName: "async", inputLocation: input, inferenceId: id))
            XCTAssertEqual(output.inferenceId, id)
            XCTAssertFalse(output.outputLocation.contains(id), output.outputLocation)
            let name = String(output.outputLocation.dropFirst("s3://lab-bucket/async-out/".count))
            XCTAssertTrue(output.outputLocation.hasPrefix("s3://lab-bucket/async-out/"), output.outputLocation)
            XCTAssertNotNil(UUID(uuidString: String(name.dropLast(".out".count))), "a uuid: \(name)")
            XCTAssertTrue(name.hasSuffix(".out"), name)
            XCTAssertEqual(output.failureLocation, "s3://lab-bucket/async-fail/\(name.dropLast(".out".count))-error.out")
        }
        f.cloud.clock.advance(by: 600)
        let keys = try f.cloud.s3.listObjectsV2(bucket: "lab-bucket", prefix: "async-out/").contents.map(\.key)
        XCTAssertEqual(keys.count, 3, "\(keys)")
    }
}
