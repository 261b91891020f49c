// Requests routed as AWS's front ends route them, from botocore's URI templates, and
// bodies read back by shape in each protocol.
@testable import AWSWire
import AWSShapes
import Foundation
import XCTest

final class RoutingTests: XCTestCase {
    private func route(_ method: String, _ target: String, headers: [(String, String)] = [], body: String = "",
                       signing: String? = "s3") throws -> (RoutedRequest, WireRequest) {
        var request = WireRequest(method: method, target: target, headers: headers, body: Data(body.utf8))
        let routed = try RequestRouter().route(&request, signingName: signing)
        return (routed, request)
    }

    func testS3OperationsSharingAPathAreToldApart() throws {
        XCTAssertEqual(try route("PUT", "/b/k").0.operation.name, "PutObject")
        XCTAssertEqual(try route("PUT", "/b/k?partNumber=1&uploadId=u").0.operation.name, "UploadPart")
        XCTAssertEqual(try route("PUT", "/b/k", headers: [("x-amz-copy-source", "b/j")]).0.operation.name, "CopyObject")
        XCTAssertEqual(try route("GET", "/b?list-type=2").0.operation.name, "ListObjectsV2")
        XCTAssertEqual(try route("GET", "/b").0.operation.name, "ListObjects")
        XCTAssertEqual(try route("GET", "/").0.operation.name, "ListBuckets")
        XCTAssertEqual(try route("POST", "/b/k?uploads").0.operation.name, "CreateMultipartUpload")
        XCTAssertEqual(try route("DELETE", "/b/k?uploadId=u").0.operation.name, "AbortMultipartUpload")
        let (get, _) = try route("GET", "/b/dir/%EC%95%88%EB%85%95%20x.txt")
        XCTAssertEqual(get.labels, ["Bucket": "b", "Key": "dir/안녕 x.txt"])
    }

    func testVirtualHostedStyleAddressesTheBucketByHost() throws {
        let (routed, request) = try route("GET", "/photo.jpg", headers: [("host", "my-bucket.localhost:4566")])
        XCTAssertEqual(routed.operation.name, "GetObject")
        XCTAssertEqual(request.rawPath, "/my-bucket/photo.jpg")
    }

    func testTargetQueryAndCBORRouting() throws {
        XCTAssertEqual(try route("POST", "/", headers: [("X-Amz-Target", "SageMaker.CreateModel")], signing: "sagemaker").0.model.name, "sagemaker")
        let sts = try route("POST", "/", headers: [("content-type", "application/x-www-form-urlencoded")],
                            body: "Action=GetCallerIdentity&Version=2011-06-15", signing: "sts").0
        XCTAssertEqual(sts.model.name, "sts")
        XCTAssertEqual(sts.wireProtocol, .query)
        let cw = try route("POST", "/service/GraniteServiceVersion20100801/operation/ListMetrics",
                           headers: [("smithy-protocol", "rpc-v2-cbor")], signing: "monitoring").0
        XCTAssertEqual(cw.model.name, "cloudwatch")
        XCTAssertEqual(cw.wireProtocol, .rpcV2CBOR)
        XCTAssertEqual(try route("POST", "/endpoints/e/invocations", signing: "sagemaker").0.operation.name, "InvokeEndpoint")
        XCTAssertThrowsError(try route("POST", "/", headers: [("X-Amz-Target", "SageMaker.CreateTrainingJob")], signing: "sagemaker"))
    }

    func testQueryFormReadsListsAndMaps() throws {
        let body = "Action=CreateTopic&Version=2010-03-31&Name=t&Attributes.entry.1.key=DisplayName&Attributes.entry.1.value=Lab%20topic"
            + "&Tags.member.1.Key=k&Tags.member.1.Value=v"
        let (routed, request) = try route("POST", "/", headers: [("content-type", "application/x-www-form-urlencoded")], body: body, signing: "sns")
        let input = try RequestDecoder().input(routed, request)
        XCTAssertEqual(input, ["Name": "t", "Attributes": ["DisplayName": "Lab topic"], "Tags": [["Key": "k", "Value": "v"]]])
    }

    func testCBORRoundTripsTimestampsAndBlobs() throws {
        let model = ServiceModel.cloudWatch
        let codec = CBORShapeCodec(model: model)
        let when = Date(timeIntervalSince1970: 1_764_900_000.5)
        let value: AWSValue = ["Namespace": "N", "MetricData": [["MetricName": "m", "Value": 2.5, "Timestamp": .timestamp(when)]]]
        let data = codec.encode(value, shape: "PutMetricDataInput")
        XCTAssertEqual(try codec.decode(data, shape: "PutMetricDataInput"), value)
        XCTAssertThrowsError(try codec.decode(Data([0xff, 0x00]), shape: "PutMetricDataInput"))
        // 200 nested arrays: refused, not a stack overflow.
        XCTAssertThrowsError(try codec.decode(Data(repeating: 0x81, count: 200) + [0x00], shape: "PutMetricDataInput"))
        // A float where a bool is expected reads as a number, not a libcbor assertion.
        XCTAssertEqual(try codec.decode(Data([0xa1, 0x69] + Array("Namespace".utf8) + [0xf9, 0x3c, 0x00]), shape: "PutMetricDataInput"),
                       ["Namespace": 1.0])
    }
}
