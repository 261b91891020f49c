import Foundation
import Serving
import XCTest
@testable import Cloud

/// Echoes the event with a greeting read from the image directory at load time.
private struct GreetingFunction: LambdaFunctionHandler {
    var greeting: String
    func handle(event: Data, context: LambdaContext) throws -> Data {
        let parsed = try JSONSerialization.jsonObject(with: event, options: [.fragmentsAllowed])
        let reply: [String: Any] = ["greeting": greeting, "event": parsed, "memory": context.memoryLimitInMB]
        return try JSONSerialization.data(withJSONObject: reply, options: [.sortedKeys])
    }
}

private struct ThrowingFunction: LambdaFunctionHandler {
    func handle(event: Data, context: LambdaContext) throws -> Data { throw HandlerError.badInput("event has no 'image'") }
}

private struct SlowFunction: LambdaFunctionHandler {
    func handle(event: Data, context: LambdaContext) throws -> Data {
        Thread.sleep(forTimeInterval: 1.05)
        return Data("{}".utf8)
    }
}

/// Answers a JSON string whose encoding is exactly the event's "size" bytes long.
private struct SizedFunction: LambdaFunctionHandler {
    func handle(event: Data, context: LambdaContext) throws -> Data {
        let size = (try JSONSerialization.jsonObject(with: event) as? [String: Int])?["size"] ?? 2
        return Data("\"".utf8) + Data(repeating: UInt8(ascii: "a"), count: size - 2) + Data("\"".utf8)
    }
}

private struct RawBytesFunction: LambdaFunctionHandler {
    func handle(event: Data, context: LambdaContext) throws -> Data { Data([0xff, 0x00]) }
}

private final class LoadCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func increment() { lock.withLock { value += 1 } }
    var count: Int { lock.withLock { value } }
}

final class LambdaTests: XCTestCase {
    private struct Fixture {
        var clock: VirtualClock
        var lambda: Lambda
        var cloudWatch: CloudWatch
        var roleArn: String
        var imageUri: String
        var loads: LoadCounter
        var ecr: ECR
        var iam: IAM
    }

    private func makeFixture(pullPolicy policy: String? = ecrPullPolicy(for: "lambda.amazonaws.com")) throws -> Fixture {
        let account = Account(), clock = VirtualClock()
        let loads = LoadCounter()
        var registry = HandlerRegistry()
        registry.register(function: "greeter") { directory in
            loads.increment()
            let text = try String(contentsOf: directory.appendingPathComponent("greeting.txt"), encoding: .utf8)
            return GreetingFunction(greeting: text)
        }
        registry.register(function: "thrower") { _ in ThrowingFunction() }
        registry.register(function: "sleeper") { _ in SlowFunction() }
        registry.register(function: "raw") { _ in RawBytesFunction() }
        registry.register(function: "sized") { _ in SizedFunction() }
        let iam = IAM(account: account, clock: clock)
        let ecr = ECR(account: account, clock: clock)
        let cloudWatch = CloudWatch(account: account, clock: clock)
        let role = try iam.createRole(roleName: "lambda-exec", assumeRolePolicyDocument: iamTrustPolicy(for: "lambda.amazonaws.com"))
        let repository = try ecr.createRepository(repositoryName: "functions")
        if let policy { try ecr.setRepositoryPolicy(repositoryName: "functions", policyText: policy) }
        let directory = try makeTemporaryDirectory(self)
        try Data("안녕".utf8).write(to: directory.appendingPathComponent("greeting.txt"))
        for handler in ["greeter", "thrower", "sleeper", "raw", "sized", "missing-handler"] {
            try ecr.putImage(repositoryName: "functions", tag: handler, manifest: ImageManifest(entryPoint: handler, directory: directory))
        }
        let lambda = Lambda(account: account, clock: clock, iam: iam, ecr: ecr, registry: registry, cloudWatch: cloudWatch,
                            timing: Lambda.Timing(containerStart: 0.8, idleTimeout: 600))
        return Fixture(clock: clock, lambda: lambda, cloudWatch: cloudWatch, roleArn: role.arn,
                       imageUri: repository.repositoryUri, loads: loads, ecr: ecr, iam: iam)
    }

    private func create(_ fixture: Fixture, _ name: String, handler: String, timeout: Int = 50) throws {
        try fixture.lambda.createFunction(CreateFunctionInput(
            functionName: name, role: fixture.roleArn, code: FunctionCode(imageUri: "\(fixture.imageUri):\(handler)"),
            memorySize: 2048, timeout: timeout))
    }

    private func json(_ data: Data) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func testColdThenWarmThenColdAfterIdle() throws {
        let fixture = try makeFixture()
        try create(fixture, "yolo", handler: "greeter")
        let start = fixture.clock.now
        let first = try fixture.lambda.invoke(functionName: "yolo", payload: Data(#"{"body": "x"}"#.utf8), logType: .tail)
        XCTAssertEqual(first.statusCode, 200)
        XCTAssertNil(first.functionError)
        XCTAssertTrue(first.coldStart)
        let initDuration = try XCTUnwrap(first.initDuration)
        XCTAssertGreaterThanOrEqual(initDuration, 0.8, "container start is simulated time")
        XCTAssertGreaterThanOrEqual(fixture.clock.now.timeIntervalSince(start), initDuration, "init moved the virtual clock")
        let reply = try json(first.payload)
        XCTAssertEqual(reply["greeting"] as? String, "안녕")
        XCTAssertEqual(reply["memory"] as? Int, 2048)
        let log = String(decoding: try XCTUnwrap(Data(base64Encoded: try XCTUnwrap(first.logResult))), as: UTF8.self)
        XCTAssertTrue(log.contains("REPORT RequestId: \(first.requestId)"))
        XCTAssertTrue(log.contains("Init Duration:"))

        let second = try fixture.lambda.invoke(functionName: "yolo")
        XCTAssertFalse(second.coldStart)
        XCTAssertNil(second.initDuration)
        XCTAssertEqual(fixture.loads.count, 1)

        fixture.clock.advance(by: 601)
        XCTAssertTrue(try fixture.lambda.invoke(functionName: "yolo").coldStart, "reclaimed after 10 idle minutes")
        XCTAssertEqual(fixture.loads.count, 2)
        XCTAssertEqual(fixture.lambda.invocations(functionName: "yolo").map(\.coldStart), [true, false, true])

        let invocations = try fixture.cloudWatch.getMetricStatistics(
            namespace: "AWS/Lambda", metricName: "Invocations", dimensions: [MetricDimension(name: "FunctionName", value: "yolo")],
            startTime: start, endTime: fixture.clock.now.addingTimeInterval(60), period: 3600, statistics: [.sum])
        XCTAssertEqual(invocations.datapoints.map(\.sum), [3])
    }

    func testFunctionErrorsComeBackAsUnhandledPayloads() throws {
        let fixture = try makeFixture()
        try create(fixture, "thrower", handler: "thrower")
        let thrown = try fixture.lambda.invoke(functionName: "thrower")
        XCTAssertEqual(thrown.statusCode, 200)
        XCTAssertEqual(thrown.functionError, "Unhandled")
        XCTAssertEqual(try json(thrown.payload)["errorMessage"] as? String, "event has no 'image'")
        XCTAssertEqual(try json(thrown.payload)["errorType"] as? String, "HandlerError")

        try create(fixture, "raw", handler: "raw")
        XCTAssertEqual(try json(try fixture.lambda.invoke(functionName: "raw").payload)["errorType"] as? String, "Runtime.MarshalError")

        try create(fixture, "nohandler", handler: "missing-handler")
        let missing = try fixture.lambda.invoke(functionName: "nohandler")
        XCTAssertEqual(missing.functionError, "Unhandled")
        XCTAssertEqual(try json(missing.payload)["errorType"] as? String, "Runtime.HandlerNotFound")
    }

    /// The one slow test (about 1 s of wall time): Timeout is at least 1 s.
    func testTimeoutIsReportedLikeLambda() throws {
        let fixture = try makeFixture()
        try create(fixture, "slow", handler: "sleeper", timeout: 1)
        let output = try fixture.lambda.invoke(functionName: "slow")
        XCTAssertEqual(output.functionError, "Unhandled")
        let message = try XCTUnwrap(try json(output.payload)["errorMessage"] as? String)
        XCTAssertTrue(message.hasSuffix("Task timed out after 1.00 seconds"), message)
        XCTAssertGreaterThan(output.duration, 1.0)
    }

    func testInvocationTypes() throws {
        let fixture = try makeFixture()
        try create(fixture, "yolo", handler: "greeter")
        XCTAssertEqual(try fixture.lambda.invoke(functionName: "yolo", invocationType: .dryRun).statusCode, 204)
        XCTAssertEqual(fixture.loads.count, 0, "DryRun runs nothing")
        let queued = try fixture.lambda.invoke(functionName: "yolo", invocationType: .event)
        XCTAssertEqual(queued.statusCode, 202)
        XCTAssertTrue(queued.payload.isEmpty)
        XCTAssertTrue(fixture.lambda.invocations(functionName: "yolo").isEmpty, "an Event runs when the clock moves")
        fixture.clock.advance(by: 1)
        XCTAssertEqual(fixture.lambda.invocations(functionName: "yolo").map(\.invocationType), [.event])
        let arn = try fixture.lambda.getFunction(functionName: "yolo").configuration.functionArn
        XCTAssertEqual(try fixture.lambda.invoke(functionName: arn).statusCode, 200, "FunctionName may be an ARN")
    }

    /// Every FunctionName form botocore's pattern allows names the same function; a
    /// qualifier other than $LATEST names a version or alias, which are not emulated.
    func testFunctionNameForms() throws {
        let fixture = try makeFixture()
        try create(fixture, "yolo", handler: "greeter")
        let arn = "arn:aws:lambda:ap-northeast-2:123456789012:function:yolo"
        for reference in ["yolo", "yolo:$LATEST", arn, arn + ":$LATEST", "123456789012:function:yolo",
                          "123456789012:function:yolo:$LATEST"] {
            XCTAssertEqual(try fixture.lambda.getFunction(functionName: reference).configuration.functionName, "yolo", reference)
        }
        for reference in [arn + ":prod", "yolo:3", "arn:aws:lambda:ap-northeast-2:123456789012:function:other"] {
            expectAWSError("ResourceNotFoundException", 404, reference) { try fixture.lambda.getFunction(functionName: reference) }
        }
    }

    /// Lambda's response limit (6,291,556 bytes) is 100 bytes above its request limit.
    func testResponseLimitIsSeparateFromTheRequestLimit() throws {
        let fixture = try makeFixture()
        try create(fixture, "sized", handler: "sized")
        let cases: [(Int, String?)] = [
            (Lambda.maxSynchronousPayloadBytes, nil), (Lambda.maxSynchronousPayloadBytes + 100, nil),
            (Lambda.maxSynchronousPayloadBytes + 101, "Function.ResponseSizeTooLarge"),
        ]
        for (size, errorType) in cases {
            let output = try fixture.lambda.invoke(functionName: "sized", payload: Data("{\"size\": \(size)}".utf8))
            if let errorType {
                XCTAssertEqual(try json(output.payload)["errorType"] as? String, errorType, "\(size)")
                XCTAssertTrue((try json(output.payload)["errorMessage"] as? String ?? "").contains("(6291556 bytes)"), "\(size)")
            } else {
                XCTAssertNil(output.functionError, "\(size) bytes")
                XCTAssertEqual(output.payload.count, size)
            }
        }
    }

    func testGetAndDeleteFunction() throws {
        let fixture = try makeFixture()
        try create(fixture, "yolo", handler: "greeter")
        let function = try fixture.lambda.getFunction(functionName: "yolo")
        XCTAssertEqual(function.configuration.functionArn, "arn:aws:lambda:ap-northeast-2:123456789012:function:yolo")
        XCTAssertEqual(function.configuration.memorySize, 2048)
        XCTAssertEqual(function.configuration.timeout, 50)
        XCTAssertEqual(function.configuration.state, "Active")
        XCTAssertEqual(function.code.repositoryType, "ECR")
        XCTAssertTrue(function.code.resolvedImageUri.contains("@sha256:"))
        try fixture.lambda.deleteFunction(functionName: "yolo")
        expectAWSError("ResourceNotFoundException", 404, "deleted") { try fixture.lambda.getFunction(functionName: "yolo") }
    }

    // Codes and statuses from botocore data/lambda/2015-03-31/service-2.json (InvalidParameterValue
    // Exception 400, ResourceConflictException 409, ResourceNotFoundException 404, RequestTooLarge
    // Exception 413, InvalidRequestContentException 400). ValidationException 400 and
    // AccessDeniedException 403 are not in the model; they are what Lambda answers.
    func testValidationErrors() throws {
        let fixture = try makeFixture()
        try create(fixture, "exists", handler: "greeter")
        func input(name: String = "fn", role: String? = nil, uri: String? = nil, memory: Int = 2048, timeout: Int = 50,
                   packageType: PackageType = .image) -> CreateFunctionInput {
            CreateFunctionInput(functionName: name, role: role ?? fixture.roleArn,
                                code: FunctionCode(imageUri: uri ?? "\(fixture.imageUri):greeter"),
                                packageType: packageType, memorySize: memory, timeout: timeout)
        }
        let lambda = fixture.lambda
        let unknownRole = "arn:aws:iam::123456789012:role/not-created"
        let cases: [(String, String, Int, () throws -> Void)] = [
            ("duplicate", "ResourceConflictException", 409, { try lambda.createFunction(input(name: "exists")) }),
            ("memory below 128", "ValidationException", 400, { try lambda.createFunction(input(memory: 127)) }),
            ("memory above 10240", "ValidationException", 400, { try lambda.createFunction(input(memory: 10241)) }),
            ("timeout zero", "ValidationException", 400, { try lambda.createFunction(input(timeout: 0)) }),
            ("timeout above 900", "ValidationException", 400, { try lambda.createFunction(input(timeout: 901)) }),
            ("bad function name", "ValidationException", 400, { try lambda.createFunction(input(name: "has space")) }),
            ("malformed role", "ValidationException", 400, { try lambda.createFunction(input(role: "lambda-exec")) }),
            ("unknown role", "InvalidParameterValueException", 400, { try lambda.createFunction(input(role: unknownRole)) }),
            ("zip package", "InvalidParameterValueException", 400, { try lambda.createFunction(input(packageType: .zip)) }),
            ("bad image uri", "InvalidParameterValueException", 400, { try lambda.createFunction(input(uri: "docker.io/yolo:latest")) }),
            ("missing tag", "InvalidParameterValueException", 400, { try lambda.createFunction(input(uri: "\(fixture.imageUri):nope")) }),
            ("missing repository", "InvalidParameterValueException", 400, {
                try lambda.createFunction(input(uri: "\(fixture.ecr.registryHost)/absent:latest")) }),
            ("invoke unknown", "ResourceNotFoundException", 404, { _ = try lambda.invoke(functionName: "absent") }),
            ("delete unknown", "ResourceNotFoundException", 404, { try lambda.deleteFunction(functionName: "absent") }),
            ("payload not JSON", "InvalidRequestContentException", 400, {
                _ = try lambda.invoke(functionName: "exists", payload: Data("{oops".utf8)) }),
            ("payload over 6 MB", "RequestTooLargeException", 413, {
                _ = try lambda.invoke(functionName: "exists", payload: Self.jsonString(bytes: Lambda.maxSynchronousPayloadBytes + 1)) }),
            ("event over 256 KB", "RequestTooLargeException", 413, {
                _ = try lambda.invoke(functionName: "exists", invocationType: .event,
                                      payload: Self.jsonString(bytes: Lambda.maxEventPayloadBytes + 1)) }),
        ]
        for (label, code, status, call) in cases {
            expectAWSError(code, status, label, call)
        }
        XCTAssertEqual(lambda.listFunctions().map(\.functionName), ["exists"], "no failed create left a function")
        XCTAssertEqual(try lambda.invoke(functionName: "exists", payload: Self.jsonString(bytes: Lambda.maxSynchronousPayloadBytes)).statusCode, 200)
    }

    func testRepositoryPolicyMustLetLambdaPull() throws {
        let fixture = try makeFixture(pullPolicy: nil)
        expectAWSError("AccessDeniedException", 403, "no repository policy") { try self.create(fixture, "yolo", handler: "greeter") }
        try fixture.ecr.setRepositoryPolicy(repositoryName: "functions", policyText: ecrPullPolicy(for: "sagemaker.amazonaws.com"))
        expectAWSError("AccessDeniedException", 403, "policy for another service") { try self.create(fixture, "yolo", handler: "greeter") }
        try fixture.ecr.setRepositoryPolicy(repositoryName: "functions", policyText: ecrPullPolicy(for: "lambda.amazonaws.com"))
        XCTAssertNoThrow(try create(fixture, "yolo", handler: "greeter"))
    }

    func testRoleMustTrustLambda() throws {
        let fixture = try makeFixture()
        let sageMakerOnly = try fixture.iam.createRole(roleName: "sagemaker-only",
                                                       assumeRolePolicyDocument: iamTrustPolicy(for: "sagemaker.amazonaws.com"))
        expectAWSError("InvalidParameterValueException", 400, "role Lambda cannot assume") {
            try fixture.lambda.createFunction(CreateFunctionInput(
                functionName: "f", role: sageMakerOnly.arn, code: FunctionCode(imageUri: "\(fixture.imageUri):greeter")))
        }
    }

    func testCloudEnvironmentWiresLambdaToItsPeers() throws {
        var registry = HandlerRegistry()
        registry.register(function: "echo") { _ in GreetingFunction(greeting: "hi") }
        let cloud = try CloudEnvironment(stateDirectory: try makeTemporaryDirectory(self), registry: registry)
        let role = try cloud.iam.createRole(roleName: "exec", assumeRolePolicyDocument: iamTrustPolicy(for: "lambda.amazonaws.com"))
        let repository = try cloud.ecr.createRepository(repositoryName: "echo")
        try cloud.ecr.setRepositoryPolicy(repositoryName: "echo", policyText: ecrPullPolicy(for: "lambda.amazonaws.com"))
        try cloud.ecr.putImage(repositoryName: "echo", tag: "latest",
                               manifest: ImageManifest(entryPoint: "echo", directory: try makeTemporaryDirectory(self)))
        try cloud.lambda.createFunction(CreateFunctionInput(functionName: "echo", role: role.arn,
                                                            code: FunctionCode(imageUri: repository.repositoryUri + ":latest")))
        let output = try cloud.lambda.invoke(functionName: "echo", payload: Data("[1]".utf8))
        XCTAssertEqual(try json(output.payload)["event"] as? [Int], [1])
        XCTAssertEqual(try cloud.cloudWatch.listMetrics(namespace: "AWS/Lambda").count, 3, "Invocations, Duration, Errors")
        XCTAssertEqual(cloud.sts.getCallerIdentity().account, cloud.account.id)
        XCTAssertEqual(try cloud.iam.getRole(roleName: cloud.sts.roleName).arn, cloud.executionRoleArn,
                       "the caller's role exists in IAM")
        XCTAssertTrue(cloud.iam.canBeAssumed(roleArn: cloud.executionRoleArn, byService: "sagemaker.amazonaws.com"))
    }

    /// A JSON string literal of exactly `bytes` bytes.
    private static func jsonString(bytes: Int) -> Data {
        Data("\"".utf8) + Data(repeating: UInt8(ascii: "a"), count: bytes - 2) + Data("\"".utf8)
    }
}
