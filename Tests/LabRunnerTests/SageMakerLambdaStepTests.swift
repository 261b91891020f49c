// The SageMaker, SageMaker Runtime and Lambda steps and model.package's upload call AWS
// through the run's AWSCaller: against a caller that is not the embedded dispatch (a
// stand-in for `--endpoint-url`) they make the same boto3 calls, follow the weights trail
// with Describe calls, and tell a cold start from the log tail; on the embedded account
// the waiters fail as botocore's do.
import Cloud
import Foundation
import Serving
import XCTest
@testable import LabRunner

/// A separate emulated account whose time runs fast, as a `labbook serve --time-scale`
/// would: endpoints have finished creating or deleting by the next call.
private final class FastServerCaller: AWSCaller, @unchecked Sendable {
    let region: String
    let dispatch: CloudDispatch
    private let lock = NSLock()
    private var recorded: [String] = []

    init(stateDirectory: URL, region: String, handlers: HandlerRegistry) throws {
        self.region = region
        dispatch = CloudDispatch(cloud: try CloudEnvironment(stateDirectory: stateDirectory, registry: handlers,
                                                             account: Account(region: region)))
    }

    var destination: String { "http://fast-server.test" }
    var calls: [String] { lock.withLock { recorded } }
    func forget() { lock.withLock { recorded = [] } }

    func call(_ service: String, _ operation: String, _ input: AWSValue) async throws -> AWSValue {
        lock.withLock { recorded.append("\(service).\(operation)") }
        let answer = try await dispatch.call(service, operation, input)
        if ["CreateEndpoint", "DeleteEndpoint"].contains(operation) {
            dispatch.synchronized { dispatch.cloud.clock.advance(by: 600) }
        }
        return answer
    }
}

final class SageMakerLambdaStepTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("labbook-sagemaker-steps-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    private func run(_ yaml: String, remote: (any AWSCaller)? = nil) async throws -> [StepRecord] {
        let file = dir.appendingPathComponent("book.yaml")
        try Data(yaml.utf8).write(to: file)
        var options = RunOptions(outputRoot: dir.appendingPathComponent("out"))
        options.remote = remote
        let engine = LabEngine()
        return try await engine.run([try engine.load(file)], overrides: [:], options: options, progress: .silent).runs[0].records
    }

    func testStepsMakeTheirBoto3CallsThroughARemoteCaller() async throws {
        let engine = LabEngine()
        let server = try FastServerCaller(stateDirectory: dir.appendingPathComponent("server"), region: "eu-west-1",
                                          handlers: engine.handlers)
        // What the book's earlier steps would have made: a role Lambda can assume and an image it may pull.
        let trust = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#
        let role = try await server.call("iam", "CreateRole", ["RoleName": "fn-role", "AssumeRolePolicyDocument": .string(trust)])
        _ = try await server.call("ecr", "CreateRepository", ["repositoryName": "fn"])
        let pull = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"]}]}"#
        _ = try await server.call("ecr", "SetRepositoryPolicy", ["repositoryName": "fn", "policyText": .string(pull)])
        let cloud = server.dispatch.cloud
        _ = try cloud.ecr.putImage(repositoryName: "fn", tag: "latest",
                                   manifest: ImageManifest(entryPoint: "nsmc-lambda", directory: try engine.modelDirectory("fixture:nsmc-tiny")))
        server.forget()

        let records = try await run("""
        id: remote-sagemaker
        title: Remote SageMaker
        steps:
          - {kind: model.package, id: package, model: "fixture:nsmc-tiny", program: nsmc, upload: "s3://remote-models/nsmc/model.tar.gz"}
          - kind: sagemaker.create_model
            id: model
            ModelName: nsmc
            ExecutionRoleArn: arn:aws:iam::123456789012:role/SageMakerExecutionRole
            PrimaryContainer: {Image: "763104351884.dkr.ecr.eu-west-1.amazonaws.com/pytorch-inference:1.8.1-cpu-py36", ModelDataUrl: "${steps.package.ModelDataUrl}", Environment: {SAGEMAKER_PROGRAM: nsmc}}
          - {kind: sagemaker.create_endpoint_config, id: config, EndpointConfigName: nsmc, ProductionVariants: [{VariantName: v, ModelName: nsmc, InitialInstanceCount: 1, InstanceType: ml.c5.xlarge, InitialVariantWeight: 1}]}
          - {kind: sagemaker.create_endpoint, id: endpoint, EndpointName: nsmc, EndpointConfigName: nsmc}
          - {kind: sagemaker.wait, id: wait, Waiter: endpoint_in_service, EndpointName: nsmc, expect: [{path: $.EndpointStatus, equals: InService}]}
          - {kind: sagemaker-runtime.invoke_endpoint, id: invoke, EndpointName: nsmc, ContentType: application/jsonlines, Accept: application/jsonlines, Body: '{"text": ["좋은 영화"]}', expect: [{path: $.Lines, count: 1}]}
          - {kind: sagemaker.describe_endpoint, id: describe, EndpointName: nsmc, expect: [{path: "$.ProductionVariants[0].CurrentWeight", equals: 1.0}]}
          - {kind: lambda.create_function, id: function, FunctionName: fn, Role: "\(role["Role"]?["Arn"]?.string ?? "")", ImageUri: "\(cloud.ecr.registryHost)/fn:latest", expect: [{path: $.MemorySize, equals: 128}]}
          - {kind: lambda.invoke, id: cold, FunctionName: fn, Payload: {body: '{"text": "좋은 영화"}'}, expect: [{path: $.ColdStart, equals: true}, {path: $.PayloadBody.predicted_label, regex: "^(Pos|Neg)$"}]}
          - {kind: lambda.invoke, id: warm, FunctionName: fn, Payload: {body: '{"text": "좋은 영화"}'}, expect: [{path: $.ColdStart, equals: false}]}
          - {kind: lambda.invoke, id: event, FunctionName: fn, InvocationType: Event, Payload: {body: '{"text": "좋은 영화"}'}, expect: [{path: $.StatusCode, equals: 202}]}
          - {kind: sagemaker.delete_endpoint, id: delete, EndpointName: nsmc}
          - {kind: sagemaker.wait, id: gone, Waiter: endpoint_deleted, EndpointName: nsmc, expect: [{path: $.Deleted, equals: true}]}
          - {kind: sagemaker.simulate_model_latency, id: latency, EndpointName: nsmc, Seconds: 2}
          - kind: sagemaker.create_model
            id: typo
            always: true
            ModelName: typo
            PrimaryContainer: {Imagee: "763104351884.dkr.ecr.eu-west-1.amazonaws.com/pytorch-inference:1.8.1-cpu-py36"}
        """, remote: server)
        let failures = records.map { $0.failure ?? "passed" }
        XCTAssertEqual(failures.filter { $0 != "passed" }.count, 2, failures.joined(separator: "\n"))
        XCTAssertEqual(records.map(\.status).suffix(2), [.failed, .failed])

        XCTAssertEqual(server.calls, [
            "s3.HeadBucket", "s3.CreateBucket", "s3.PutObject",
            "sagemaker.CreateModel", "sagemaker.CreateEndpointConfig", "sagemaker.CreateEndpoint",
            "sagemaker.DescribeEndpoint",
            "sagemaker-runtime.InvokeEndpoint", "sagemaker.DescribeEndpoint", "sagemaker.DescribeEndpointConfig", "sagemaker.DescribeModel",
            "sagemaker.DescribeEndpoint",
            "lambda.CreateFunction",
            "lambda.Invoke", "lambda.GetFunction", "lambda.Invoke", "lambda.GetFunction", "lambda.Invoke", "lambda.GetFunction",
            "sagemaker.DeleteEndpoint", "sagemaker.DescribeEndpoint",
            "sagemaker.CreateModel",
        ])
        // The upload landed on the server, in a bucket made in the caller's region.
        XCTAssertNoThrow(try cloud.s3.headObject(bucket: "remote-models", key: "nsmc/model.tar.gz"))
        // The weights trail endpoint → config → model → ModelDataUrl was read from the server.
        let invoke = records[5]
        XCTAssertTrue(invoke.blocks.contains { if case let .weights(note) = $0 { note.model == "nsmc-tiny" } else { false } },
                      "\(invoke.blocks)")
        // Cold and warm are told by the log tail's REPORT line; an Event call has none to read.
        XCTAssertNotNil(records[8].output?["InitDurationSeconds"]?.double)
        XCTAssertNil(records[9].output?["InitDurationSeconds"])
        XCTAssertNil(records[10].output?["ColdStart"])
        // Nothing moved the embedded account's clock.
        XCTAssertEqual(records.map(\.simulatedSeconds).max(), 0)
        XCTAssertTrue(failures[13].contains("sagemaker.simulate_model_latency needs the embedded cloud")
                      && failures[13].contains("http://fast-server.test"), failures[13])
        // A misspelt member is refused by botocore's check, naming the step and the members it takes.
        XCTAssertTrue(failures[14].contains("step 'typo' (sagemaker.create_model): ParamValidationError"), failures[14])
        XCTAssertTrue(failures[14].contains("Unknown parameter in PrimaryContainer: \"Imagee\", must be one of: "), failures[14])
    }

    func testWaitersFailAsBotocoresDoAndPollEveryThirtySimulatedSeconds() async throws {
        let records = try await run("""
        id: waiters
        title: Waiters
        steps:
          - {kind: model.package, id: package, model: "fixture:nsmc-tiny", program: nsmc, upload: "s3://waiter-lab/nsmc/model.tar.gz"}
          - kind: sagemaker.create_model
            id: model
            ModelName: broken
            PrimaryContainer: {Image: "763104351884.dkr.ecr.ap-northeast-2.amazonaws.com/pytorch-inference:1.8.1-cpu-py36", ModelDataUrl: "${steps.package.ModelDataUrl}", Environment: {SAGEMAKER_PROGRAM: ehco}}
          - {kind: sagemaker.create_endpoint_config, id: config, EndpointConfigName: broken, ProductionVariants: [{VariantName: v, ModelName: broken, InitialInstanceCount: 1, InstanceType: ml.c5.xlarge}]}
          - {kind: sagemaker.create_endpoint, id: endpoint, EndpointName: broken, EndpointConfigName: broken}
          - {kind: sagemaker.wait, id: fails, Waiter: endpoint_in_service, EndpointName: broken}
          - {kind: sagemaker.describe_endpoint, id: describe, always: true, EndpointName: broken, expect: [{path: $.EndpointStatus, equals: Failed}]}
          - {kind: sagemaker.delete_endpoint, id: delete, always: true, EndpointName: broken}
          - {kind: sagemaker.wait, id: gone, always: true, Waiter: endpoint_deleted, EndpointName: broken, expect: [{path: $.Deleted, equals: true}]}
          - {kind: sagemaker.wait, id: ghost, always: true, Waiter: endpoint_in_service, EndpointName: ghost}
        """)
        let failures = records.map { $0.failure ?? "passed" }
        XCTAssertEqual(records.map(\.status), [.passed, .passed, .passed, .passed, .failed, .passed, .passed, .passed, .failed],
                       failures.joined(separator: "\n"))
        XCTAssertTrue(failures[4].contains("step 'fails' (sagemaker.wait): Waiter EndpointInService failed: Waiter encountered a terminal failure state: For expression \"EndpointStatus\" we matched expected path: \"Failed\". The endpoint's FailureReason: "), failures[4])
        XCTAssertTrue(failures[4].contains("did not pass the ping health check"), failures[4])
        XCTAssertTrue(records[7].output?["WaitedSeconds"]?.double.map { $0 > 0 && $0.truncatingRemainder(dividingBy: 30) == 0 } == true,
                      "\(String(describing: records[7].output))")
        XCTAssertTrue(failures[8].hasSuffix("Waiter EndpointInService failed: Waiter encountered a terminal failure state: Matched expected service error code: ValidationException"), failures[8])
    }

    func testColdStartIsReadFromTheLogTailsReportLine() {
        let cold = "START RequestId: 1 Version: $LATEST\nEND RequestId: 1\nREPORT RequestId: 1\tDuration: 0.52 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 35 MB\tInit Duration: 130.19 ms\t\n"
        let report = InvokeFunctionStep.report(Data(cold.utf8).base64EncodedString())
        XCTAssertEqual(report?.duration, 0.00052)
        XCTAssertEqual(report?.initDuration, 0.13019)
        let warm = "REPORT RequestId: 2\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\n"
        XCTAssertEqual(InvokeFunctionStep.report(Data(warm.utf8).base64EncodedString())?.duration, 0.01234)
        XCTAssertNil(InvokeFunctionStep.report(Data(warm.utf8).base64EncodedString())?.initDuration)
        XCTAssertNil(InvokeFunctionStep.report("not base64"))
    }
}
