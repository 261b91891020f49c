// SNS, Lambda, ECR, IAM, STS, Application Auto Scaling and CloudWatch through the one
// dispatch, as boto3 would call them: boto3-shaped parameters in, the output shapes'
// member names out, and AWS's error codes (the service's own, or the model's constraint
// error the dispatch raises first).
import AWSShapes
import Foundation
import Serving
import XCTest
@testable import Cloud

/// Answers `{"echo": <event>}`.
private struct EchoFunction: LambdaFunctionHandler {
    func handle(event: Data, context: LambdaContext) throws -> Data {
        let parsed = try JSONSerialization.jsonObject(with: event, options: [.fragmentsAllowed])
        return try JSONSerialization.data(withJSONObject: ["echo": parsed], options: [.sortedKeys])
    }
}

final class ServiceDispatchTests: XCTestCase {
    private func makeDispatch() throws -> CloudDispatch {
        var registry = HandlerRegistry()
        registry.register(function: "echo") { _ in EchoFunction() }
        return CloudDispatch(cloud: try CloudEnvironment(stateDirectory: try makeTemporaryDirectory(self), registry: registry))
    }

    private func string(_ value: AWSValue?, _ key: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        try XCTUnwrap(value?[key]?.string, "\(key) in \(String(describing: value))", file: file, line: line)
    }

    // MARK: SNS

    func testSNSTopicSubscriptionAndPublish() throws {
        let dispatch = try makeDispatch()
        let topic = try string(try dispatch.call("sns", "CreateTopic", ["Name": "detections"]), "TopicArn")
        XCTAssertEqual(topic, "arn:aws:sns:ap-northeast-2:123456789012:detections")
        XCTAssertEqual(try dispatch.call("sns", "ListTopics"), ["Topics": [["TopicArn": .string(topic)]]])

        let pending = try dispatch.call("sns", "Subscribe", ["TopicArn": .string(topic), "Protocol": "email",
                                                             "Endpoint": "student@example.com"])
        XCTAssertEqual(pending, ["SubscriptionArn": "pending confirmation"])
        let listed = try XCTUnwrap(try dispatch.call("sns", "ListSubscriptionsByTopic", ["TopicArn": .string(topic)])["Subscriptions"]?.list)
        XCTAssertEqual(listed, [["SubscriptionArn": "PendingConfirmation", "Owner": "123456789012", "Protocol": "email",
                                 "Endpoint": "student@example.com", "TopicArn": .string(topic)]])
        let token = try XCTUnwrap(dispatch.cloud.sns.deliveries(topicArn: topic).first?.token)
        let confirmed = try string(try dispatch.call("sns", "ConfirmSubscription", ["TopicArn": .string(topic), "Token": .string(token)]),
                                   "SubscriptionArn")
        XCTAssertTrue(confirmed.hasPrefix(topic + ":"))

        let published = try dispatch.call("sns", "Publish", [
            "TopicArn": .string(topic), "Message": "3 people detected", "Subject": "YOLO",
            "MessageAttributes": ["count": ["DataType": "Number", "StringValue": "3"]],
        ])
        XCTAssertFalse(try string(published, "MessageId").isEmpty)
        let delivery = try XCTUnwrap(dispatch.cloud.sns.deliveries(topicArn: topic).last)
        XCTAssertEqual(delivery.message, "3 people detected")
        XCTAssertEqual(delivery.messageAttributes["count"], .number("3"))

        let attributes = try XCTUnwrap(try dispatch.call("sns", "GetTopicAttributes", ["TopicArn": .string(topic)])["Attributes"])
        XCTAssertEqual(attributes["TopicArn"], .string(topic))
        XCTAssertEqual(attributes["Owner"], "123456789012")
        XCTAssertEqual(attributes["SubscriptionsConfirmed"], "1")
        XCTAssertEqual(attributes["SubscriptionsPending"], "0")
        XCTAssertTrue(try string(attributes, "Policy").contains(#""AWS:SourceOwner":"123456789012""#))

        XCTAssertEqual(try dispatch.call("sns", "DeleteTopic", ["TopicArn": .string(topic)]), .empty)
        expectAWSError("NotFound", 404, "publish to a deleted topic") {
            _ = try dispatch.call("sns", "Publish", ["TopicArn": .string(topic), "Message": "late"])
        }
    }

    func testSNSErrors() throws {
        let dispatch = try makeDispatch()
        expectAWSError("InvalidParameter", 400, "topic name past 256 characters") {
            _ = try dispatch.call("sns", "CreateTopic", ["Name": .string(String(repeating: "t", count: 257))])
        }
        expectAWSError("ParamValidationError", 400, "Name missing") { try dispatch.call("sns", "CreateTopic", [:]) }
        expectAWSError("NotFound", 404, "attributes of a missing topic") {
            _ = try dispatch.call("sns", "GetTopicAttributes", ["TopicArn": "arn:aws:sns:ap-northeast-2:123456789012:ghost"])
        }
        expectAWSError("InvalidParameter", 400, "a token no call issued") {
            _ = try dispatch.call("sns", "ListTopics", ["NextToken": "not-a-token"])
        }
        expectAWSError("InvalidAction", 400, "an operation not emulated") { try dispatch.call("sns", "Unsubscribe", [:]) }
    }

    func testSNSListTopicsPagesByHundred() throws {
        let dispatch = try makeDispatch()
        for i in 0..<101 { try dispatch.cloud.sns.createTopic(name: "topic-\(i)") }
        let first = try dispatch.call("sns", "ListTopics")
        XCTAssertEqual(first["Topics"]?.list?.count, 100)
        let token = try string(first, "NextToken")
        let second = try dispatch.call("sns", "ListTopics", ["NextToken": .string(token)])
        XCTAssertEqual(second["Topics"]?.list, [["TopicArn": "arn:aws:sns:ap-northeast-2:123456789012:topic-100"]])
        XCTAssertNil(second["NextToken"])
    }

    // MARK: Lambda

    /// A repository Lambda may pull from, with the "echo" handler pushed as :latest; returns the image URI.
    private func pushEchoImage(_ dispatch: CloudDispatch) throws -> String {
        let repository = try XCTUnwrap(try dispatch.call("ecr", "CreateRepository", ["repositoryName": "echo"])["repository"])
        let policy = ecrPullPolicy(for: "lambda.amazonaws.com")
        _ = try dispatch.call("ecr", "SetRepositoryPolicy", ["repositoryName": "echo", "policyText": .string(policy)])
        try dispatch.cloud.ecr.putImage(repositoryName: "echo", tag: "latest",
                                        manifest: ImageManifest(entryPoint: "echo", directory: try makeTemporaryDirectory(self)))
        return try string(repository, "repositoryUri") + ":latest"
    }

    func testLambdaFunctionFromAnImageInvokedWithALogTail() throws {
        let dispatch = try makeDispatch()
        let image = try pushEchoImage(dispatch)
        let role = try XCTUnwrap(try dispatch.call("iam", "CreateRole", [
            "RoleName": "echo-role", "AssumeRolePolicyDocument": .string(iamTrustPolicy(for: "lambda.amazonaws.com")),
        ])["Role"]?["Arn"])
        let created = try dispatch.call("lambda", "CreateFunction", [
            "FunctionName": "echo", "Role": role, "Code": ["ImageUri": .string(image)], "PackageType": "Image",
            "MemorySize": 512, "Timeout": 30, "Environment": ["Variables": ["MODE": "test"]],
        ])
        XCTAssertEqual(created["FunctionArn"], "arn:aws:lambda:ap-northeast-2:123456789012:function:echo")
        XCTAssertEqual(created["MemorySize"], 512)
        XCTAssertEqual(created["PackageType"], "Image")
        XCTAssertEqual(created["Environment"], ["Variables": ["MODE": "test"]])
        let lastModified = try string(created, "LastModified")
        XCTAssertNotNil(lastModified.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$"#, options: .regularExpression),
                        "Lambda's own timestamp text: \(lastModified)")

        let invoked = try dispatch.call("lambda", "Invoke", ["FunctionName": "echo", "Payload": .blob(Data(#"{"n": 1}"#.utf8)),
                                                             "LogType": "Tail"])
        XCTAssertEqual(invoked["StatusCode"], .integer(200))
        XCTAssertEqual(invoked["ExecutedVersion"], "$LATEST")
        XCTAssertNil(invoked["FunctionError"])
        let payload = try XCTUnwrap(invoked["Payload"]?.data)
        XCTAssertEqual(try JSONSerialization.jsonObject(with: payload) as? [String: [String: Int]], ["echo": ["n": 1]])
        let log = try XCTUnwrap(Data(base64Encoded: try string(invoked, "LogResult")))
        XCTAssertTrue(String(decoding: log, as: UTF8.self).contains("REPORT RequestId:"))
        let event = try dispatch.call("lambda", "Invoke", ["FunctionName": "echo", "InvocationType": "Event"])
        XCTAssertEqual(event["StatusCode"], .integer(202))

        let got = try dispatch.call("lambda", "GetFunction", ["FunctionName": "echo"])
        XCTAssertEqual(got["Code"]?["RepositoryType"], "ECR")
        XCTAssertEqual(got["Code"]?["ImageUri"], .string(image))
        XCTAssertEqual(try dispatch.call("lambda", "ListFunctions")["Functions"]?.list?.compactMap { $0["FunctionName"] }, ["echo"])
        XCTAssertEqual(try dispatch.call("lambda", "DeleteFunction", ["FunctionName": "echo"]), ["StatusCode": 204])
        expectAWSError("ResourceNotFoundException", 404, "a deleted function") {
            _ = try dispatch.call("lambda", "Invoke", ["FunctionName": "echo"])
        }
    }

    func testLambdaErrors() throws {
        let dispatch = try makeDispatch()
        let image = try pushEchoImage(dispatch)
        let role = try dispatch.cloud.iam.createRole(roleName: "r",
                                                     assumeRolePolicyDocument: iamTrustPolicy(for: "lambda.amazonaws.com")).arn
        expectAWSError("InvalidParameterValueException", 400, "PackageType defaults to Zip") {
            try dispatch.call("lambda", "CreateFunction", ["FunctionName": "f", "Role": .string(role),
                                                           "Code": ["ImageUri": .string(image)]])
        }
        expectAWSError("ValidationException", 400, "Timeout past Lambda's 900 seconds") {
            try dispatch.call("lambda", "CreateFunction", ["FunctionName": "f", "Role": .string(role), "PackageType": "Image",
                                                           "Code": ["ImageUri": .string(image)], "Timeout": 901])
        }
        expectAWSError("ResourceNotFoundException", 404, "a function never created") {
            _ = try dispatch.call("lambda", "GetFunction", ["FunctionName": "ghost"])
        }
    }

    // MARK: ECR

    func testECRRepositoryPolicyImagesAndLogin() throws {
        let dispatch = try makeDispatch()
        let repository = try XCTUnwrap(try dispatch.call("ecr", "CreateRepository", ["repositoryName": "yolo"])["repository"])
        XCTAssertEqual(repository["repositoryUri"], "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/yolo")
        XCTAssertNotNil(repository["createdAt"]?.date)
        let described = try dispatch.call("ecr", "DescribeRepositories", ["repositoryNames": ["yolo"]])
        XCTAssertEqual(described, ["repositories": [repository]])

        let policy = ecrPullPolicy(for: "lambda.amazonaws.com")
        let set = try dispatch.call("ecr", "SetRepositoryPolicy", ["repositoryName": "yolo", "policyText": .string(policy)])
        XCTAssertEqual(set, ["registryId": "123456789012", "repositoryName": "yolo", "policyText": .string(policy)])
        XCTAssertEqual(try dispatch.call("ecr", "GetRepositoryPolicy", ["repositoryName": "yolo"]), set)

        let image = try dispatch.cloud.ecr.putImage(repositoryName: "yolo", tag: "v1",
                                                    manifest: ImageManifest(entryPoint: "echo", directory: try makeTemporaryDirectory(self)))
        let listed = try dispatch.call("ecr", "ListImages", ["repositoryName": "yolo", "filter": ["tagStatus": "TAGGED"]])
        XCTAssertEqual(listed, ["imageIds": [["imageDigest": .string(image.imageId.imageDigest), "imageTag": "v1"]]])

        let login = try XCTUnwrap(try dispatch.call("ecr", "GetAuthorizationToken")["authorizationData"]?.list?.first)
        let token = String(decoding: try XCTUnwrap(Data(base64Encoded: try string(login, "authorizationToken"))), as: UTF8.self)
        XCTAssertTrue(token.hasPrefix("AWS:"))
        XCTAssertEqual(login["proxyEndpoint"], "https://123456789012.dkr.ecr.ap-northeast-2.amazonaws.com")
        XCTAssertEqual(login["expiresAt"], .timestamp(dispatch.cloud.clock.now.addingTimeInterval(12 * 3_600)))

        expectAWSError("RepositoryNotEmptyException", 400, "images left") {
            _ = try dispatch.call("ecr", "DeleteRepository", ["repositoryName": "yolo"])
        }
        XCTAssertEqual(try dispatch.call("ecr", "DeleteRepository", ["repositoryName": "yolo", "force": true]),
                       ["repository": repository])
    }

    func testECRErrors() throws {
        let dispatch = try makeDispatch()
        expectAWSError("RepositoryNotFoundException", 400, "a repository never created") {
            _ = try dispatch.call("ecr", "DescribeRepositories", ["repositoryNames": ["ghost"]])
        }
        _ = try dispatch.call("ecr", "CreateRepository", ["repositoryName": "bare"])
        expectAWSError("RepositoryPolicyNotFoundException", 400, "no policy set") {
            _ = try dispatch.call("ecr", "GetRepositoryPolicy", ["repositoryName": "bare"])
        }
        expectAWSError("RepositoryAlreadyExistsException", 400, "twice") {
            _ = try dispatch.call("ecr", "CreateRepository", ["repositoryName": "bare"])
        }
        expectAWSError("ParamValidationError", 400, "a name under the model's 2 characters") {
            _ = try dispatch.call("ecr", "CreateRepository", ["repositoryName": "a"])
        }
    }

    // MARK: IAM and STS

    func testIAMRoleWithManagedAndInlinePolicies() throws {
        let dispatch = try makeDispatch()
        let trust = iamTrustPolicy(for: "lambda.amazonaws.com")
        let created = try XCTUnwrap(try dispatch.call("iam", "CreateRole", [
            "RoleName": "yolo-lambda", "AssumeRolePolicyDocument": .string(trust), "Description": "runs YOLO",
        ])["Role"])
        let role = try XCTUnwrap(try dispatch.call("iam", "GetRole", ["RoleName": "yolo-lambda"])["Role"])
        XCTAssertEqual(role, created)
        XCTAssertEqual(role["Path"], "/")
        XCTAssertEqual(role["Arn"], "arn:aws:iam::123456789012:role/yolo-lambda")
        XCTAssertTrue(try string(role, "RoleId").hasPrefix("AROA"))
        XCTAssertNotNil(role["CreateDate"]?.date)
        XCTAssertEqual(role["AssumeRolePolicyDocument"], .string(trust))
        XCTAssertEqual(role["Description"], "runs YOLO")

        let roles = try dispatch.call("iam", "ListRoles", ["MaxItems": 1])
        XCTAssertEqual(roles["IsTruncated"], true)
        let next = try dispatch.call("iam", "ListRoles", ["MaxItems": 1, "Marker": .string(try string(roles, "Marker"))])
        XCTAssertEqual(next["Roles"]?.list, [role])
        XCTAssertEqual(next["IsTruncated"], false)

        let policy = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
        _ = try dispatch.call("iam", "AttachRolePolicy", ["RoleName": "yolo-lambda", "PolicyArn": .string(policy)])
        XCTAssertEqual(try dispatch.call("iam", "ListAttachedRolePolicies", ["RoleName": "yolo-lambda", "PathPrefix": "/service-role/"]),
                       ["AttachedPolicies": [["PolicyName": "AWSLambdaBasicExecutionRole", "PolicyArn": .string(policy)]],
                        "IsTruncated": false])
        let document = #"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}"#
        _ = try dispatch.call("iam", "PutRolePolicy", ["RoleName": "yolo-lambda", "PolicyName": "read", "PolicyDocument": .string(document)])
        XCTAssertEqual(try dispatch.call("iam", "GetRolePolicy", ["RoleName": "yolo-lambda", "PolicyName": "read"]),
                       ["RoleName": "yolo-lambda", "PolicyName": "read", "PolicyDocument": .string(document)])
        XCTAssertEqual(try dispatch.call("iam", "ListRolePolicies", ["RoleName": "yolo-lambda"]),
                       ["PolicyNames": ["read"], "IsTruncated": false])

        expectAWSError("DeleteConflict", 409, "policies still attached") {
            _ = try dispatch.call("iam", "DeleteRole", ["RoleName": "yolo-lambda"])
        }
        _ = try dispatch.call("iam", "DetachRolePolicy", ["RoleName": "yolo-lambda", "PolicyArn": .string(policy)])
        _ = try dispatch.call("iam", "DeleteRolePolicy", ["RoleName": "yolo-lambda", "PolicyName": "read"])
        XCTAssertEqual(try dispatch.call("iam", "DeleteRole", ["RoleName": "yolo-lambda"]), .empty)
        expectAWSError("NoSuchEntity", 404, "a deleted role") { try dispatch.call("iam", "GetRole", ["RoleName": "yolo-lambda"]) }
    }

    func testIAMErrors() throws {
        let dispatch = try makeDispatch()
        expectAWSError("ValidationError", 400, "a 65-character role name") {
            _ = try dispatch.call("iam", "GetRole", ["RoleName": .string(String(repeating: "r", count: 65))])
        }
        expectAWSError("NoSuchEntity", 404, "an inline policy never put") {
            _ = try dispatch.call("iam", "GetRolePolicy", ["RoleName": .string(dispatch.cloud.sts.roleName), "PolicyName": "ghost"])
        }
        expectAWSError("MalformedPolicyDocument", 400, "a trust policy that is not JSON") {
            _ = try dispatch.call("iam", "CreateRole", ["RoleName": "bad", "AssumeRolePolicyDocument": "{not json"])
        }
    }

    func testSTSCallerIdentity() throws {
        let dispatch = try makeDispatch()
        let identity = dispatch.cloud.sts.getCallerIdentity()
        XCTAssertEqual(try dispatch.call("sts", "GetCallerIdentity"),
                       ["UserId": .string(identity.userId), "Account": "123456789012", "Arn": .string(identity.arn)])
        expectAWSError("ParamValidationError", 400, "GetCallerIdentity takes no parameters") {
            _ = try dispatch.call("sts", "GetCallerIdentity", ["RoleArn": "x"])
        }
        expectAWSError("InvalidAction", 400, "AssumeRole is not emulated") { try dispatch.call("sts", "AssumeRole", [:]) }
    }

    // MARK: Application Auto Scaling

    func testApplicationAutoScalingTargetAndPolicy() throws {
        let fixture = try SageMakerFixture()
        try fixture.deploy("async", async: AsyncInferenceConfig(
            clientConfig: AsyncInferenceClientConfig(maxConcurrentInvocationsPerInstance: 2),
            outputConfig: AsyncInferenceOutputConfig(s3OutputPath: "s3://lab-bucket/out")))
        let dispatch = CloudDispatch(cloud: fixture.cloud)
        let target: AWSValue = ["ServiceNamespace": "sagemaker", "ResourceId": "endpoint/async/variant/AllTraffic",
                                "ScalableDimension": "sagemaker:variant:DesiredInstanceCount"]
        let registered = try dispatch.call("application-autoscaling", "RegisterScalableTarget",
                                           merged(target, ["MinCapacity": 0, "MaxCapacity": 3]))
        let arn = try string(registered, "ScalableTargetARN")
        let targets = try XCTUnwrap(try dispatch.call("application-autoscaling", "DescribeScalableTargets",
                                                      ["ServiceNamespace": "sagemaker"])["ScalableTargets"]?.list)
        XCTAssertEqual(targets.count, 1)
        XCTAssertEqual(targets[0]["ScalableTargetARN"], .string(arn))
        XCTAssertEqual(targets[0]["MinCapacity"], 0)
        XCTAssertEqual(targets[0]["MaxCapacity"], 3)
        XCTAssertNotNil(targets[0]["CreationTime"]?.date)

        let configuration: AWSValue = [
            "TargetValue": 5.0, "ScaleOutCooldown": 120, "ScaleInCooldown": 120,
            "CustomizedMetricSpecification": ["MetricName": "ApproximateBacklogSizePerInstance", "Namespace": "AWS/SageMaker",
                                              "Dimensions": [["Name": "EndpointName", "Value": "async"]], "Statistic": "Average"],
        ]
        let put = try dispatch.call("application-autoscaling", "PutScalingPolicy", merged(target, [
            "PolicyName": "backlog", "PolicyType": "TargetTrackingScaling", "TargetTrackingScalingPolicyConfiguration": configuration,
        ]))
        XCTAssertEqual(put["Alarms"]?.list?.count, 2)
        let policies = try XCTUnwrap(try dispatch.call("application-autoscaling", "DescribeScalingPolicies",
                                                       ["ServiceNamespace": "sagemaker"])["ScalingPolicies"]?.list)
        XCTAssertEqual(policies.map { $0["PolicyARN"] }, [put["PolicyARN"]])
        XCTAssertEqual(policies[0]["TargetTrackingScalingPolicyConfiguration"], configuration)
        XCTAssertEqual(try dispatch.call("application-autoscaling", "DescribeScalingActivities", ["ServiceNamespace": "sagemaker"]),
                       ["ScalingActivities": []])

        _ = try dispatch.call("application-autoscaling", "DeleteScalingPolicy", merged(target, ["PolicyName": "backlog"]))
        _ = try dispatch.call("application-autoscaling", "DeregisterScalableTarget", target)
        expectAWSError("ObjectNotFoundException", 400, "deregistered twice") {
            _ = try dispatch.call("application-autoscaling", "DeregisterScalableTarget", target)
        }
        expectAWSError("ValidationException", 400, "a namespace outside the model's enum") {
            _ = try dispatch.call("application-autoscaling", "DescribeScalableTargets", ["ServiceNamespace": "sage"])
        }
        expectAWSError("ValidationException", 400, "MaxResults past 50") {
            _ = try dispatch.call("application-autoscaling", "DescribeScalableTargets", ["ServiceNamespace": "sagemaker", "MaxResults": 51])
        }
    }

    private func merged(_ base: AWSValue, _ extra: AWSValue) -> AWSValue {
        .map((base.entries ?? [:]).merging(extra.entries ?? [:]) { _, new in new })
    }

    // MARK: CloudWatch

    func testCloudWatchPutGetAndList() throws {
        let dispatch = try makeDispatch()
        let now = dispatch.cloud.clock.now
        let dimensions: AWSValue = [["Name": "EndpointName", "Value": "yolo"]]
        _ = try dispatch.call("cloudwatch", "PutMetricData", ["Namespace": "Lab", "MetricData": [
            ["MetricName": "Latency", "Dimensions": dimensions, "Value": 10.0, "Unit": "Milliseconds", "Timestamp": .timestamp(now)],
            ["MetricName": "Latency", "Dimensions": dimensions, "Values": [20.0, 30.0], "Counts": [1.0, 2.0],
             "Unit": "Milliseconds", "Timestamp": .timestamp(now)],
        ]])
        let statistics = try dispatch.call("cloudwatch", "GetMetricStatistics", [
            "Namespace": "Lab", "MetricName": "Latency", "Dimensions": dimensions, "Period": 60,
            "StartTime": .timestamp(now.addingTimeInterval(-60)), "EndTime": .timestamp(now.addingTimeInterval(60)),
            "Statistics": ["SampleCount", "Average", "Sum", "Minimum", "Maximum"],
        ])
        XCTAssertEqual(statistics["Label"], "Latency")
        let point = try XCTUnwrap(statistics["Datapoints"]?.list?.first)
        XCTAssertEqual(point["SampleCount"], .double(4))
        XCTAssertEqual(point["Sum"], .double(90))
        XCTAssertEqual(point["Average"], .double(22.5))
        XCTAssertEqual(point["Minimum"], .double(10))
        XCTAssertEqual(point["Maximum"], .double(30))
        XCTAssertEqual(point["Unit"], "Milliseconds")
        XCTAssertNotNil(point["Timestamp"]?.date)

        let metrics = try dispatch.call("cloudwatch", "ListMetrics", ["Namespace": "Lab", "RecentlyActive": "PT3H",
                                                                     "Dimensions": [["Name": "EndpointName"]]])
        XCTAssertEqual(metrics, ["Metrics": [["Namespace": "Lab", "MetricName": "Latency", "Dimensions": dimensions]]])
    }

    func testCloudWatchErrors() throws {
        let dispatch = try makeDispatch()
        let now = dispatch.cloud.clock.now
        expectAWSError("InvalidParameterValue", 400, "a Period that is not a multiple of 60") {
            _ = try dispatch.call("cloudwatch", "GetMetricStatistics", [
                "Namespace": "Lab", "MetricName": "Latency", "Period": 30, "Statistics": ["Sum"],
                "StartTime": .timestamp(now.addingTimeInterval(-60)), "EndTime": .timestamp(now),
            ])
        }
        expectAWSError("InvalidParameterCombination", 400, "Value and Values together") {
            _ = try dispatch.call("cloudwatch", "PutMetricData", ["Namespace": "Lab", "MetricData": [
                ["MetricName": "ok", "Value": 1.0], ["MetricName": "Latency", "Value": 1.0, "Values": [2.0]],
            ]])
        }
        XCTAssertEqual(try dispatch.cloud.cloudWatch.listMetrics(namespace: "Lab"), [], "a refused request stores nothing")
        expectAWSError("InvalidParameterValue", 400, "a namespace starting with ':' breaks the model's pattern") {
            _ = try dispatch.call("cloudwatch", "ListMetrics", ["Namespace": ":Lab"])
        }
    }
}
