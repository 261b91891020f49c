// CloudWatch Logs as the services write it and boto3 reads it: an endpoint's failure under
// /aws/sagemaker/Endpoints/<name>, filter patterns, GetLogEvents' tokens, AWS's errors.
import AWSShapes
import Foundation
import XCTest
@testable import Cloud

final class CloudWatchLogsTests: XCTestCase {
    func testAFailedEndpointsReasonIsInItsLogGroup() throws {
        let lab = try SageMakerFixture()
        XCTAssertThrowsError(try lab.deploy("broken-ep", model: CreateModelInput(
            modelName: "broken-ep", primaryContainer: lab.container("broken"), executionRoleArn: SageMakerFixture.role)))
        let dispatch = CloudDispatch(cloud: lab.cloud)
        let groups = try dispatch.call("logs", "DescribeLogGroups", ["logGroupNamePrefix": "/aws/sagemaker/"])["logGroups"]?.list ?? []
        XCTAssertEqual(groups.compactMap { $0["logGroupName"]?.string }, ["/aws/sagemaker/Endpoints/broken-ep"])
        let found = try dispatch.call("logs", "FilterLogEvents", ["logGroupName": "/aws/sagemaker/Endpoints/broken-ep",
                                                                 "filterPattern": "\"weights missing\""])
        let messages = found["events"]?.list?.compactMap { $0["message"]?.string } ?? []
        XCTAssertEqual(messages.count, 1, "\(messages)")
        XCTAssertTrue(messages[0].contains("broken"), messages[0])
    }

    func testFilterPatternsAndEventPages() throws {
        let cloud = try CloudEnvironment(stateDirectory: try makeTemporaryDirectory(self))
        for (stream, line) in [("a", "START one"), ("a", "ERROR disk full"), ("b", "START two"), ("b", "WARN slow"), ("a", "END one")] {
            cloud.logs.write(group: "/lab", stream: stream, line)
            cloud.clock.advance(by: 1)
        }
        let dispatch = CloudDispatch(cloud: cloud)
        func filter(_ pattern: String) throws -> [String] {
            try dispatch.call("logs", "FilterLogEvents", ["logGroupName": "/lab", "filterPattern": .string(pattern)])["events"]?
                .list?.compactMap { $0["message"]?.string } ?? []
        }
        XCTAssertEqual(try filter("START"), ["START one", "START two"])
        XCTAssertEqual(try filter("?ERROR ?WARN"), ["ERROR disk full", "WARN slow"])
        XCTAssertEqual(try filter("START -two"), ["START one"])
        XCTAssertEqual(try filter("\"disk full\""), ["ERROR disk full"])

        let head = try dispatch.call("logs", "GetLogEvents", ["logGroupName": "/lab", "logStreamName": "a", "startFromHead": true, "limit": 2])
        XCTAssertEqual(head["events"]?.list?.compactMap { $0["message"]?.string }, ["START one", "ERROR disk full"])
        let next = try dispatch.call("logs", "GetLogEvents", ["logGroupName": "/lab", "logStreamName": "a",
                                                              "nextToken": head["nextForwardToken"] ?? .null])
        XCTAssertEqual(next["events"]?.list?.compactMap { $0["message"]?.string }, ["END one"])
        let newest = try dispatch.call("logs", "GetLogEvents", ["logGroupName": "/lab", "logStreamName": "a", "limit": 1])
        XCTAssertEqual(newest["events"]?.list?.compactMap { $0["message"]?.string }, ["END one"], "the default reads the newest")
        let older = try dispatch.call("logs", "GetLogEvents", ["logGroupName": "/lab", "logStreamName": "a", "limit": 1,
                                                               "nextToken": newest["nextBackwardToken"] ?? .null])
        XCTAssertEqual(older["events"]?.list?.compactMap { $0["message"]?.string }, ["ERROR disk full"], "no overlap going back")
        let end = try dispatch.call("logs", "GetLogEvents", ["logGroupName": "/lab", "logStreamName": "a",
                                                             "nextToken": newest["nextForwardToken"] ?? .null])
        XCTAssertEqual(end["events"]?.list?.count, 0)
        XCTAssertEqual(end["nextForwardToken"], newest["nextForwardToken"], "at the end the same token comes back, for polling")
        cloud.logs.write(group: "/lab", stream: "a", "later")
        let tail = try dispatch.call("logs", "GetLogEvents", ["logGroupName": "/lab", "logStreamName": "a",
                                                              "nextToken": end["nextForwardToken"] ?? .null])
        XCTAssertEqual(tail["events"]?.list?.compactMap { $0["message"]?.string }, ["later"])
        let streams = try dispatch.call("logs", "DescribeLogStreams", ["logGroupName": "/lab", "orderBy": "LastEventTime", "descending": true])
        XCTAssertEqual(streams["logStreams"]?.list?.compactMap { $0["logStreamName"]?.string }, ["a", "b"])
    }

    func testAWSErrors() throws {
        let dispatch = CloudDispatch(cloud: try CloudEnvironment(stateDirectory: try makeTemporaryDirectory(self)))
        XCTAssertThrowsError(try dispatch.call("logs", "FilterLogEvents", ["logGroupName": "/nope"])) { error in
            XCTAssertEqual((error as? AWSError)?.code, "ResourceNotFoundException")
            XCTAssertEqual((error as? AWSError)?.message, "The specified log group does not exist.")
        }
        XCTAssertThrowsError(try dispatch.call("logs", "DescribeLogGroups", ["limit": 51])) { error in
            XCTAssertEqual((error as? AWSError)?.code, "InvalidParameterException", "botocore's model caps limit at 50")
        }
    }
}
