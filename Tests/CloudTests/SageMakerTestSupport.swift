// Test doubles and a fresh cloud for the SageMaker tests. The handlers here are trivial
// on purpose: the tests are about the service around them.
import Foundation
import XCTest
import Serving
@testable import Cloud

final class SageMakerFixture {
    /// Counts model loads and calls, so tests can see what ran.
    final class CallCounter: @unchecked Sendable {
        private let lock = NSLock()
        private var values: [String: Int] = [:]
        func bump(_ key: String) { lock.withLock { values[key, default: 0] += 1 } }
        func count(_ key: String) -> Int { lock.withLock { values[key] ?? 0 } }
    }

    /// Echoes the body and its content type.
    struct EchoHandler: InferenceHandler {
        var tag: String
        var counter: CallCounter
        func invoke(body: Data, contentType: String, accept: String) throws -> InvocationResponse {
            counter.bump("invoke:\(tag)")
            return InvocationResponse(body: body, contentType: contentType)
        }
    }

    struct UppercaseHandler: InferenceHandler {
        func invoke(body: Data, contentType: String, accept: String) throws -> InvocationResponse {
            InvocationResponse(body: Data(String(decoding: body, as: UTF8.self).uppercased().utf8), contentType: "text/plain")
        }
    }

    /// Reads `greeting.txt` from the unpacked model directory and prefixes it to every body.
    struct GreetingHandler: InferenceHandler {
        var greeting: String
        func invoke(body: Data, contentType: String, accept: String) throws -> InvocationResponse {
            InvocationResponse(body: Data((greeting + String(decoding: body, as: UTF8.self)).utf8), contentType: "text/plain")
        }
    }

    struct FailingHandler: InferenceHandler {
        func invoke(body: Data, contentType: String, accept: String) throws -> InvocationResponse {
            throw HandlerError.badInput("expected JSON lines")
        }
    }

    /// Fails as its input says: `client` (400), `server` (500), `oom` (an error that is not
    /// a HandlerError, as the inference budget throws); anything else echoes.
    struct FlakyHandler: InferenceHandler {
        struct OutOfMemory: Error, CustomStringConvertible {
            var description: String { "the input needs 9.1 GB of feature maps; the budget is 2 GB" }
        }

        func invoke(body: Data, contentType: String, accept: String) throws -> InvocationResponse {
            switch String(decoding: body, as: UTF8.self) {
            case "client": throw HandlerError.badInput("cannot parse the request")
            case "server": throw HandlerError.internalError("the model crashed")
            case "oom": throw OutOfMemory()
            default: return InvocationResponse(body: body, contentType: "application/json")
            }
        }
    }

    /// Blocks every call until the test opens the gate: lets a test hold requests in flight.
    final class Gate: @unchecked Sendable {
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
    }

    struct GatedHandler: InferenceHandler {
        var gate: Gate
        func invoke(body: Data, contentType: String, accept: String) throws -> InvocationResponse {
            gate.entered.signal()
            gate.release.wait()
            return InvocationResponse(body: body, contentType: contentType)
        }
    }

    let directory: URL
    let cloud: CloudEnvironment
    let counter: CallCounter
    let gate = Gate()
    static let role = "arn:aws:iam::123456789012:role/SageMakerRole"
    static let bucket = "lab-bucket"

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("sagemaker-tests-\(UUID().uuidString)")
        let counter = CallCounter()
        self.counter = counter
        let gate = self.gate
        var registry = HandlerRegistry()
        registry.register(model: "echo", summary: "echo") { _ in counter.bump("load:echo"); return EchoHandler(tag: "echo", counter: counter) }
        registry.register(model: "upper", summary: "uppercase") { _ in UppercaseHandler() }
        registry.register(model: "fail", summary: "always fails") { _ in FailingHandler() }
        registry.register(model: "flaky", summary: "fails as its input says") { _ in FlakyHandler() }
        registry.register(model: "gated", summary: "blocks") { _ in GatedHandler(gate: gate) }
        registry.register(model: "broken", summary: "cannot load") { _ in throw HandlerError.internalError("weights missing") }
        registry.register(model: "once", summary: "loads on the first instance only") { _ in
            counter.bump("load:once")
            guard counter.count("load:once") == 1 else { throw HandlerError.internalError("out of memory") }
            return UppercaseHandler()
        }
        registry.register(model: "greeting", summary: "reads greeting.txt") { dir in
            let text = try String(contentsOf: dir.appendingPathComponent("greeting.txt"), encoding: .utf8)
            return GreetingHandler(greeting: text)
        }
        cloud = try CloudEnvironment(stateDirectory: directory, registry: registry)
        try cloud.s3.createBucket(Self.bucket)
        // CreateModel checks that SageMaker may assume the execution role.
        try cloud.iam.createRole(roleName: "SageMakerRole", assumeRolePolicyDocument: iamTrustPolicy(for: "sagemaker.amazonaws.com"))
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    var sagemaker: SageMaker { cloud.sagemaker }
    var runtime: SageMakerRuntime { cloud.sagemakerRuntime }

    func container(_ handler: String, host: String? = nil, url: String? = nil) -> ContainerDefinition {
        ContainerDefinition(containerHostname: host, image: "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/serve:1",
                            modelDataUrl: url, environment: ["SAGEMAKER_PROGRAM": handler])
    }

    /// Model, config and endpoint, waited into service.
    @discardableResult
    func deploy(_ name: String, model: CreateModelInput? = nil, variant: ProductionVariant? = nil,
                async: AsyncInferenceConfig? = nil, wait: Bool = true) throws -> DescribeEndpointOutput? {
        try sagemaker.createModel(model ?? CreateModelInput(modelName: name, primaryContainer: container("echo"),
                                                            executionRoleArn: Self.role))
        let modelName = model?.modelName ?? name
        try sagemaker.createEndpointConfig(CreateEndpointConfigInput(
            endpointConfigName: name,
            productionVariants: [variant ?? ProductionVariant(variantName: "AllTraffic", modelName: modelName,
                                                              initialInstanceCount: 1, instanceType: "ml.c5.xlarge")],
            asyncInferenceConfig: async))
        try sagemaker.createEndpoint(endpointName: name, endpointConfigName: name)
        return wait ? try sagemaker.waitUntilEndpointInService(endpointName: name) : nil
    }
}

/// Asserts that `body` throws an AWSError with this code and HTTP status, and that the
/// message contains `message`.
func assertAWSError(_ code: String, _ status: Int, _ message: String = "", _ label: String = "",
                    file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Void) {
    do {
        try body()
        XCTFail("\(label): expected \(code), nothing was thrown", file: file, line: line)
    } catch let error as AWSError {
        XCTAssertEqual(error.code, code, "\(label): \(error.message)", file: file, line: line)
        XCTAssertEqual(error.httpStatus, status, "\(label)", file: file, line: line)
        if !message.isEmpty {
            XCTAssertTrue(error.message.contains(message), "\(label): '\(error.message)' lacks '\(message)'", file: file, line: line)
        }
    } catch {
        XCTFail("\(label): expected AWSError \(code), got \(error)", file: file, line: line)
    }
}
