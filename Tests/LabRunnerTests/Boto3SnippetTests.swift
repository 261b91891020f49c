// The boto3 shown under each AWS step: botocore's operation names, the model's argument
// order, readable literals, and one client per service across a handout.
// (Tests/wire/boto3_snippets.py runs every handout's snippets against botocore itself.)
import AWSShapes
import Foundation
import XCTest
@testable import LabRunner

final class Boto3SnippetTests: XCTestCase {
    func testOperationNamesAreBotocoresXformName() {
        XCTAssertEqual(Boto3Snippet.xformName("CreateEndpointConfig"), "create_endpoint_config")
        XCTAssertEqual(Boto3Snippet.xformName("ListObjectsV2"), "list_objects_v2")
        XCTAssertEqual(Boto3Snippet.xformName("InvokeEndpointAsync"), "invoke_endpoint_async")
        XCTAssertEqual(Boto3Snippet.xformName("GetCallerIdentity"), "get_caller_identity")
    }

    func testAClientIsCreatedOnceAndArgumentsFollowTheModel() {
        var introduced = Set<String>()
        let create = RecordedCall(service: "sagemaker", operation: "CreateEndpoint",
                                  parameters: ["EndpointConfigName": "c", "EndpointName": "e"])
        XCTAssertEqual(Boto3Snippet.python([create], introduced: &introduced), """
            import boto3
            sagemaker = boto3.client("sagemaker")

            sagemaker.create_endpoint(EndpointName="e", EndpointConfigName="c")
            """)
        let describe = RecordedCall(service: "sagemaker", operation: "DescribeEndpoint", parameters: ["EndpointName": "e"])
        XCTAssertEqual(Boto3Snippet.python([describe, describe, describe], introduced: &introduced), """
            # the same call 3 times
            sagemaker.describe_endpoint(EndpointName="e")
            """)
        XCTAssertNil(Boto3Snippet.python([], introduced: &introduced))
    }

    func testLongPayloadsAreElidedWithANoteAndTimesAreDatetimes() {
        var introduced: Set<String> = ["boto3-imported", "s3", "cloudwatch"]
        let put = RecordedCall(service: "s3", operation: "PutObject", parameters: [
            "Bucket": "b", "Key": "k", "Body": .blob(Data(repeating: 7, count: 5000)),
        ])
        XCTAssertEqual(Boto3Snippet.python([put], introduced: &introduced), """
            s3.put_object(
                Body=...,  # 5,000 bytes
                Bucket="b",
                Key="k",
            )
            """)
        let statistics = RecordedCall(service: "cloudwatch", operation: "GetMetricStatistics", parameters: [
            "Namespace": "AWS/SageMaker", "MetricName": "Invocations", "Period": 60, "Statistics": ["Sum"],
            "StartTime": .timestamp(Date(timeIntervalSince1970: 1_767_225_600)),
            "EndTime": .timestamp(Date(timeIntervalSince1970: 1_767_229_200)),
        ])
        let python = Boto3Snippet.python([statistics], introduced: &introduced) ?? ""
        XCTAssertTrue(python.hasPrefix("import datetime\n\ncloudwatch.get_metric_statistics(\n"), python)
        XCTAssertTrue(python.contains("    StartTime=datetime.datetime(2026, 1, 1, 0, 0, 0, tzinfo=datetime.timezone.utc),\n"), python)
    }

    func testLiteralsArePython() {
        let literal = PythonLiteral(model: nil)
        XCTAssertEqual(literal.render(["b": true, "a": .null, "n": .double(0.5), "s": "다\"x"], shape: nil, indent: 0).text,
                       #"{"a": None, "b": True, "n": 0.5, "s": "다\"x"}"#)
        XCTAssertEqual(PythonLiteral.bytes(Data([0x61, 0x00, 0x22, 0xff])), #"b"a\x00\"\xff""#)
        let korean = PythonLiteral(model: nil).render(.blob(Data(#"{"text": ["정말 재밌어요"]}"#.utf8)), shape: nil, indent: 0).text
        XCTAssertEqual(korean, #""{\"text\": [\"정말 재밌어요\"]}".encode()"#, "Korean text stays readable")
    }
}
