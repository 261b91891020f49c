// labbook's own client (WireClient, what `labbook run --endpoint-url` uses) against
// labbook's own server, in every protocol. boto3 and the AWS CLI test the server from
// outside in Tests/wire; this pins the client to the same protocols.
import AWSShapes
import AWSWire
import Cloud
import CloudServer
import Foundation
import Serving
import XCTest

final class WireClientTests: XCTestCase {
    private var server: Task<Void, Error>?
    private var url: URL!
    private var state: URL!

    override func setUp() async throws {
        state = FileManager.default.temporaryDirectory.appendingPathComponent("wire-client-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        let cloud = try CloudEnvironment(stateDirectory: state, registry: HandlerRegistry(), clock: VirtualClock(start: Date()))
        let service = WireService(dispatch: CloudDispatch(cloud: cloud), options: ServerOptions())
        let listening = AsyncStream<String>.makeStream()
        server = Task { try await CloudHTTPServer(service: service, host: "127.0.0.1", port: 0).run { listening.continuation.yield($0) } }
        for await address in listening.stream { url = URL(string: address); break }
    }

    override func tearDown() async throws {
        server?.cancel()
        _ = await server?.result
        try? FileManager.default.removeItem(at: state)
    }

    private func client(secret: String = "test") -> WireClient {
        WireClient(endpoint: url, credentials: ClientCredentials(accessKeyID: "test", secretAccessKey: secret, source: "test"),
                   region: "ap-northeast-2")
    }

    func testEveryProtocolRoundTrips() async throws {
        let aws = client()
        let identity = try await aws.call("sts", "GetCallerIdentity", .empty)                            // query
        XCTAssertEqual(identity["Account"], "123456789012")
        _ = try await aws.call("s3", "CreateBucket", ["Bucket": "bkt", "CreateBucketConfiguration": ["LocationConstraint": "ap-northeast-2"]])
        _ = try await aws.call("s3", "PutObject", ["Bucket": "bkt", "Key": "a dir/키.txt", "Body": .blob(Data("hi".utf8))])  // rest-xml
        let got = try await aws.call("s3", "GetObject", ["Bucket": "bkt", "Key": "a dir/키.txt"])
        XCTAssertEqual(got["Body"], .blob(Data("hi".utf8)))
        XCTAssertEqual(got["ContentLength"], 2)
        let listed = try await aws.call("s3", "ListObjectsV2", ["Bucket": "bkt"])
        XCTAssertEqual(listed["Contents"]?.list?.first?["Key"], "a dir/키.txt")
        let endpoints = try await aws.call("sagemaker", "ListEndpoints", .empty)                          // json 1.1
        XCTAssertEqual(endpoints["Endpoints"], .list([]))
        let functions = try await aws.call("lambda", "ListFunctions", .empty)                             // rest-json
        XCTAssertEqual(functions["Functions"], .list([]))
        let now = Date()
        _ = try await aws.call("cloudwatch", "PutMetricData", ["Namespace": "N", "MetricData": [
            ["MetricName": "m", "Value": 4.0, "Timestamp": .timestamp(now)]]])                           // rpc-v2-cbor
        let stats = try await aws.call("cloudwatch", "GetMetricStatistics", [
            "Namespace": "N", "MetricName": "m", "StartTime": .timestamp(now.addingTimeInterval(-60)),
            "EndTime": .timestamp(now.addingTimeInterval(60)), "Period": 120, "Statistics": ["Sum"]])
        XCTAssertEqual(stats["Datapoints"]?.list?.first?["Sum"], 4.0)
    }

    func testErrorsComeBackAsBotocoreReportsThem() async throws {
        let aws = client()
        _ = try await aws.call("s3", "CreateBucket", ["Bucket": "bkt", "CreateBucketConfiguration": ["LocationConstraint": "ap-northeast-2"]])
        await assertCode("NoSuchKey", 404) { try await aws.call("s3", "GetObject", ["Bucket": "bkt", "Key": "none"]) }
        await assertCode("ValidationException", 400) { try await aws.call("sagemaker", "DescribeEndpoint", ["EndpointName": "a_b"]) }
        await assertCode("NoSuchEntity", 404) { try await aws.call("iam", "GetRole", ["RoleName": "none"]) }
        await assertCode("ResourceNotFoundException", 404) { try await aws.call("lambda", "GetFunction", ["FunctionName": "none"]) }
        await assertCode("ParamValidationError", 400) { try await aws.call("sagemaker", "DescribeEndpoint", .empty) }
        let wrong = client(secret: "wrong")
        await assertCode("SignatureDoesNotMatch", 403) { try await wrong.call("s3", "ListBuckets", .empty) }
        await assertCode("InvalidSignatureException", 403) { try await wrong.call("ecr", "DescribeRepositories", .empty) }
        await assertCode("InvalidSignatureException", 403) { try await wrong.call("cloudwatch", "ListMetrics", .empty) }
    }

    private func assertCode(_ code: String, _ status: Int, file: StaticString = #filePath, line: UInt = #line,
                            _ call: () async throws -> AWSValue) async {
        do {
            _ = try await call()
            XCTFail("expected \(code)", file: file, line: line)
        } catch let error as AWSError {
            XCTAssertEqual(error.code, code, error.message, file: file, line: line)
            XCTAssertEqual(error.httpStatus, status, file: file, line: line)
        } catch {
            XCTFail("\(error)", file: file, line: line)
        }
    }
}
