// Endpoint lifecycle on the virtual clock, provisioning failures, and botocore's waiters
// (sagemaker/2017-07-24/waiters-2.json: delay 30 s; 120 attempts in service, 60 deleted).
import XCTest
import Serving
@testable import Cloud

final class SageMakerEndpointTests: XCTestCase {
    func testCreateWaitUpdateDelete() throws {
        let f = try SageMakerFixture()
        let start = f.cloud.clock.now
        f.sagemaker.timing.endpointCreation = 300
        try f.deploy("ep", wait: false)
        var described = try f.sagemaker.describeEndpoint(endpointName: "ep")
        XCTAssertEqual(described.endpointStatus, .creating)
        XCTAssertEqual(described.creationTime, start)
        XCTAssertEqual(described.endpointArn, "arn:aws:sagemaker:ap-northeast-2:123456789012:endpoint/ep")

        described = try f.sagemaker.waitUntilEndpointInService(endpointName: "ep")
        XCTAssertEqual(described.endpointStatus, .inService)
        // Polls at 0, 30, ..., 300 s: in service on the poll at exactly 300 s.
        XCTAssertEqual(f.cloud.clock.now.timeIntervalSince(start), 300, accuracy: 0.001)
        XCTAssertEqual(described.lastModifiedTime.timeIntervalSince(start), 300, accuracy: 0.001)
        XCTAssertEqual(described.productionVariants.first?.currentInstanceCount, 1)
        XCTAssertEqual(described.productionVariants.first?.desiredInstanceCount, 1)
        XCTAssertEqual(f.counter.count("load:echo"), 1, "model_fn runs once per instance")

        let listed = try f.sagemaker.listEndpoints(nameContains: "E")
        XCTAssertEqual(listed.items.map(\.endpointName), ["ep"])
        XCTAssertEqual(listed.items.first?.endpointStatus, .inService)

        try f.sagemaker.createEndpointConfig(CreateEndpointConfigInput(
            endpointConfigName: "ep-v2",
            productionVariants: [ProductionVariant(variantName: "AllTraffic", modelName: "ep", initialInstanceCount: 3,
                                                   instanceType: "ml.c5.xlarge")]))
        try f.sagemaker.updateEndpoint(endpointName: "ep", endpointConfigName: "ep-v2")
        XCTAssertEqual(try f.sagemaker.describeEndpoint(endpointName: "ep").endpointStatus, .updating)
        described = try f.sagemaker.waitUntilEndpointInService(endpointName: "ep")
        XCTAssertEqual(described.endpointConfigName, "ep-v2")
        XCTAssertEqual(described.productionVariants.first?.currentInstanceCount, 3)
        XCTAssertEqual(f.counter.count("load:echo"), 4, "three new instances load the model once each")

        try f.sagemaker.deleteEndpoint(endpointName: "ep")
        XCTAssertEqual(try f.sagemaker.describeEndpoint(endpointName: "ep").endpointStatus, .deleting)
        let before = f.cloud.clock.now
        try f.sagemaker.waitUntilEndpointDeleted(endpointName: "ep")
        XCTAssertEqual(f.cloud.clock.now.timeIntervalSince(before), 60, accuracy: 0.001)
        XCTAssertTrue(try f.sagemaker.listEndpoints().items.isEmpty)
    }

    func testUnknownHandlerFailsEndpointAndWaiter() throws {
        let f = try SageMakerFixture()
        try f.deploy("ep", model: CreateModelInput(modelName: "ep", primaryContainer: f.container("ehco")), wait: false)
        XCTAssertThrowsError(try f.sagemaker.waitUntilEndpointInService(endpointName: "ep")) { error in
            XCTAssertEqual("\(error)", "Waiter EndpointInService failed: Waiter encountered a terminal failure state: For expression \"EndpointStatus\" we matched expected path: \"Failed\"")
        }
        let described = try f.sagemaker.describeEndpoint(endpointName: "ep")
        XCTAssertEqual(described.endpointStatus, .failed)
        XCTAssertEqual(described.failureReason, "The primary container for production variant AllTraffic did not pass the ping health check. Please check CloudWatch logs for this endpoint.")
        let logs = try f.sagemaker.endpointLogs(endpointName: "ep").joined()
        XCTAssertTrue(logs.contains("unknown handler 'ehco' (did you mean 'echo'?)"), logs)
        // A Failed endpoint fails the deleted-waiter too until it is deleted.
        XCTAssertThrowsError(try f.sagemaker.waitUntilEndpointDeleted(endpointName: "ep"))
        try f.sagemaker.deleteEndpoint(endpointName: "ep")
        try f.sagemaker.waitUntilEndpointDeleted(endpointName: "ep")
    }

    func testLoaderFailureAndMissingEndpointWaiter() throws {
        let f = try SageMakerFixture()
        try f.deploy("ep", model: CreateModelInput(modelName: "ep", primaryContainer: f.container("broken")), wait: false)
        XCTAssertThrowsError(try f.sagemaker.waitUntilEndpointInService(endpointName: "ep"))
        XCTAssertTrue(try f.sagemaker.endpointLogs(endpointName: "ep").joined().contains("weights missing"))
        XCTAssertThrowsError(try f.sagemaker.waitUntilEndpointInService(endpointName: "ghost")) { error in
            XCTAssertEqual((error as? WaiterError)?.reason,
                           "Waiter encountered a terminal failure state: Matched expected service error code: ValidationException")
        }
    }

    func testArtifactIsDownloadedUnpackedAndLoaded() throws {
        let f = try SageMakerFixture()
        let staging = f.directory.appendingPathComponent("staging")
        try FileManager.default.createDirectory(at: staging.appendingPathComponent("code"), withIntermediateDirectories: true)
        try Data("Hello, ".utf8).write(to: staging.appendingPathComponent("greeting.txt"))
        try Data("handler".utf8).write(to: staging.appendingPathComponent("code/inference.txt"))
        try f.cloud.s3.putObject(bucket: SageMakerFixture.bucket, key: "models/greet/model.tar.gz",
                                 body: try ModelArtifact.pack(directory: staging))
        try f.deploy("greet", model: CreateModelInput(
            modelName: "greet", primaryContainer: f.container("greeting", url: "s3://lab-bucket/models/greet/model.tar.gz"),
            executionRoleArn: SageMakerFixture.role))
        let output = try f.runtime.invokeEndpoint(InvokeEndpointInput(endpointName: "greet", body: Data("world".utf8)))
        XCTAssertEqual(String(decoding: output.body, as: UTF8.self), "Hello, world")
    }

    /// CreateModel finds the object; it is gone by the time the endpoint downloads it.
    func testMissingArtifactFailsWithAWSReason() throws {
        let f = try SageMakerFixture()
        let url = "s3://lab-bucket/models/absent/model.tar.gz"
        try f.cloud.s3.putObject(bucket: SageMakerFixture.bucket, key: "models/absent/model.tar.gz", body: Data("soon gone".utf8))
        try f.sagemaker.createModel(CreateModelInput(modelName: "ep", primaryContainer: f.container("echo", url: url)))
        try f.cloud.s3.deleteObject(bucket: SageMakerFixture.bucket, key: "models/absent/model.tar.gz")
        try f.sagemaker.createEndpointConfig(CreateEndpointConfigInput(endpointConfigName: "ep", productionVariants: [
            ProductionVariant(variantName: "AllTraffic", modelName: "ep", initialInstanceCount: 1, instanceType: "ml.c5.xlarge")]))
        try f.sagemaker.createEndpoint(endpointName: "ep", endpointConfigName: "ep")
        XCTAssertThrowsError(try f.sagemaker.waitUntilEndpointInService(endpointName: "ep"))
        XCTAssertEqual(try f.sagemaker.describeEndpoint(endpointName: "ep").failureReason,
                       "Failed to download model data for container \"primary\" from URL: \"\(url)\". Please ensure that there is an object located at the URL and that the role passed to CreateModel has permissions to download the object.")
    }

    func testBadArchiveFailsWithAWSReason() throws {
        let f = try SageMakerFixture()
        let url = "s3://lab-bucket/models/bad/model.tar.gz"
        try f.cloud.s3.putObject(bucket: SageMakerFixture.bucket, key: "models/bad/model.tar.gz", body: Data("not a tarball".utf8))
        try f.deploy("ep", model: CreateModelInput(modelName: "ep", primaryContainer: f.container("echo", url: url)), wait: false)
        XCTAssertThrowsError(try f.sagemaker.waitUntilEndpointInService(endpointName: "ep"))
        XCTAssertEqual(try f.sagemaker.describeEndpoint(endpointName: "ep").failureReason,
                       "Failed to extract model data archive for container \"primary\" from URL \"\(url)\". Please ensure that the object located at the URL is a valid tar.gz archive.")
    }

    func testListPagingAndSorting() throws {
        let f = try SageMakerFixture()
        for name in ["b", "a", "c"] {
            try f.sagemaker.createModel(CreateModelInput(modelName: name, primaryContainer: f.container("echo")))
            f.cloud.clock.advance(by: 1)
        }
        XCTAssertEqual(try f.sagemaker.listModels().items.map(\.modelName), ["c", "a", "b"], "newest first by default")
        let first = try f.sagemaker.listModels(sortBy: .name, sortOrder: .ascending, maxResults: 2)
        XCTAssertEqual(first.items.map(\.modelName), ["a", "b"])
        let second = try f.sagemaker.listModels(sortBy: .name, sortOrder: .ascending, maxResults: 2, nextToken: first.nextToken)
        XCTAssertEqual(second.items.map(\.modelName), ["c"])
        XCTAssertNil(second.nextToken)
        let described = try f.sagemaker.describeModel(modelName: "A")
        XCTAssertEqual(described.modelArn, "arn:aws:sagemaker:ap-northeast-2:123456789012:model/a")
        try f.sagemaker.deleteModel(modelName: "a")
        XCTAssertEqual(try f.sagemaker.listModels().items.count, 2)
    }
}
