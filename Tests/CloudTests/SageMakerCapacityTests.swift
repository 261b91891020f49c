// Instance counts and weights: the account-level instance quota (ResourceLimitExceeded,
// which botocore's sagemaker model gives no httpStatusCode, so 400), all-or-nothing
// UpdateEndpointWeightsAndCapacities, failed scale-outs, and unpacked-artifact cleanup.
import XCTest
import Serving
@testable import Cloud

final class SageMakerCapacityTests: XCTestCase {
    private func config(_ name: String, count: Int, type: String = "ml.c5.xlarge", model: String = "m") -> CreateEndpointConfigInput {
        CreateEndpointConfigInput(endpointConfigName: name, productionVariants: [
            ProductionVariant(variantName: "AllTraffic", modelName: model, initialInstanceCount: count, instanceType: type)])
    }

    private func limitMessage(_ type: String, utilization: Int, delta: Int) -> String {
        "The account-level service limit '\(type) for endpoint usage' is 20 Instances, with current utilization of "
            + "\(utilization) Instances and a request delta of \(delta) Instances. "
            + "Please use AWS Service Quotas to request an increase for this quota."
    }

    func testInstanceQuotaIsEnforcedAcrossEndpoints() throws {
        let capacity = { (count: Int) in [DesiredWeightAndCapacity(variantName: "AllTraffic", desiredInstanceCount: count)] }
        let cases: [(String, String, (SageMakerFixture) throws -> Void)] = [
            ("initial count past the quota", limitMessage("ml.c5.xlarge", utilization: 0, delta: 21), {
                try $0.sagemaker.createEndpointConfig(self.config("big", count: 21))
                try $0.sagemaker.createEndpoint(endpointName: "big", endpointConfigName: "big")
            }),
            ("initial count Int.max", limitMessage("ml.c5.xlarge", utilization: 0, delta: .max), {
                try $0.sagemaker.createEndpointConfig(self.config("huge", count: .max))
                try $0.sagemaker.createEndpoint(endpointName: "huge", endpointConfigName: "huge")
            }),
            ("second endpoint", limitMessage("ml.c5.xlarge", utilization: 3, delta: 18), {
                try $0.deploy("first", variant: ProductionVariant(variantName: "AllTraffic", modelName: "first",
                                                                  initialInstanceCount: 3, instanceType: "ml.c5.xlarge"))
                try $0.sagemaker.createEndpointConfig(self.config("second", count: 18))
                try $0.sagemaker.createEndpoint(endpointName: "second", endpointConfigName: "second")
            }),
            ("desired count Int.max", limitMessage("ml.c5.xlarge", utilization: 1, delta: .max - 1), {
                try $0.deploy("ep")
                try $0.sagemaker.updateEndpointWeightsAndCapacities(endpointName: "ep", desiredWeightsAndCapacities: capacity(.max))
            }),
            ("update to a larger config", limitMessage("ml.c5.xlarge", utilization: 0, delta: 25), {
                try $0.deploy("ep")
                try $0.sagemaker.createEndpointConfig(self.config("ep-v2", count: 25))
                try $0.sagemaker.updateEndpoint(endpointName: "ep", endpointConfigName: "ep-v2")
            }),
        ]
        for (label, message, run) in cases {
            let f = try SageMakerFixture()
            try f.sagemaker.createModel(CreateModelInput(modelName: "m", primaryContainer: f.container("echo")))
            assertAWSError("ResourceLimitExceeded", 400, message, label) { try run(f) }
        }
        // Other instance types have their own quota; exactly 20 fits.
        let f = try SageMakerFixture()
        try f.deploy("c5", variant: ProductionVariant(variantName: "AllTraffic", modelName: "c5", initialInstanceCount: 20,
                                                     instanceType: "ml.c5.xlarge"))
        try f.deploy("m5", variant: ProductionVariant(variantName: "AllTraffic", modelName: "m5", initialInstanceCount: 20,
                                                     instanceType: "ml.m5.large"))
        XCTAssertEqual(try f.sagemaker.describeEndpoint(endpointName: "m5").productionVariants[0].currentInstanceCount, 20)
        // A Failed endpoint holds no instances.
        let g = try SageMakerFixture()
        try g.deploy("broken", model: CreateModelInput(modelName: "broken", primaryContainer: g.container("broken")),
                     variant: ProductionVariant(variantName: "AllTraffic", modelName: "broken", initialInstanceCount: 20,
                                                instanceType: "ml.c5.xlarge"), wait: false)
        g.cloud.clock.advance(by: 600)
        XCTAssertEqual(try g.sagemaker.describeEndpoint(endpointName: "broken").endpointStatus, .failed)
        try g.deploy("next", variant: ProductionVariant(variantName: "AllTraffic", modelName: "next", initialInstanceCount: 20,
                                                       instanceType: "ml.c5.xlarge"))
    }

    /// A bad entry anywhere in the request changes nothing, not even the entries before it.
    func testWeightsAndCapacitiesAreAllOrNothing() throws {
        let f = try SageMakerFixture()
        try f.sagemaker.createModel(CreateModelInput(modelName: "m", primaryContainer: f.container("echo")))
        try f.sagemaker.createEndpointConfig(CreateEndpointConfigInput(endpointConfigName: "ab", productionVariants: [
            ProductionVariant(variantName: "Blue", modelName: "m", initialInstanceCount: 1, instanceType: "ml.m5.large", initialVariantWeight: 1),
            ProductionVariant(variantName: "Green", modelName: "m", initialInstanceCount: 1, instanceType: "ml.m5.large", initialVariantWeight: 1),
        ]))
        try f.sagemaker.createEndpoint(endpointName: "ab", endpointConfigName: "ab")
        try f.sagemaker.waitUntilEndpointInService(endpointName: "ab")
        let blue = DesiredWeightAndCapacity(variantName: "Blue", desiredWeight: 5, desiredInstanceCount: 2)
        let cases: [(String, String, DesiredWeightAndCapacity)] = [
            ("NaN weight", "Value 'nan' at 'desiredWeightsAndCapacities.2.member.desiredWeight'",
             DesiredWeightAndCapacity(variantName: "Green", desiredWeight: .nan)),
            ("infinite weight", "Value 'inf' at", DesiredWeightAndCapacity(variantName: "Green", desiredWeight: .infinity)),
            ("negative weight", "Member must have value greater than or equal to 0",
             DesiredWeightAndCapacity(variantName: "Green", desiredWeight: -1)),
            ("unknown variant", "The variant name(s) \"Ghost\"", DesiredWeightAndCapacity(variantName: "Ghost", desiredWeight: 1)),
            ("negative count", "DesiredInstanceCount -1", DesiredWeightAndCapacity(variantName: "Green", desiredInstanceCount: -1)),
        ]
        for (label, message, bad) in cases {
            assertAWSError("ValidationException", 400, message, label) {
                try f.sagemaker.updateEndpointWeightsAndCapacities(endpointName: "ab", desiredWeightsAndCapacities: [blue, bad])
            }
            let described = try f.sagemaker.describeEndpoint(endpointName: "ab")
            XCTAssertEqual(described.endpointStatus, .inService, label)
            XCTAssertEqual(described.productionVariants[0].currentWeight, 1, "\(label): Blue's weight is untouched")
            XCTAssertEqual(described.productionVariants[0].desiredInstanceCount, 1, "\(label): Blue's count is untouched")
        }
    }

    func testScaleOutWhoseLaunchesAllFailReturnsToInService() throws {
        let f = try SageMakerFixture()
        try f.deploy("ep", model: CreateModelInput(modelName: "ep", primaryContainer: f.container("once")))
        try f.sagemaker.updateEndpointWeightsAndCapacities(
            endpointName: "ep", desiredWeightsAndCapacities: [DesiredWeightAndCapacity(variantName: "AllTraffic", desiredInstanceCount: 3)])
        let described = try f.sagemaker.describeEndpoint(endpointName: "ep")
        XCTAssertEqual(described.endpointStatus, .inService, "nothing is launching, so nothing can finish the update")
        XCTAssertEqual(described.productionVariants[0].currentInstanceCount, 1)
        let logs = try f.sagemaker.endpointLogs(endpointName: "ep").joined(separator: "\n")
        XCTAssertTrue(logs.contains("launching an instance for AllTraffic failed"), logs)
        // And the endpoint can be updated again.
        try f.sagemaker.updateEndpointWeightsAndCapacities(
            endpointName: "ep", desiredWeightsAndCapacities: [DesiredWeightAndCapacity(variantName: "AllTraffic", desiredWeight: 2)])
    }

    func testOnlyTheServingGenerationKeepsItsUnpackedArtifacts() throws {
        let f = try SageMakerFixture()
        let staging = f.directory.appendingPathComponent("staging")
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        try Data("Hello, ".utf8).write(to: staging.appendingPathComponent("greeting.txt"))
        try f.cloud.s3.putObject(bucket: SageMakerFixture.bucket, key: "good/model.tar.gz", body: try ModelArtifact.pack(directory: staging))
        try f.cloud.s3.putObject(bucket: SageMakerFixture.bucket, key: "bad/model.tar.gz", body: Data("not a tarball".utf8))
        try f.deploy("ep", model: CreateModelInput(modelName: "ep", primaryContainer: f.container("greeting", url: "s3://lab-bucket/good/model.tar.gz")))
        let endpointDirectory = f.directory.appendingPathComponent("sagemaker/endpoints/ep")
        let generations = { try FileManager.default.contentsOfDirectory(atPath: endpointDirectory.path).sorted() }
        XCTAssertEqual(try generations().count, 1)

        try f.sagemaker.createModel(CreateModelInput(modelName: "bad", primaryContainer: f.container("greeting", url: "s3://lab-bucket/bad/model.tar.gz")))
        try f.sagemaker.createEndpointConfig(config("bad", count: 1, model: "bad"))
        try f.sagemaker.updateEndpoint(endpointName: "ep", endpointConfigName: "bad")
        try f.sagemaker.waitUntilEndpointInService(endpointName: "ep")
        XCTAssertNotNil(try f.sagemaker.describeEndpoint(endpointName: "ep").failureReason)
        let afterFailure = try generations()
        XCTAssertEqual(afterFailure.count, 1, "a failed update leaves no partial directory: \(afterFailure)")

        try f.sagemaker.createEndpointConfig(config("again", count: 1, model: "ep"))
        try f.sagemaker.updateEndpoint(endpointName: "ep", endpointConfigName: "again")
        try f.sagemaker.waitUntilEndpointInService(endpointName: "ep")
        let afterUpdate = try generations()
        XCTAssertEqual(afterUpdate.count, 1, "the old generation is removed once the new one serves")
        XCTAssertNotEqual(afterUpdate, afterFailure)
        let output = try f.runtime.invokeEndpoint(InvokeEndpointInput(endpointName: "ep", body: Data("world".utf8)))
        XCTAssertEqual(String(decoding: output.body, as: UTF8.self), "Hello, world")
    }
}
