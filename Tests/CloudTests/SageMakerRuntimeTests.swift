// InvokeEndpoint: routing, Direct and Serial multi-container models, ModelError, metrics,
// the result cache, serverless cold starts and throttling. Statuses from botocore's
// sagemaker-runtime/2017-05-13/service-2.json (ValidationError 400, ModelError 424).
import XCTest
import Serving
@testable import Cloud

final class SageMakerRuntimeTests: XCTestCase {
    private func multiContainer(_ f: SageMakerFixture, mode: InferenceExecutionMode?) throws {
        try f.deploy("mc", model: CreateModelInput(
            modelName: "mc", containers: [f.container("upper", host: "modelA"), f.container("echo", host: "modelB")],
            inferenceExecutionConfig: mode.map(InferenceExecutionConfig.init), executionRoleArn: SageMakerFixture.role))
    }

    func testValidationErrors() throws {
        let f = try SageMakerFixture()
        try multiContainer(f, mode: .direct)
        try f.deploy("serial", model: CreateModelInput(
            modelName: "serial", containers: [f.container("upper", host: "a"), f.container("echo", host: "b")]))
        try f.deploy("creating", wait: false)
        let cases: [(String, String, InvokeEndpointInput)] = [
            ("6 MB limit", "Value '[6291457 bytes]' at 'body' failed to satisfy constraint: Member must have length less than or equal to 6291456",
             InvokeEndpointInput(endpointName: "mc", body: Data(count: 6_291_457), targetContainerHostname: "modelA")),
            ("missing endpoint", "Endpoint nope of account 123456789012 not found.",
             InvokeEndpointInput(endpointName: "nope", body: Data("x".utf8))),
            ("not in service", "Endpoint creating of account 123456789012 not found.",
             InvokeEndpointInput(endpointName: "creating", body: Data("x".utf8))),
            ("direct without host", "is configured for direct invocation; specify TargetContainerHostname",
             InvokeEndpointInput(endpointName: "mc", body: Data("x".utf8))),
            ("unknown host", "TargetContainerHostname modelC does not exist in endpoint mc",
             InvokeEndpointInput(endpointName: "mc", body: Data("x".utf8), targetContainerHostname: "modelC")),
            ("host on serial endpoint", "is not configured for direct invocation",
             InvokeEndpointInput(endpointName: "serial", body: Data("x".utf8), targetContainerHostname: "a")),
            ("unknown variant", "Variant Blue not found for endpoint serial",
             InvokeEndpointInput(endpointName: "serial", body: Data("x".utf8), targetVariant: "Blue")),
            ("host pattern", "at 'targetContainerHostname' failed to satisfy constraint",
             InvokeEndpointInput(endpointName: "mc", body: Data("x".utf8), targetContainerHostname: "model_a")),
            // botocore: Header and CustomAttributesHeader \p{ASCII}*, InferenceId \A\S[\p{Print}]*\z.
            ("content type outside ASCII", "at 'contentType' failed to satisfy constraint: Member must satisfy regular expression pattern: \\p{ASCII}*",
             InvokeEndpointInput(endpointName: "serial", body: Data("x".utf8), contentType: "text/plain; charset=ü")),
            ("accept outside ASCII", "at 'accept' failed to satisfy constraint",
             InvokeEndpointInput(endpointName: "serial", body: Data("x".utf8), accept: "application/json™")),
            ("custom attributes outside ASCII", "at 'customAttributes' failed to satisfy constraint",
             InvokeEndpointInput(endpointName: "serial", body: Data("x".utf8), customAttributes: "trace=추적")),
            ("inference id starting with a space", "at 'inferenceId' failed to satisfy constraint: Member must satisfy regular expression pattern: \\A\\S[\\p{Print}]*\\z",
             InvokeEndpointInput(endpointName: "serial", body: Data("x".utf8), inferenceId: " id")),
            ("inference id with a tab", "at 'inferenceId'",
             InvokeEndpointInput(endpointName: "serial", body: Data("x".utf8), inferenceId: "a\tb")),
        ]
        for (label, message, input) in cases {
            assertAWSError("ValidationError", 400, message, label) { _ = try f.runtime.invokeEndpoint(input) }
        }
        let accepted = try f.runtime.invokeEndpoint(InvokeEndpointInput(
            endpointName: "serial", body: Data("x".utf8), contentType: "text/plain", customAttributes: "trace=1",
            inferenceId: "job 1/part-2 (retry)"))
        XCTAssertEqual(String(decoding: accepted.body, as: UTF8.self), "X", "printable ASCII with spaces is a valid InferenceId")
    }

    func testDirectAndSerialInvocation() throws {
        let f = try SageMakerFixture()
        try multiContainer(f, mode: .direct)
        let a = try f.runtime.invokeEndpoint(InvokeEndpointInput(
            endpointName: "mc", body: Data("hello".utf8), contentType: "text/plain", targetContainerHostname: "modelA"))
        XCTAssertEqual(String(decoding: a.body, as: UTF8.self), "HELLO")
        XCTAssertEqual(a.invokedProductionVariant, "AllTraffic")
        let b = try f.runtime.invokeEndpoint(InvokeEndpointInput(
            endpointName: "mc", body: Data("hello".utf8), contentType: "application/jsonlines", targetContainerHostname: "modelB"))
        XCTAssertEqual(String(decoding: b.body, as: UTF8.self), "hello")
        XCTAssertEqual(b.contentType, "application/jsonlines")

        let g = try SageMakerFixture()
        try multiContainer(g, mode: nil)  // Serial is the default
        XCTAssertEqual(try g.sagemaker.describeModel(modelName: "mc").inferenceExecutionConfig?.mode, .serial)
        let piped = try g.runtime.invokeEndpoint(InvokeEndpointInput(endpointName: "mc", body: Data("hi".utf8)))
        // upper then echo: echo sees upper's output and content type.
        XCTAssertEqual(String(decoding: piped.body, as: UTF8.self), "HI")
        XCTAssertEqual(piped.contentType, "text/plain")
        XCTAssertEqual(g.counter.count("invoke:echo"), 1)
    }

    func testEachInstanceLoadsEachContainerOnce() throws {
        let f = try SageMakerFixture()
        try f.deploy("mc", model: CreateModelInput(
            modelName: "mc", containers: [f.container("echo", host: "a"), f.container("echo", host: "b")],
            inferenceExecutionConfig: InferenceExecutionConfig(mode: .direct)),
            variant: ProductionVariant(variantName: "AllTraffic", modelName: "mc", initialInstanceCount: 3, instanceType: "ml.c5.xlarge"))
        XCTAssertEqual(f.counter.count("load:echo"), 6, "2 containers x 3 instances")
        for i in 0..<6 {
            _ = try f.runtime.invokeEndpoint(InvokeEndpointInput(endpointName: "mc", body: Data("\(i)".utf8), targetContainerHostname: "b"))
        }
        XCTAssertEqual(f.counter.count("load:echo"), 6, "requests never reload a model")
    }

    func testWeightedVariantsSplitTraffic() throws {
        let f = try SageMakerFixture()
        try f.sagemaker.createModel(CreateModelInput(modelName: "m", primaryContainer: f.container("echo")))
        try f.sagemaker.createEndpointConfig(CreateEndpointConfigInput(endpointConfigName: "ab", productionVariants: [
            ProductionVariant(variantName: "Blue", modelName: "m", initialInstanceCount: 1, instanceType: "ml.m5.large", initialVariantWeight: 1),
            ProductionVariant(variantName: "Green", modelName: "m", initialInstanceCount: 1, instanceType: "ml.m5.large", initialVariantWeight: 3),
        ]))
        try f.sagemaker.createEndpoint(endpointName: "ab", endpointConfigName: "ab")
        try f.sagemaker.waitUntilEndpointInService(endpointName: "ab")
        var green = 0
        for i in 0..<200 {
            let output = try f.runtime.invokeEndpoint(InvokeEndpointInput(endpointName: "ab", body: Data("\(i)".utf8)))
            if output.invokedProductionVariant == "Green" { green += 1 }
        }
        XCTAssertEqual(Double(green) / 200, 0.75, accuracy: 0.05, "weights 1:3")
        let pinned = try f.runtime.invokeEndpoint(InvokeEndpointInput(endpointName: "ab", body: Data("x".utf8), targetVariant: "Blue"))
        XCTAssertEqual(pinned.invokedProductionVariant, "Blue")
    }

    func testModelErrorCarriesOriginalStatus() throws {
        let f = try SageMakerFixture()
        try f.deploy("bad", model: CreateModelInput(modelName: "bad", primaryContainer: f.container("fail")))
        do {
            _ = try f.runtime.invokeEndpoint(InvokeEndpointInput(endpointName: "bad", body: Data("{}".utf8)))
            XCTFail("expected ModelError")
        } catch let error as AWSError {
            XCTAssertEqual(error.code, "ModelError")
            XCTAssertEqual(error.httpStatus, 424)
            XCTAssertEqual(error.fields["OriginalStatusCode"], "400")
            XCTAssertEqual(error.fields["OriginalMessage"], "expected JSON lines")
            XCTAssertEqual(error.fields["LogStreamArn"], "arn:aws:logs:ap-northeast-2:123456789012:log-group:/aws/sagemaker/Endpoints/bad")
            XCTAssertTrue(error.message.hasPrefix("Received client error (400) from primary with message \"expected JSON lines\"."), error.message)
        }
        let errors = try metric(f, "bad", "Invocation4XXErrors", .sum)
        XCTAssertEqual(errors, 1)
    }

    func testMetricsCacheAndClock() throws {
        let f = try SageMakerFixture()
        try f.deploy("ep")
        let before = f.cloud.clock.now
        for _ in 0..<3 {
            let out = try f.runtime.invokeEndpoint(InvokeEndpointInput(endpointName: "ep", body: Data("same".utf8)))
            XCTAssertEqual(String(decoding: out.body, as: UTF8.self), "same")
        }
        _ = try f.runtime.invokeEndpoint(InvokeEndpointInput(endpointName: "ep", body: Data("other".utf8)))
        XCTAssertEqual(f.counter.count("invoke:echo"), 2, "identical requests reuse the cached result")
        XCTAssertGreaterThan(f.cloud.clock.now, before, "each request advances the clock by its latency")
        XCTAssertEqual(try metric(f, "ep", "Invocations", .sum), 4, "the timeline still counts every request")
        XCTAssertEqual(try metric(f, "ep", "ModelLatency", .sampleCount), 4)
        XCTAssertEqual(try metric(f, "ep", "Invocation5XXErrors", .sum), 0)
        f.cloud.clock.advance(by: 120)
        XCTAssertEqual(try metric(f, "ep", "InstanceCount", .maximum), 1)
    }

    func testServerlessColdStartAndIdle() throws {
        let f = try SageMakerFixture()
        f.sagemaker.timing.serverlessColdStart = 8
        f.sagemaker.timing.serverlessIdleTimeout = 600
        try f.deploy("sls", variant: ProductionVariant(
            variantName: "AllTraffic", modelName: "sls",
            serverlessConfig: ProductionVariantServerlessConfig(memorySizeInMB: 2048, maxConcurrency: 2)))
        XCTAssertEqual(f.counter.count("load:echo"), 0, "nothing loads before the first request")
        let described = try f.sagemaker.describeEndpoint(endpointName: "sls")
        XCTAssertNil(described.productionVariants.first?.currentInstanceCount)
        XCTAssertEqual(described.productionVariants.first?.currentServerlessConfig?.maxConcurrency, 2)

        var t = f.cloud.clock.now
        _ = try f.runtime.invokeEndpoint(InvokeEndpointInput(endpointName: "sls", body: Data("1".utf8)))
        XCTAssertGreaterThanOrEqual(f.cloud.clock.now.timeIntervalSince(t), 8, "cold start")
        t = f.cloud.clock.now
        _ = try f.runtime.invokeEndpoint(InvokeEndpointInput(endpointName: "sls", body: Data("2".utf8)))
        XCTAssertLessThan(f.cloud.clock.now.timeIntervalSince(t), 8, "warm")
        XCTAssertEqual(f.counter.count("load:echo"), 1)
        f.cloud.clock.advance(by: 601)
        _ = try f.runtime.invokeEndpoint(InvokeEndpointInput(endpointName: "sls", body: Data("3".utf8)))
        XCTAssertEqual(f.counter.count("load:echo"), 2, "a worker idle past the timeout is released")
        XCTAssertEqual(try metric(f, "sls", "ModelSetupTime", .sampleCount, window: 3600), 2)
    }

    func testServerlessThrottlesBeyondMaxConcurrency() throws {
        let f = try SageMakerFixture()
        try f.deploy("sls", model: CreateModelInput(modelName: "sls", primaryContainer: f.container("gated")),
                     variant: ProductionVariant(variantName: "AllTraffic", modelName: "sls",
                                                serverlessConfig: ProductionVariantServerlessConfig(memorySizeInMB: 1024, maxConcurrency: 1)))
        let done = expectation(description: "first request")
        let runtime = f.runtime
        DispatchQueue.global().async {
            do { _ = try runtime.invokeEndpoint(InvokeEndpointInput(endpointName: "sls", body: Data("a".utf8))) } catch {
                XCTFail("the request holding the only slot failed: \(error)")
            }
            done.fulfill()
        }
        XCTAssertEqual(f.gate.entered.wait(timeout: .now() + 10), .success)
        assertAWSError("ThrottlingException", 400, "The request was denied due to request throttling.") {
            _ = try f.runtime.invokeEndpoint(InvokeEndpointInput(endpointName: "sls", body: Data("b".utf8)))
        }
        f.gate.release.signal()
        wait(for: [done], timeout: 10)
    }

    func testServerlessColdStartFailureIsServiceUnavailable() throws {
        let f = try SageMakerFixture()
        try f.deploy("sls", model: CreateModelInput(modelName: "sls", primaryContainer: f.container("broken")),
                     variant: ProductionVariant(variantName: "AllTraffic", modelName: "sls",
                                                serverlessConfig: ProductionVariantServerlessConfig(memorySizeInMB: 1024, maxConcurrency: 1)))
        // ServiceUnavailable: 503 in botocore's sagemaker-runtime model.
        assertAWSError("ServiceUnavailable", 503, "did not pass the ping health check") {
            _ = try f.runtime.invokeEndpoint(InvokeEndpointInput(endpointName: "sls", body: Data("a".utf8)))
        }
        XCTAssertTrue(try f.sagemaker.endpointLogs(endpointName: "sls").joined().contains("weights missing"))
        // The failed start gave its slot back: the next call fails the same way, not throttled.
        assertAWSError("ServiceUnavailable", 503) {
            _ = try f.runtime.invokeEndpoint(InvokeEndpointInput(endpointName: "sls", body: Data("b".utf8)))
        }
    }

    /// The statistic of an AWS/SageMaker metric for the endpoint's variant over the last `window` seconds.
    private func metric(_ f: SageMakerFixture, _ endpoint: String, _ name: String, _ statistic: Statistic,
                        window: TimeInterval = 600) throws -> Double? {
        let now = f.cloud.clock.now
        let output = try f.cloud.cloudWatch.getMetricStatistics(
            namespace: "AWS/SageMaker", metricName: name,
            dimensions: [MetricDimension(name: "EndpointName", value: endpoint), MetricDimension(name: "VariantName", value: "AllTraffic")],
            startTime: now.addingTimeInterval(-window), endTime: now.addingTimeInterval(1), period: Int(window) + 60,
            statistics: [statistic])
        let values = output.datapoints.compactMap { point -> Double? in
            switch statistic {
            case .sum: return point.sum
            case .sampleCount: return point.sampleCount
            case .maximum: return point.maximum
            case .minimum: return point.minimum
            case .average: return point.average
            }
        }
        if values.isEmpty { return nil }
        return statistic == .maximum ? values.max() : values.reduce(0, +)
    }
}
