// AWS steps call through the run's AWSCaller, so they work against any endpoint: here a
// caller that is not the embedded dispatch (a stand-in for `--endpoint-url`) answers
// from its own account and records every call.
import Cloud
import Foundation
import XCTest
@testable import LabRunner

/// Answers from a separate emulated account, as `labbook serve` would over the wire.
private final class RecordingCaller: AWSCaller, @unchecked Sendable {
    let region: String
    private let dispatch: CloudDispatch
    private let lock = NSLock()
    private var recorded: [(service: String, operation: String, input: AWSValue)] = []

    init(stateDirectory: URL, region: String) throws {
        self.region = region
        dispatch = CloudDispatch(cloud: try CloudEnvironment(stateDirectory: stateDirectory, account: Account(region: region)))
    }

    var destination: String { "http://recorder.test" }
    var calls: [(service: String, operation: String, input: AWSValue)] { lock.withLock { recorded } }

    func call(_ service: String, _ operation: String, _ input: AWSValue) async throws -> AWSValue {
        lock.withLock { recorded.append((service, operation, input)) }
        return try await dispatch.call(service, operation, input)
    }
}

final class RemoteStepTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("labbook-remote-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func testStepsCallThroughTheRunsCallerAndWaitInRealTime() async throws {
        let file = dir.appendingPathComponent("book.yaml")
        try Data("""
        id: remote
        title: Remote
        steps:
          - {kind: s3.create_bucket, id: bucket, Bucket: remote-bucket}
          - {kind: s3.put_object, id: put, Bucket: remote-bucket, Key: k.json, Body: {a: 1}, ContentType: application/json}
          - {kind: s3.wait_object_exists, id: wait, S3Uri: "${steps.put.S3Uri}", expect: [{path: $.Attempts, equals: 1}]}
          - {kind: s3.wait_object_exists, id: missing, always: true, Bucket: remote-bucket, Key: none, Delay: 0.1, MaxAttempts: 3}
          - {kind: s3.get_object, id: get, always: true, Bucket: remote-bucket, Key: k.json, expect: [{path: $.Json.a, equals: 1}]}
          - {kind: s3.get_object, id: gone, always: true, expect-error: NoSuchKey, Bucket: remote-bucket, Key: nope}
          - {kind: clock.sleep, id: sleep, always: true, Seconds: 0.2}
          - {kind: sns.create_topic, id: topic, always: true, Name: t}
          - {kind: sns.deliveries, id: inbox, always: true, TopicArn: "${steps.topic.TopicArn}"}
          - kind: application-autoscaling.put_scaling_policy
            id: policy
            always: true
            PolicyName: p
            ServiceNamespace: sagemaker
            ResourceId: endpoint/e/variant/v
            ScalableDimension: sagemaker:variant:DesiredInstanceCount
            TargetTrackingScalingPolicyConfiguration: {TargetValu: 5}
          - {kind: sns.delete_topic, id: delete, always: true, TopicArn: "${steps.topic.TopicArn}"}
        """.utf8).write(to: file)
        let caller = try RecordingCaller(stateDirectory: dir.appendingPathComponent("remote"), region: "eu-west-1")
        var options = RunOptions(outputRoot: dir.appendingPathComponent("out"))
        options.remote = caller
        let outcome = try await LabEngine().run([try LabEngine().load(file)], overrides: [:], options: options, progress: .silent)
        let records = outcome.runs[0].records
        let failures = records.map { $0.failure ?? "passed" }

        XCTAssertEqual(records.map(\.status), [.passed, .passed, .passed, .failed, .passed, .passed, .passed, .passed, .failed, .failed, .passed],
                       failures.joined(separator: "\n"))
        XCTAssertEqual(caller.calls.map { "\($0.service).\($0.operation)" }, [
            "s3.CreateBucket", "s3.PutObject", "s3.HeadObject", "s3.HeadObject", "s3.HeadObject", "s3.HeadObject",
            "s3.GetObject", "s3.GetObject", "sns.CreateTopic", "application-autoscaling.PutScalingPolicy", "sns.DeleteTopic",
        ])
        // Outside us-east-1 a bucket names its region, the caller's.
        XCTAssertEqual(caller.calls[0].input, ["Bucket": "remote-bucket", "CreateBucketConfiguration": ["LocationConstraint": "eu-west-1"]])
        // Over the wire time passes for real between polls and in a sleep; the embedded clock stays put.
        XCTAssertTrue(failures[3].contains("Max attempts exceeded"), failures[3])
        XCTAssertGreaterThanOrEqual(records[3].wallSeconds, 0.2)
        XCTAssertGreaterThanOrEqual(records[6].wallSeconds, 0.2)
        XCTAssertEqual(records.map(\.simulatedSeconds).max(), 0)
        XCTAssertTrue(failures[8].contains("sns.deliveries needs the embedded cloud") && failures[8].contains("http://recorder.test"), failures[8])
        // A misspelt member is refused by the dispatch's model check, naming the step.
        XCTAssertTrue(failures[9].contains("step 'policy' (application-autoscaling.put_scaling_policy): ParamValidationError"), failures[9])
        XCTAssertTrue(failures[9].contains("Unknown parameter in TargetTrackingScalingPolicyConfiguration: \"TargetValu\""), failures[9])
    }
}
