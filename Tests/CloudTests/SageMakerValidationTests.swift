// Every validation error of the SageMaker control plane and runtime, table-driven.
// Codes and statuses are read from botocore's models:
// - sagemaker/2017-07-24/service-2.json models no httpStatusCode; ValidationException and
//   ResourceNotFound are answered with 400.
// - sagemaker-runtime/2017-05-13/service-2.json: ValidationError 400, ModelError 424.
// - ThrottlingException is not in the runtime model; AWS's CommonErrors page gives 400.
import XCTest
import Serving
@testable import Cloud

final class SageMakerValidationTests: XCTestCase {
    struct Case {
        var label: String
        var code: String
        var status: Int
        var message: String
        var run: (SageMakerFixture) throws -> Void
    }

    private func check(_ cases: [Case], setUp: (SageMakerFixture) throws -> Void = { _ in }) throws {
        for c in cases {
            let fixture = try SageMakerFixture()
            try setUp(fixture)
            assertAWSError(c.code, c.status, c.message, c.label) { try c.run(fixture) }
        }
    }

    func testCreateModelErrors() throws {
        let role = SageMakerFixture.role
        func model(_ name: String = "m", primary: ContainerDefinition? = nil, containers: [ContainerDefinition]? = nil,
                   mode: InferenceExecutionMode? = nil, role: String? = role) -> CreateModelInput {
            CreateModelInput(modelName: name, primaryContainer: primary, containers: containers,
                             inferenceExecutionConfig: mode.map(InferenceExecutionConfig.init), executionRoleArn: role)
        }
        let f = { (host: String?) in ContainerDefinition(containerHostname: host, environment: ["SAGEMAKER_PROGRAM": "echo"]) }
        let cases: [Case] = [
            Case(label: "name pattern", code: "ValidationException", status: 400,
                 message: "1 validation error detected: Value 'bad_name' at 'modelName' failed to satisfy constraint: Member must satisfy regular expression pattern") {
                try $0.sagemaker.createModel(model("bad_name", primary: f(nil)))
            },
            Case(label: "name too long", code: "ValidationException", status: 400,
                 message: "Member must have length less than or equal to 63") {
                try $0.sagemaker.createModel(model(String(repeating: "a", count: 64), primary: f(nil)))
            },
            Case(label: "both primary and containers", code: "ValidationException", status: 400,
                 message: "PrimaryContainer and Containers cannot both be specified") {
                try $0.sagemaker.createModel(model(primary: f(nil), containers: [f("a")]))
            },
            Case(label: "no container", code: "ValidationException", status: 400,
                 message: "Either PrimaryContainer or Containers must be specified") {
                try $0.sagemaker.createModel(model())
            },
            Case(label: "16 containers", code: "ValidationException", status: 400,
                 message: "at 'containers' failed to satisfy constraint: Member must have length less than or equal to 15") {
                try $0.sagemaker.createModel(model(containers: (1...16).map { f("c\($0)") }))
            },
            Case(label: "duplicate hostname", code: "ValidationException", status: 400, message: "is not unique") {
                try $0.sagemaker.createModel(model(containers: [f("a"), f("A")]))
            },
            Case(label: "hostname on some", code: "ValidationException", status: 400,
                 message: "ContainerHostname must be specified for every container") {
                try $0.sagemaker.createModel(model(containers: [f("a"), f(nil)]))
            },
            Case(label: "direct without hostnames", code: "ValidationException", status: 400,
                 message: "Direct inference execution mode requires a ContainerHostname") {
                try $0.sagemaker.createModel(model(containers: [f(nil), f(nil)], mode: .direct))
            },
            Case(label: "hostname pattern", code: "ValidationException", status: 400,
                 message: "at 'containers.1.member.containerHostname' failed to satisfy constraint") {
                try $0.sagemaker.createModel(model(containers: [f("bad_host")]))
            },
            Case(label: "role arn", code: "ValidationException", status: 400, message: "at 'executionRoleArn'") {
                try $0.sagemaker.createModel(model(primary: f(nil), role: "arn:aws:iam::123:user/x"))
            },
            Case(label: "model data url", code: "ValidationException", status: 400, message: "at 'primaryContainer.modelDataUrl'") {
                try $0.sagemaker.createModel(model(primary: ContainerDefinition(modelDataUrl: "ftp://x/y")))
            },
            Case(label: "role that does not exist", code: "ValidationException", status: 400,
                 message: "Could not assume role arn:aws:iam::123456789012:role/Ghost. Please ensure that the role exists and allows principal 'sagemaker.amazonaws.com' to assume the role.") {
                try $0.sagemaker.createModel(model(primary: f(nil), role: "arn:aws:iam::123456789012:role/Ghost"))
            },
            Case(label: "role that trusts only Lambda", code: "ValidationException", status: 400,
                 message: "Could not assume role arn:aws:iam::123456789012:role/lambda-only.") {
                try $0.cloud.iam.createRole(roleName: "lambda-only", assumeRolePolicyDocument: iamTrustPolicy(for: "lambda.amazonaws.com"))
                try $0.sagemaker.createModel(model(primary: f(nil), role: "arn:aws:iam::123456789012:role/lambda-only"))
            },
            Case(label: "model data that does not exist", code: "ValidationException", status: 400,
                 message: "Could not find model data at s3://lab-bucket/models/absent/model.tar.gz.") {
                try $0.sagemaker.createModel(model(primary: $0.container("echo", url: "s3://lab-bucket/models/absent/model.tar.gz")))
            },
            Case(label: "model data in a second container", code: "ValidationException", status: 400,
                 message: "Could not find model data at s3://no-such-bucket/m.tar.gz.") {
                try $0.cloud.s3.putObject(bucket: SageMakerFixture.bucket, key: "a.tar.gz", body: Data("a".utf8))
                try $0.sagemaker.createModel(model(containers: [$0.container("echo", host: "a", url: "s3://lab-bucket/a.tar.gz"),
                                                                $0.container("echo", host: "b", url: "s3://no-such-bucket/m.tar.gz")]))
            },
            Case(label: "describe missing", code: "ValidationException", status: 400,
                 message: "Could not find model \"arn:aws:sagemaker:ap-northeast-2:123456789012:model/nope\".") {
                _ = try $0.sagemaker.describeModel(modelName: "nope")
            },
            Case(label: "delete missing", code: "ValidationException", status: 400, message: "Could not find model") {
                try $0.sagemaker.deleteModel(modelName: "Nope")
            },
            Case(label: "list max results", code: "ValidationException", status: 400,
                 message: "Member must have value less than or equal to 100") {
                _ = try $0.sagemaker.listModels(maxResults: 101)
            },
        ]
        try check(cases)
        // The notebook's own role (CloudEnvironment's execution role) is accepted as is.
        let notebook = try SageMakerFixture()
        try notebook.sagemaker.createModel(model("nb", primary: f(nil), role: notebook.cloud.executionRoleArn))
        let fixture = try SageMakerFixture()
        try fixture.sagemaker.createModel(model("Dup", primary: f(nil)))
        assertAWSError("ValidationException", 400,
                       "Cannot create already existing model \"arn:aws:sagemaker:ap-northeast-2:123456789012:model/dup\".") {
            try fixture.sagemaker.createModel(model("dup", primary: f(nil)))
        }
    }

    func testCreateEndpointConfigErrors() throws {
        func config(_ variants: [ProductionVariant], async: AsyncInferenceConfig? = nil) -> CreateEndpointConfigInput {
            CreateEndpointConfigInput(endpointConfigName: "c", productionVariants: variants, asyncInferenceConfig: async)
        }
        func instance(_ name: String = "v", count: Int? = 1, type: String? = "ml.c5.xlarge", model: String = "m") -> ProductionVariant {
            ProductionVariant(variantName: name, modelName: model, initialInstanceCount: count, instanceType: type)
        }
        func serverless(memory: Int, concurrency: Int) -> ProductionVariant {
            ProductionVariant(variantName: "v", modelName: "m",
                              serverlessConfig: ProductionVariantServerlessConfig(memorySizeInMB: memory, maxConcurrency: concurrency))
        }
        func async(_ output: AsyncInferenceOutputConfig, concurrency: Int? = nil) -> AsyncInferenceConfig {
            AsyncInferenceConfig(clientConfig: AsyncInferenceClientConfig(maxConcurrentInvocationsPerInstance: concurrency),
                                 outputConfig: output)
        }
        let out = AsyncInferenceOutputConfig(s3OutputPath: "s3://lab-bucket/out")
        let cases: [Case] = [
            Case(label: "no variants", code: "ValidationException", status: 400,
                 message: "at 'productionVariants' failed to satisfy constraint: Member must have length greater than or equal to 1") {
                try $0.sagemaker.createEndpointConfig(config([]))
            },
            Case(label: "11 variants", code: "ValidationException", status: 400,
                 message: "Member must have length less than or equal to 10") {
                try $0.sagemaker.createEndpointConfig(config((1...11).map { instance("v\($0)") }))
            },
            Case(label: "instance count 0", code: "ValidationException", status: 400,
                 message: "Value '0' at 'productionVariants.1.member.initialInstanceCount' failed to satisfy constraint: Member must have value greater than or equal to 1") {
                try $0.sagemaker.createEndpointConfig(config([instance(count: 0)]))
            },
            Case(label: "NaN weight", code: "ValidationException", status: 400,
                 message: "Value 'nan' at 'productionVariants.1.member.initialVariantWeight' failed to satisfy constraint: Member must have value greater than or equal to 0") {
                var variant = instance()
                variant.initialVariantWeight = .nan
                try $0.sagemaker.createEndpointConfig(config([variant]))
            },
            Case(label: "infinite weight", code: "ValidationException", status: 400,
                 message: "Value 'inf' at 'productionVariants.1.member.initialVariantWeight'") {
                var variant = instance()
                variant.initialVariantWeight = .infinity
                try $0.sagemaker.createEndpointConfig(config([variant]))
            },
            Case(label: "memory 512", code: "ValidationException", status: 400,
                 message: "serverlessConfig.memorySizeInMB' failed to satisfy constraint: Member must have value greater than or equal to 1024") {
                try $0.sagemaker.createEndpointConfig(config([serverless(memory: 512, concurrency: 1)]))
            },
            Case(label: "memory 7168", code: "ValidationException", status: 400,
                 message: "Member must have value less than or equal to 6144") {
                try $0.sagemaker.createEndpointConfig(config([serverless(memory: 7168, concurrency: 1)]))
            },
            Case(label: "memory step", code: "ValidationException", status: 400,
                 message: "MemorySizeInMB must be one of 1024, 2048") {
                try $0.sagemaker.createEndpointConfig(config([serverless(memory: 1536, concurrency: 1)]))
            },
            Case(label: "concurrency 0", code: "ValidationException", status: 400,
                 message: "serverlessConfig.maxConcurrency' failed to satisfy constraint: Member must have value greater than or equal to 1") {
                try $0.sagemaker.createEndpointConfig(config([serverless(memory: 2048, concurrency: 0)]))
            },
            Case(label: "concurrency 201", code: "ValidationException", status: 400,
                 message: "Member must have value less than or equal to 200") {
                try $0.sagemaker.createEndpointConfig(config([serverless(memory: 2048, concurrency: 201)]))
            },
            Case(label: "missing model", code: "ValidationException", status: 400,
                 message: "Could not find model \"arn:aws:sagemaker:ap-northeast-2:123456789012:model/ghost\".") {
                try $0.sagemaker.createEndpointConfig(config([instance(model: "ghost")]))
            },
            Case(label: "duplicate variant", code: "ValidationException", status: 400, message: "must be unique") {
                try $0.sagemaker.createEndpointConfig(config([instance("v"), instance("v")]))
            },
            Case(label: "instance type", code: "ValidationException", status: 400,
                 message: "Value 'ml.c5.huge' at 'productionVariants.1.member.instanceType' failed to satisfy constraint: Member must satisfy enum value set: [ml.t2.medium, ml.t2.large,") {
                try $0.sagemaker.createEndpointConfig(config([instance(type: "ml.c5.huge")]))
            },
            Case(label: "no instance type", code: "ValidationException", status: 400,
                 message: "needs InstanceType and InitialInstanceCount") {
                try $0.sagemaker.createEndpointConfig(config([instance(type: nil)]))
            },
            Case(label: "async concurrency 0", code: "ValidationException", status: 400,
                 message: "clientConfig.maxConcurrentInvocationsPerInstance' failed to satisfy constraint: Member must have value greater than or equal to 1") {
                try $0.sagemaker.createEndpointConfig(config([instance()], async: async(out, concurrency: 0)))
            },
            Case(label: "async concurrency 1001", code: "ValidationException", status: 400,
                 message: "Member must have value less than or equal to 1000") {
                try $0.sagemaker.createEndpointConfig(config([instance()], async: async(out, concurrency: 1001)))
            },
            Case(label: "topic arn", code: "ValidationException", status: 400,
                 message: "at 'asyncInferenceConfig.outputConfig.notificationConfig.successTopic'") {
                let notify = AsyncInferenceNotificationConfig(successTopic: "arn:aws:sqs:ap-northeast-2:123456789012:q")
                try $0.sagemaker.createEndpointConfig(config([instance()], async: async(
                    AsyncInferenceOutputConfig(s3OutputPath: "s3://b/o", notificationConfig: notify))))
            },
            Case(label: "output path", code: "ValidationException", status: 400,
                 message: "at 'asyncInferenceConfig.outputConfig.s3OutputPath'") {
                try $0.sagemaker.createEndpointConfig(config([instance()], async: async(AsyncInferenceOutputConfig(s3OutputPath: "/tmp/out"))))
            },
            Case(label: "describe missing", code: "ValidationException", status: 400,
                 message: "Could not find endpoint configuration \"arn:aws:sagemaker:ap-northeast-2:123456789012:endpoint-config/nope\".") {
                _ = try $0.sagemaker.describeEndpointConfig(endpointConfigName: "nope")
            },
        ]
        try check(cases) { try $0.sagemaker.createModel(CreateModelInput(modelName: "m", primaryContainer: $0.container("echo"))) }
    }

    func testEndpointErrors() throws {
        let cases: [Case] = [
            Case(label: "missing config", code: "ValidationException", status: 400,
                 message: "Could not find endpoint configuration \"arn:aws:sagemaker:ap-northeast-2:123456789012:endpoint-config/nope\".") {
                try $0.sagemaker.createEndpoint(endpointName: "e2", endpointConfigName: "nope")
            },
            Case(label: "duplicate", code: "ValidationException", status: 400,
                 message: "Cannot create already existing endpoint \"arn:aws:sagemaker:ap-northeast-2:123456789012:endpoint/ep\".") {
                try $0.sagemaker.createEndpoint(endpointName: "ep", endpointConfigName: "ep")
            },
            Case(label: "describe missing", code: "ValidationException", status: 400,
                 message: "Could not find endpoint \"arn:aws:sagemaker:ap-northeast-2:123456789012:endpoint/nope\".") {
                _ = try $0.sagemaker.describeEndpoint(endpointName: "nope")
            },
            Case(label: "update while creating", code: "ValidationException", status: 400,
                 message: "Cannot update in-progress endpoint \"arn:aws:sagemaker:ap-northeast-2:123456789012:endpoint/ep\".") {
                try $0.sagemaker.updateEndpoint(endpointName: "ep", endpointConfigName: "ep")
            },
            Case(label: "capacity while creating", code: "ValidationException", status: 400,
                 message: "Cannot update in-progress endpoint") {
                try $0.sagemaker.updateEndpointWeightsAndCapacities(
                    endpointName: "ep", desiredWeightsAndCapacities: [DesiredWeightAndCapacity(variantName: "AllTraffic", desiredInstanceCount: 2)])
            },
            Case(label: "delete missing config", code: "ValidationException", status: 400,
                 message: "Could not find endpoint configuration") {
                try $0.sagemaker.deleteEndpointConfig(endpointConfigName: "nope")
            },
            Case(label: "name pattern", code: "ValidationException", status: 400, message: "at 'endpointName'") {
                try $0.sagemaker.createEndpoint(endpointName: "-bad", endpointConfigName: "ep")
            },
        ]
        try check(cases) { try $0.deploy("ep", wait: false) }
    }

    func testCapacityUpdateErrors() throws {
        let f = try SageMakerFixture()
        try f.deploy("ep")
        assertAWSError("ValidationException", 400, "The variant name(s) \"Blue\" is/are not present in the endpoint") {
            try f.sagemaker.updateEndpointWeightsAndCapacities(
                endpointName: "ep", desiredWeightsAndCapacities: [DesiredWeightAndCapacity(variantName: "Blue", desiredInstanceCount: 2)])
        }
        assertAWSError("ValidationException", 400, "DesiredInstanceCount -1 is not valid") {
            try f.sagemaker.updateEndpointWeightsAndCapacities(
                endpointName: "ep", desiredWeightsAndCapacities: [DesiredWeightAndCapacity(variantName: "AllTraffic", desiredInstanceCount: -1)])
        }
        assertAWSError("ValidationException", 400, "simulated model latency") {
            try f.sagemaker.setSimulatedModelLatency(endpointName: "ep", -.infinity)
        }
        // Scaling out: Updating until the new instance has launched, then InService with 2.
        try f.sagemaker.updateEndpointWeightsAndCapacities(
            endpointName: "ep", desiredWeightsAndCapacities: [DesiredWeightAndCapacity(variantName: "AllTraffic", desiredInstanceCount: 2)])
        XCTAssertEqual(try f.sagemaker.describeEndpoint(endpointName: "ep").endpointStatus, .updating)
        XCTAssertEqual(try f.sagemaker.describeEndpoint(endpointName: "ep").productionVariants[0].currentInstanceCount, 1)
        let described = try f.sagemaker.waitUntilEndpointInService(endpointName: "ep")
        XCTAssertEqual(described.productionVariants[0].currentInstanceCount, 2)
        XCTAssertEqual(described.productionVariants[0].desiredInstanceCount, 2)
    }
}
