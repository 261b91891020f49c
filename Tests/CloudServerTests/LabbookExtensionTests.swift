// labbook serve's own API under `/_labbook/` (LabbookExtensions.swift), through WireClient's
// extensionRequest as `labbook run --endpoint-url` sends it: an SNS topic's deliveries, an
// image pushed as a gzip'd tar, the clock, and what the API refuses.
import AWSShapes
import AWSWire
import Cloud
@testable import CloudServer
import Foundation
import Serving
import XCTest

final class LabbookExtensionTests: XCTestCase {
    private var servers: [Task<Void, Error>] = []
    private var url: URL!
    private var state: URL!

    override func setUp() async throws {
        state = FileManager.default.temporaryDirectory.appendingPathComponent("labbook-extension-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        url = try await start(ServerOptions())
    }

    override func tearDown() async throws {
        for server in servers { server.cancel(); _ = await server.result }
        try? FileManager.default.removeItem(at: state)
    }

    private func start(_ options: ServerOptions) async throws -> URL {
        let directory = state.appendingPathComponent("server-\(servers.count)")
        let cloud = try CloudEnvironment(stateDirectory: directory, registry: HandlerRegistry(), clock: VirtualClock(start: Date()))
        let service = WireService(dispatch: CloudDispatch(cloud: cloud), options: options)
        let listening = AsyncStream<String>.makeStream()
        servers.append(Task { try await CloudHTTPServer(service: service, host: "127.0.0.1", port: 0).run { listening.continuation.yield($0) } })
        for await address in listening.stream { return URL(string: address)! }
        throw XCTSkip("the server did not start")
    }

    private func client(secret: String = "test", at endpoint: URL? = nil) -> WireClient {
        WireClient(endpoint: endpoint ?? url, credentials: ClientCredentials(accessKeyID: "test", secretAccessKey: secret, source: "test"),
                   region: "ap-northeast-2")
    }

    /// The answer's JSON object, after checking its status and that the API (not AWS routing) answered.
    private func json(_ answer: WireResponse, _ status: Int, marked: Bool = true,
                      file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        XCTAssertEqual(answer.status, status, String(decoding: answer.body, as: UTF8.self), file: file, line: line)
        XCTAssertEqual(answer.headers.contains { $0.name.lowercased() == "x-labbook-extension" }, marked, file: file, line: line)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: answer.body) as? [String: Any], file: file, line: line)
    }

    func testDeliveriesAreTheTopicsInbox() async throws {
        let aws = client()
        let created = try await aws.call("sns", "CreateTopic", ["Name": "done"])
        let topic = try XCTUnwrap(created["TopicArn"]?.string)
        _ = try await aws.call("sns", "Subscribe", ["TopicArn": .string(topic), "Protocol": "email", "Endpoint": "me@example.com"])
        let path = "/_labbook/sns/deliveries"
        let first = try json(try await aws.extensionRequest(method: "GET", path: path, query: [("TopicArn", topic)]), 200)
        let confirmation = try XCTUnwrap((first["Deliveries"] as? [[String: Any]])?.first)
        XCTAssertEqual(confirmation["Type"] as? String, "SubscriptionConfirmation")
        XCTAssertEqual(confirmation["Endpoint"] as? String, "me@example.com")
        let token = try XCTUnwrap(confirmation["Token"] as? String)
        _ = try await aws.call("sns", "ConfirmSubscription", ["TopicArn": .string(topic), "Token": .string(token)])
        _ = try await aws.call("sns", "Publish", ["TopicArn": .string(topic), "Message": #"{"status": "Completed"}"#, "Subject": "Done"])

        let second = try json(try await aws.extensionRequest(method: "GET", path: path, query: [("TopicArn", topic)]), 200)
        XCTAssertEqual(second["TopicArn"] as? String, topic)
        let notification = try XCTUnwrap((second["Deliveries"] as? [[String: Any]])?.last)
        XCTAssertEqual(notification["Type"] as? String, "Notification")
        XCTAssertEqual(notification["Protocol"] as? String, "email")
        XCTAssertEqual(notification["Subject"] as? String, "Done")
        XCTAssertEqual(notification["Message"] as? String, #"{"status": "Completed"}"#)
        XCTAssertNil(notification["Token"])
        XCTAssertTrue((notification["SubscriptionArn"] as? String)?.hasPrefix(topic + ":") == true, "\(notification)")
        let time = ISO8601DateFormatter()
        time.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        XCTAssertNotNil((notification["Timestamp"] as? String).flatMap(time.date(from:)), "\(notification)")

        let unknown = try json(try await aws.extensionRequest(method: "GET", path: path, query: [("TopicArn", topic + "-gone")]), 404)
        XCTAssertEqual(unknown["__type"] as? String, "NotFound")
        let noTopic = try await aws.extensionRequest(method: "GET", path: path)
        XCTAssertEqual(try json(noTopic, 400)["__type"] as? String, "InvalidParameter")
    }

    /// A model folder's files, as ecr.build_and_push packs them.
    private func imageFolder() throws -> URL {
        let folder = state.appendingPathComponent("image-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("vocab"), withIntermediateDirectories: true)
        try Data(#"{"labels": 2}"#.utf8).write(to: folder.appendingPathComponent("config.json"))
        try Data((0..<5_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }).write(to: folder.appendingPathComponent("model.pth"))
        try Data("[PAD]\n[UNK]\n".utf8).write(to: folder.appendingPathComponent("vocab/vocab.txt"))
        return folder
    }

    func testAPushedImageIsTheOneTheEmbeddedECRWouldHold() async throws {
        let aws = client()
        _ = try await aws.call("ecr", "CreateRepository", ["repositoryName": "nsmc"])
        let folder = try imageFolder()
        let query = [("repositoryName", "nsmc"), ("tag", "v1"), ("handler", "nsmc-lambda")]
        let pushed = try json(try await aws.extensionRequest(method: "POST", path: "/_labbook/ecr/images", query: query,
                                                             body: try ModelArtifact.pack(directory: folder)), 200)
        XCTAssertEqual(pushed["imageUri"] as? String, "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/nsmc:v1")

        // The same files and handler pushed to an embedded ECR: the same manifest, so the same digest.
        let embedded = try CloudEnvironment(stateDirectory: state.appendingPathComponent("embedded"))
        try embedded.ecr.createRepository(repositoryName: "nsmc")
        let image = try embedded.ecr.putImage(repositoryName: "nsmc", tag: "v1", manifest: ImageManifest(entryPoint: "nsmc-lambda", directory: folder))
        XCTAssertEqual(pushed["imageDigest"] as? String, image.imageId.imageDigest)
        let listed = try await aws.call("ecr", "ListImages", ["repositoryName": "nsmc"])
        XCTAssertEqual(listed["imageIds"]?.list?.first?["imageTag"], "v1")

        let missing = try json(try await aws.extensionRequest(method: "POST", path: "/_labbook/ecr/images",
                                                              query: [("repositoryName", "none"), ("handler", "h")],
                                                              body: try ModelArtifact.pack(directory: folder)), 400)
        XCTAssertEqual(missing["__type"] as? String, "RepositoryNotFoundException")
    }

    func testArchivesThatEscapeOrLinkAreRefusedAndWriteNothing() async throws {
        let aws = client()
        _ = try await aws.call("ecr", "CreateRepository", ["repositoryName": "evil"])
        let harmless = TarEntry(path: "weights.bin", kind: .file, mode: 0o644, contents: Data("w".utf8))
        let hostile: [(String, TarEntry)] = [
            ("'..' in path", TarEntry(path: "../../escaped.txt", kind: .file, mode: 0o644, contents: Data("x".utf8))),
            ("absolute path", TarEntry(path: "/tmp/labbook-escaped.txt", kind: .file, mode: 0o644)),
            ("symbolic links are not accepted", TarEntry(path: "link", kind: .symbolicLink(target: "weights.bin"), mode: 0o777)),
        ]
        for (reason, entry) in hostile {
            let archive = try Gzip.compress(TarArchive.archive([harmless, entry]))
            let refused = try json(try await aws.extensionRequest(method: "POST", path: "/_labbook/ecr/images",
                                                                  query: [("repositoryName", "evil"), ("handler", "h")], body: archive), 400)
            XCTAssertEqual(refused["__type"] as? String, "InvalidParameterException", reason)
            XCTAssertTrue((refused["message"] as? String)?.contains(reason) == true, "\(reason): \(refused)")
        }
        let notGzip = try json(try await aws.extensionRequest(method: "POST", path: "/_labbook/ecr/images",
                                                              query: [("repositoryName", "evil"), ("handler", "h")], body: Data("plain".utf8)), 400)
        XCTAssertTrue((notGzip["message"] as? String)?.contains("not gzip") == true, "\(notGzip)")
        let images = state.appendingPathComponent("server-0/ecr/images")
        XCTAssertEqual((try? FileManager.default.contentsOfDirectory(atPath: images.path)) ?? [], [], "nothing is unpacked from a refused archive")
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/tmp/labbook-escaped.txt"))
        let listed = try await aws.call("ecr", "ListImages", ["repositoryName": "evil"])
        XCTAssertEqual(listed["imageIds"], .list([]))
    }

    func testTheAPIChecksSignaturesAndNamesItsRoutes() async throws {
        let wrong = client(secret: "wrong")
        for (method, path) in [("GET", "/_labbook/sns/deliveries"), ("POST", "/_labbook/ecr/images"), ("GET", "/_labbook/clock")] {
            let refused = try json(try await wrong.extensionRequest(method: method, path: path, query: [("TopicArn", "x")]), 403)
            XCTAssertEqual(refused["__type"] as? String, "InvalidSignatureException", path)
        }
        let aws = client()
        // No such route: unmarked, as from a server without the API, and naming the routes there are.
        let unknown = try json(try await aws.extensionRequest(method: "GET", path: "/_labbook/nothing"), 404, marked: false)
        XCTAssertTrue((unknown["message"] as? String)?.contains("POST /_labbook/ecr/images") == true, "\(unknown)")
        let wrongMethod = try await aws.extensionRequest(method: "DELETE", path: "/_labbook/ecr/images")
        XCTAssertEqual(try json(wrongMethod, 405)["__type"] as? String, "MethodNotAllowed")
    }

    func testTheClockCanBeReadAndMovedAhead() async throws {
        let aws = client()
        let time = ISO8601DateFormatter()
        time.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let read = try json(try await aws.extensionRequest(method: "GET", path: "/_labbook/clock"), 200)
        XCTAssertEqual(read["TimeScale"] as? Double, 1)
        let before = try XCTUnwrap((read["Now"] as? String).flatMap(time.date(from:)))
        let moved = try json(try await aws.extensionRequest(method: "POST", path: "/_labbook/clock", query: [("AdvanceSeconds", "3600")]), 200)
        let after = try XCTUnwrap((moved["Now"] as? String).flatMap(time.date(from:)))
        XCTAssertGreaterThanOrEqual(after.timeIntervalSince(before), 3600)
        for bad in ["-1", "nan", "999999999", "soon"] {
            let refused = try json(try await aws.extensionRequest(method: "POST", path: "/_labbook/clock", query: [("AdvanceSeconds", bad)]), 400)
            XCTAssertEqual(refused["__type"] as? String, "ValidationException", bad)
        }
    }

    func testRequestsSignedForS3KeepTheirKeysUnderThePrefix() {
        func request(signedFor service: String?) -> WireRequest {
            let scope = service.map { "Credential=test/20260101/ap-northeast-2/\($0)/aws4_request" }
            let auth = scope.map { [("Authorization", "AWS4-HMAC-SHA256 \($0), SignedHeaders=host;x-amz-date, Signature=00")] } ?? []
            return WireRequest(method: "GET", target: "/_labbook/clock",
                               headers: [("host", "bucket.localhost:4566"), ("x-amz-date", "20260101T000000Z")] + auth, body: Data())
        }
        XCTAssertTrue(LabbookExtensions.handles(request(signedFor: "labbook")))
        XCTAssertTrue(LabbookExtensions.handles(request(signedFor: nil)))
        XCTAssertFalse(LabbookExtensions.handles(request(signedFor: "s3")), "the key _labbook/clock of a virtual-hosted bucket")
    }

    func testABodyOverTheLimitIsRefusedInTheAPIsShape() async throws {
        var options = ServerOptions()
        options.maxBodyBytes = 1024
        let small = client(at: try await start(options))
        let answer = try await small.extensionRequest(method: "POST", path: "/_labbook/ecr/images",
                                                      query: [("repositoryName", "r"), ("handler", "h")], body: Data(count: 4096))
        XCTAssertEqual(try json(answer, 413)["__type"] as? String, "EntityTooLarge")
    }
}
