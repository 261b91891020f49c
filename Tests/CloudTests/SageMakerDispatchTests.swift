// SageMaker and SageMaker Runtime through `CloudDispatch.call`, as boto3 would call them:
// the boto3-shaped parameters reach the services, the answers carry the output shapes'
// member names, and a request the model refuses fails before the service sees it.
import AWSShapes
import XCTest
@testable import Cloud

final class SageMakerDispatchTests: XCTestCase {
    private let image = "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/serve:1"
    private let arnPrefix = "arn:aws:sagemaker:ap-northeast-2:123456789012"

    private func model(_ name: String, handler: String = "echo") -> AWSValue {
        ["ModelName": .string(name), "ExecutionRoleArn": .string(SageMakerFixture.role),
         "PrimaryContainer": ["Image": .string(image), "Environment": ["SAGEMAKER_PROGRAM": .string(handler)]]]
    }

    /// Calls through the dispatch and checks the answer against the operation's output shape
    /// with the validator requests meet: member names, types and required members.
    private func call(_ dispatch: CloudDispatch, _ service: String, _ operation: String, _ input: AWSValue = .empty,
                      file: StaticString = #filePath, line: UInt = #line) throws -> AWSValue {
        let output = try dispatch.call(service, operation, input)
        let model = try XCTUnwrap(CloudDispatch.model(service))
        if let shape = model.operations[operation]?.output {
            XCTAssertEqual(ParameterValidator(model).clientProblems(output, shape: shape), [], operation, file: file, line: line)
        } else {
            XCTAssertEqual(output, .empty, "\(operation) has no output shape", file: file, line: line)
        }
        return output
    }

    /// DescribeEndpoint every 30 virtual seconds, as boto3's waiter polls, until it leaves `status`.
    private func describe(_ dispatch: CloudDispatch, _ name: String, whileStatus status: String) throws -> AWSValue {
        for _ in 0..<40 {
            let described = try call(dispatch, "sagemaker", "DescribeEndpoint", ["EndpointName": .string(name)])
            guard described["EndpointStatus"] == .string(status) else { return described }
            dispatch.cloud.clock.advance(by: 30)
        }
        XCTFail("\(name) stayed \(status)")
        return .empty
    }

    func testModelConfigEndpointInvokeAndDelete() throws {
        let f = try SageMakerFixture()
        let dispatch = CloudDispatch(cloud: f.cloud)
        let created = try call(dispatch, "sagemaker", "CreateModel", model("echo"))
        XCTAssertEqual(created, ["ModelArn": .string("\(arnPrefix):model/echo")])
        let start = f.cloud.clock.now
        XCTAssertEqual(try call(dispatch, "sagemaker", "DescribeModel", ["ModelName": "echo"]), [
            "ModelName": "echo", "ModelArn": .string("\(arnPrefix):model/echo"), "CreationTime": .timestamp(start),
            "ExecutionRoleArn": .string(SageMakerFixture.role),
            "PrimaryContainer": ["Image": .string(image), "Environment": ["SAGEMAKER_PROGRAM": "echo"]],
        ])

        let variant: AWSValue = ["VariantName": "AllTraffic", "ModelName": "echo", "InitialInstanceCount": 1,
                                 "InstanceType": "ml.c5.xlarge", "InitialVariantWeight": 1.0]
        let config = try call(dispatch, "sagemaker", "CreateEndpointConfig",
                              ["EndpointConfigName": "echo-config", "ProductionVariants": [variant]])
        XCTAssertEqual(config, ["EndpointConfigArn": .string("\(arnPrefix):endpoint-config/echo-config")])
        let describedConfig = try call(dispatch, "sagemaker", "DescribeEndpointConfig", ["EndpointConfigName": "echo-config"])
        XCTAssertEqual(describedConfig["ProductionVariants"], [variant])
        XCTAssertEqual(describedConfig["CreationTime"], .timestamp(start))

        let endpoint = try call(dispatch, "sagemaker", "CreateEndpoint",
                                ["EndpointName": "echo", "EndpointConfigName": "echo-config",
                                 "Tags": [["Key": "lab", "Value": "1"]]])
        XCTAssertEqual(endpoint, ["EndpointArn": .string("\(arnPrefix):endpoint/echo")])
        let described = try describe(dispatch, "echo", whileStatus: "Creating")
        XCTAssertEqual(described["EndpointStatus"], "InService")
        XCTAssertEqual(described["EndpointConfigName"], "echo-config")
        XCTAssertEqual(described["CreationTime"], .timestamp(start))
        XCTAssertEqual(described["LastModifiedTime"], .timestamp(start.addingTimeInterval(300)))
        XCTAssertNil(described["FailureReason"])
        let summary = try XCTUnwrap(described["ProductionVariants"]?.list?.first)
        XCTAssertEqual(summary["VariantName"], "AllTraffic")
        XCTAssertEqual(summary["CurrentWeight"], 1.0)
        XCTAssertEqual(summary["DesiredWeight"], 1.0)
        XCTAssertEqual(summary["CurrentInstanceCount"], 1)
        XCTAssertEqual(summary["DesiredInstanceCount"], 1)
        XCTAssertEqual(summary["DeployedImages"]?.list?.first?["SpecifiedImage"], .string(image))
        XCTAssertNil(summary["CurrentServerlessConfig"])

        let listed = try call(dispatch, "sagemaker", "ListEndpoints", ["NameContains": "ech"])
        XCTAssertEqual(listed, ["Endpoints": [[
            "EndpointName": "echo", "EndpointArn": .string("\(arnPrefix):endpoint/echo"), "EndpointStatus": "InService",
            "CreationTime": .timestamp(start), "LastModifiedTime": .timestamp(start.addingTimeInterval(300)),
        ]]])

        let reply = try call(dispatch, "sagemaker-runtime", "InvokeEndpoint",
                             ["EndpointName": "echo", "Body": .blob(Data("hello".utf8)), "ContentType": "text/plain"])
        XCTAssertEqual(reply, ["Body": .blob(Data("hello".utf8)), "ContentType": "text/plain",
                               "InvokedProductionVariant": "AllTraffic"])
        // boto3 takes a str for a blob too.
        let fromText = try call(dispatch, "sagemaker-runtime", "InvokeEndpoint", ["EndpointName": "echo", "Body": "{}"])
        XCTAssertEqual(fromText["Body"], .blob(Data("{}".utf8)))

        try deleteAll(dispatch, endpoint: "echo", config: "echo-config", model: "echo")
    }

    private func deleteAll(_ dispatch: CloudDispatch, endpoint: String, config: String, model: String) throws {
        XCTAssertEqual(try call(dispatch, "sagemaker", "DeleteEndpoint", ["EndpointName": .string(endpoint)]), .empty)
        let deleting = try call(dispatch, "sagemaker", "DescribeEndpoint", ["EndpointName": .string(endpoint)])
        XCTAssertEqual(deleting["EndpointStatus"], "Deleting")
        dispatch.cloud.clock.advance(by: dispatch.cloud.sagemaker.timing.endpointDeletion)
        assertAWSError("ValidationException", 400, "Could not find endpoint \"\(arnPrefix):endpoint/\(endpoint)\".") {
            _ = try call(dispatch, "sagemaker", "DescribeEndpoint", ["EndpointName": .string(endpoint)])
        }
        XCTAssertEqual(try call(dispatch, "sagemaker", "DeleteEndpointConfig", ["EndpointConfigName": .string(config)]), .empty)
        XCTAssertEqual(try call(dispatch, "sagemaker", "DeleteModel", ["ModelName": .string(model)]), .empty)
        XCTAssertEqual(try call(dispatch, "sagemaker", "ListModels"), ["Models": []])
        XCTAssertEqual(try call(dispatch, "sagemaker", "ListEndpointConfigs"), ["EndpointConfigs": []])
    }

    func testAsyncEndpoint() throws {
        let f = try SageMakerFixture()
        let dispatch = CloudDispatch(cloud: f.cloud)
        let topic = try f.cloud.sns.createTopic(name: "async-done")
        _ = try call(dispatch, "sagemaker", "CreateModel", model("async"))
        let asyncConfig: AWSValue = [
            "ClientConfig": ["MaxConcurrentInvocationsPerInstance": 2],
            "OutputConfig": ["S3OutputPath": "s3://lab-bucket/async-out/", "S3FailurePath": "s3://lab-bucket/async-fail",
                             "NotificationConfig": ["SuccessTopic": .string(topic)]],
        ]
        _ = try call(dispatch, "sagemaker", "CreateEndpointConfig", [
            "EndpointConfigName": "async",
            "ProductionVariants": [["VariantName": "AllTraffic", "ModelName": "async", "InitialInstanceCount": 1,
                                    "InstanceType": "ml.c5.xlarge"]],
            "AsyncInferenceConfig": asyncConfig,
        ])
        XCTAssertEqual(try call(dispatch, "sagemaker", "DescribeEndpointConfig", ["EndpointConfigName": "async"])["AsyncInferenceConfig"],
                       asyncConfig)
        _ = try call(dispatch, "sagemaker", "CreateEndpoint", ["EndpointName": "async", "EndpointConfigName": "async"])
        let described = try describe(dispatch, "async", whileStatus: "Creating")
        XCTAssertEqual(described["AsyncInferenceConfig"], asyncConfig)

        try f.cloud.s3.putObject(bucket: "lab-bucket", key: "in/clip.json", body: Data("frames".utf8))
        let queued = try call(dispatch, "sagemaker-runtime", "InvokeEndpointAsync", [
            "EndpointName": "async", "InputLocation": "s3://lab-bucket/in/clip.json", "ContentType": "application/json",
            "RequestTTLSeconds": 600, "InvocationTimeoutSeconds": 60,
        ])
        let id = try XCTUnwrap(queued["InferenceId"]?.string)
        XCTAssertEqual(queued, ["InferenceId": .string(id), "OutputLocation": .string("s3://lab-bucket/async-out/\(id).out"),
                                "FailureLocation": .string("s3://lab-bucket/async-fail/\(id)-error.out")])
        f.cloud.clock.advance(by: 1)
        let result = try f.cloud.s3.getObject(bucket: "lab-bucket", key: "async-out/\(id).out")
        XCTAssertEqual(String(decoding: result.body, as: UTF8.self), "frames")

        assertAWSError("ValidationError", 400, "configured for asynchronous inference; use InvokeEndpointAsync") {
            _ = try call(dispatch, "sagemaker-runtime", "InvokeEndpoint", ["EndpointName": "async", "Body": "{}"])
        }
        try deleteAll(dispatch, endpoint: "async", config: "async", model: "async")
    }

    func testServerlessVariantAndCapacityUpdate() throws {
        let f = try SageMakerFixture()
        let dispatch = CloudDispatch(cloud: f.cloud)
        _ = try call(dispatch, "sagemaker", "CreateModel", model("m"))
        let serverless: AWSValue = ["MemorySizeInMB": 2048, "MaxConcurrency": 5]
        _ = try call(dispatch, "sagemaker", "CreateEndpointConfig", [
            "EndpointConfigName": "sls",
            "ProductionVariants": [["VariantName": "AllTraffic", "ModelName": "m", "ServerlessConfig": serverless]],
        ])
        _ = try call(dispatch, "sagemaker", "CreateEndpoint", ["EndpointName": "sls", "EndpointConfigName": "sls"])
        let summary = try XCTUnwrap(try describe(dispatch, "sls", whileStatus: "Creating")["ProductionVariants"]?.list?.first)
        XCTAssertEqual(summary["CurrentServerlessConfig"], serverless)
        XCTAssertEqual(summary["DesiredServerlessConfig"], serverless)
        XCTAssertNil(summary["CurrentInstanceCount"], "serverless variants have no instances")
        let reply = try call(dispatch, "sagemaker-runtime", "InvokeEndpoint", ["EndpointName": "sls", "Body": "x"])
        XCTAssertEqual(reply["InvokedProductionVariant"], "AllTraffic")

        _ = try call(dispatch, "sagemaker", "CreateEndpointConfig", [
            "EndpointConfigName": "instances",
            "ProductionVariants": [["VariantName": "AllTraffic", "ModelName": "m", "InitialInstanceCount": 1,
                                    "InstanceType": "ml.c5.xlarge"]],
        ])
        let updated = try call(dispatch, "sagemaker", "UpdateEndpoint", ["EndpointName": "sls", "EndpointConfigName": "instances"])
        XCTAssertEqual(updated, ["EndpointArn": .string("\(arnPrefix):endpoint/sls")])
        XCTAssertEqual(try describe(dispatch, "sls", whileStatus: "Updating")["EndpointConfigName"], "instances")
        let scaled = try call(dispatch, "sagemaker", "UpdateEndpointWeightsAndCapacities", [
            "EndpointName": "sls", "DesiredWeightsAndCapacities": [["VariantName": "AllTraffic", "DesiredInstanceCount": 2]],
        ])
        XCTAssertEqual(scaled, ["EndpointArn": .string("\(arnPrefix):endpoint/sls")])
        let grown = try XCTUnwrap(try describe(dispatch, "sls", whileStatus: "Updating")["ProductionVariants"]?.list?.first)
        XCTAssertEqual(grown["CurrentInstanceCount"], 2)
        XCTAssertEqual(grown["DesiredInstanceCount"], 2)
    }

    func testDescribeModelWithDirectContainers() throws {
        let f = try SageMakerFixture()
        let dispatch = CloudDispatch(cloud: f.cloud)
        let containers: AWSValue = [
            ["ContainerHostname": "first", "Image": .string(image), "Environment": ["SAGEMAKER_PROGRAM": "echo"]],
            ["ContainerHostname": "second", "Image": .string(image), "Environment": ["SAGEMAKER_PROGRAM": "upper"]],
        ]
        _ = try call(dispatch, "sagemaker", "CreateModel", [
            "ModelName": "pipeline", "Containers": containers, "InferenceExecutionConfig": ["Mode": "Direct"],
        ])
        let described = try call(dispatch, "sagemaker", "DescribeModel", ["ModelName": "pipeline"])
        XCTAssertEqual(described["Containers"], containers)
        XCTAssertEqual(described["InferenceExecutionConfig"], ["Mode": "Direct"])
        XCTAssertNil(described["PrimaryContainer"])
        XCTAssertNil(described["ExecutionRoleArn"])
    }

    func testListsPageSortAndFilterByTime() throws {
        let f = try SageMakerFixture()
        let dispatch = CloudDispatch(cloud: f.cloud)
        let start = f.cloud.clock.now
        for name in ["b-model", "a-model", "c-model"] {
            _ = try call(dispatch, "sagemaker", "CreateModel", model(name))
            f.cloud.clock.advance(by: 60)
        }
        let names = { (page: AWSValue) in page["Models"]?.list?.compactMap { $0["ModelName"]?.string } ?? [] }
        let first = try call(dispatch, "sagemaker", "ListModels", ["SortBy": "Name", "SortOrder": "Ascending", "MaxResults": 2])
        XCTAssertEqual(names(first), ["a-model", "b-model"])
        let token = try XCTUnwrap(first["NextToken"])
        let second = try call(dispatch, "sagemaker", "ListModels",
                              ["SortBy": "Name", "SortOrder": "Ascending", "MaxResults": 2, "NextToken": token])
        XCTAssertEqual(names(second), ["c-model"])
        XCTAssertNil(second["NextToken"])
        XCTAssertEqual(names(try call(dispatch, "sagemaker", "ListModels")), ["c-model", "a-model", "b-model"],
                       "newest first by default")

        let window = try call(dispatch, "sagemaker", "ListModels", [
            "CreationTimeAfter": .timestamp(start), "CreationTimeBefore": .timestamp(start.addingTimeInterval(120)),
        ])
        XCTAssertEqual(names(window), ["a-model"], "both bounds are exclusive")
        let paged = try call(dispatch, "sagemaker", "ListModels",
                             ["CreationTimeAfter": .timestamp(start.addingTimeInterval(-1)), "MaxResults": 1])
        XCTAssertEqual(names(paged), ["c-model"])
        XCTAssertNotNil(paged["NextToken"], "a filtered listing still pages")
    }

    func testRequestsTheModelRefuses() throws {
        let f = try SageMakerFixture()
        let dispatch = CloudDispatch(cloud: f.cloud)
        // Hyphens keep the name inside the pattern, so only the length fails.
        let long = "a" + String(repeating: "-b", count: 31) + "c"
        XCTAssertEqual(long.count, 64)
        assertAWSError("ValidationException", 400,
                       "1 validation error detected: Value '\(long)' at 'endpointName' failed to satisfy constraint: Member must have length less than or equal to 63") {
            _ = try call(dispatch, "sagemaker", "DescribeEndpoint", ["EndpointName": .string(long)])
        }
        assertAWSError("ParamValidationError", 400, "Parameter validation failed:\nMissing required parameter in input: \"EndpointName\"") {
            _ = try call(dispatch, "sagemaker", "CreateEndpoint", ["EndpointConfigName": "c"])
        }
        assertAWSError("ParamValidationError", 400, "Missing required parameter in input: \"Body\"") {
            _ = try call(dispatch, "sagemaker-runtime", "InvokeEndpoint", ["EndpointName": "e"])
        }
        assertAWSError("ParamValidationError", 400, "Unknown parameter in input: \"Endpoint\"") {
            _ = try call(dispatch, "sagemaker", "DescribeEndpoint", ["EndpointName": "e", "Endpoint": "e"])
        }
        assertAWSError("ValidationError", 400,
                       "Value '\(String(repeating: "x", count: 64))' at 'endpointName' failed to satisfy constraint: Member must have length less than or equal to 63") {
            _ = try call(dispatch, "sagemaker-runtime", "InvokeEndpoint", ["EndpointName": .string(String(repeating: "x", count: 64)), "Body": "{}"])
        }
        assertAWSError("ValidationException", 400, "at 'productionVariants.1.member.serverlessConfig.memorySizeInMB'") {
            _ = try call(dispatch, "sagemaker", "CreateEndpointConfig", [
                "EndpointConfigName": "c",
                "ProductionVariants": [["VariantName": "v", "ModelName": "m",
                                        "ServerlessConfig": ["MemorySizeInMB": 8192, "MaxConcurrency": 1]]],
            ])
        }
    }

    func testServiceRulesAndUnemulatedMembers() throws {
        let f = try SageMakerFixture()
        let dispatch = CloudDispatch(cloud: f.cloud)
        assertAWSError("ValidationException", 400, "Could not find model \"\(arnPrefix):model/missing\".") {
            _ = try call(dispatch, "sagemaker", "CreateEndpointConfig", [
                "EndpointConfigName": "c",
                "ProductionVariants": [["VariantName": "v", "ModelName": "missing", "InitialInstanceCount": 1,
                                        "InstanceType": "ml.c5.xlarge"]],
            ])
        }
        assertAWSError("ValidationException", 400, "Either PrimaryContainer or Containers must be specified.") {
            _ = try call(dispatch, "sagemaker", "CreateModel", ["ModelName": "empty"])
        }
        _ = try call(dispatch, "sagemaker", "CreateModel", model("m"))
        assertAWSError("ValidationException", 400, "Cannot create already existing model") {
            _ = try call(dispatch, "sagemaker", "CreateModel", model("M"))
        }
        assertAWSError("ValidationError", 400, "TargetModel is not emulated by labbook") {
            _ = try call(dispatch, "sagemaker-runtime", "InvokeEndpoint", ["EndpointName": "e", "Body": "{}", "TargetModel": "a.tar.gz"])
        }
        assertAWSError("ValidationException", 400, "PrimaryContainer.ModelDataSource is not emulated by labbook") {
            var input = self.model("other").entries ?? [:]
            input["PrimaryContainer"] = ["Image": .string(image), "ModelDataSource": [
                "S3DataSource": ["S3Uri": "s3://lab-bucket/m/", "S3DataType": "S3Prefix", "CompressionType": "None"],
            ]]
            _ = try call(dispatch, "sagemaker", "CreateModel", .map(input))
        }
        assertAWSError("ValidationException", 400, "SortBy Status is not emulated by labbook") {
            _ = try call(dispatch, "sagemaker", "ListEndpoints", ["SortBy": "Status"])
        }
    }
}
