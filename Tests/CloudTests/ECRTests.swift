import Foundation
import Serving
import XCTest
@testable import Cloud

/// A repository policy letting `service` pull, as lab 4 sets it.
func ecrPullPolicy(for service: String) -> String {
    """
    {"Version": "2012-10-17", "Statement": [{"Sid": "LambdaECRImageRetrievalPolicy", "Effect": "Allow",
      "Principal": {"Service": "\(service)"}, "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]}]}
    """
}

final class ECRTests: XCTestCase {
    // FIPS 180-4 examples (NIST CSRC "SHA256.pdf") and the 1,000,000 x 'a' vector.
    func testSHA256MatchesPublishedVectors() {
        XCTAssertEqual(Digest.sha256Hex(Data()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(Digest.sha256Hex(Data("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(Digest.sha256Hex(Data("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(Digest.sha256Hex(Data(repeating: UInt8(ascii: "a"), count: 1_000_000)),
                       "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Fed in pieces of every size around the 64-byte block, SHA256 gives the one-shot digest.
    func testSHA256FedInPiecesMatchesOneShot() throws {
        var hasher = SHA256()
        var pieces = 0, remaining = 1_000_000
        while remaining > 0 {
            let size = min(remaining, [1, 63, 64, 65, 127, 4096, 0][pieces % 7])
            hasher.update(Data(repeating: UInt8(ascii: "a"), count: size))
            remaining -= size
            pieces += 1
        }
        XCTAssertEqual(hasher.finalizeHex(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        XCTAssertEqual(hasher.finalizeHex(), hasher.finalizeHex(), "finalize leaves the hasher as it was")
        var text = SHA256()
        text.update("ab")
        text.update("c")
        XCTAssertEqual(text.finalizeHex(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sha-\(UUID())")
        try Data(repeating: UInt8(ascii: "a"), count: 1_000_000).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        XCTAssertEqual(try SHA256.hex(ofFileAt: file), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    private func imageDirectory(_ contents: String) throws -> URL {
        let directory = try makeTemporaryDirectory(self)
        try Data(contents.utf8).write(to: directory.appendingPathComponent("coco.names"))
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("weights"), withIntermediateDirectories: true)
        try Data([1, 2, 3, 4]).write(to: directory.appendingPathComponent("weights/yolov3.weights"))
        return directory
    }

    func testPushResolveAndDigestFollowContent() throws {
        let ecr = ECR(account: Account(), clock: VirtualClock())
        let repository = try ecr.createRepository(repositoryName: "yolov3")
        XCTAssertEqual(repository.repositoryUri, "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/yolov3")
        XCTAssertEqual(repository.repositoryArn, "arn:aws:ecr:ap-northeast-2:123456789012:repository/yolov3")

        let manifest = ImageManifest(entryPoint: "yolo-lambda", directory: try imageDirectory("person\ndog\n"))
        let pushed = try ecr.putImage(repositoryName: "yolov3", tag: "latest", manifest: manifest)
        XCTAssertTrue(pushed.imageId.imageDigest.hasPrefix("sha256:"))
        XCTAssertEqual(pushed.imageId.imageDigest, "sha256:" + Digest.sha256Hex(Data(pushed.imageManifest.utf8)))
        XCTAssertTrue(pushed.imageManifest.contains("weights/yolov3.weights"))

        let samePlaceElsewhere = ImageManifest(entryPoint: "yolo-lambda", directory: try imageDirectory("person\ndog\n"))
        XCTAssertEqual(try ecr.putImage(repositoryName: "yolov3", tag: "v1", manifest: samePlaceElsewhere).imageId.imageDigest,
                       pushed.imageId.imageDigest, "same files, same digest")
        let changed = ImageManifest(entryPoint: "yolo-lambda", directory: try imageDirectory("person\ncat\n"))
        let second = try ecr.putImage(repositoryName: "yolov3", tag: "latest", manifest: changed)
        XCTAssertNotEqual(second.imageId.imageDigest, pushed.imageId.imageDigest)

        let uri = repository.repositoryUri + ":latest"
        XCTAssertEqual(try ecr.resolveImage(uri: uri).imageId.imageDigest, second.imageId.imageDigest, "the tag moved")
        XCTAssertEqual(try ecr.resolveImage(uri: repository.repositoryUri + ":v1").imageId.imageDigest, pushed.imageId.imageDigest)
        XCTAssertEqual(try ecr.resolveImage(uri: repository.repositoryUri + "@" + pushed.imageId.imageDigest).manifest, manifest)
        XCTAssertEqual(try ecr.listImages(repositoryName: "yolov3").map(\.imageTag), ["v1", "latest"],
                       "two images: the first kept only v1 when latest moved")
    }

    func testRepositoryPolicyControlsPulls() throws {
        let ecr = ECR(account: Account(), clock: VirtualClock())
        try ecr.createRepository(repositoryName: "kornlp-nsmc")
        XCTAssertFalse(ecr.allowsPull(repositoryName: "kornlp-nsmc", byService: "lambda.amazonaws.com"))
        try ecr.setRepositoryPolicy(repositoryName: "kornlp-nsmc", policyText: ecrPullPolicy(for: "lambda.amazonaws.com"))
        XCTAssertEqual(try ecr.getRepositoryPolicy(repositoryName: "kornlp-nsmc"), ecrPullPolicy(for: "lambda.amazonaws.com"))
        XCTAssertTrue(ecr.allowsPull(repositoryName: "kornlp-nsmc", byService: "lambda.amazonaws.com"))
        XCTAssertFalse(ecr.allowsPull(repositoryName: "kornlp-nsmc", byService: "sagemaker.amazonaws.com"))
    }

    // ECR's error shapes in botocore data/ecr/2015-09-21/service-2.json carry no httpStatusCode;
    // the JSON protocol then answers 400 for all of them.
    func testValidationErrors() throws {
        let ecr = ECR(account: Account(), clock: VirtualClock())
        try ecr.createRepository(repositoryName: "full")
        let images = try imageDirectory("x")
        try ecr.putImage(repositoryName: "full", tag: "latest", manifest: ImageManifest(entryPoint: "h", directory: images))
        let host = ecr.registryHost
        let cases: [(String, String, () throws -> Void)] = [
            ("duplicate", "RepositoryAlreadyExistsException", { try ecr.createRepository(repositoryName: "full") }),
            ("upper case name", "InvalidParameterException", { try ecr.createRepository(repositoryName: "YOLO") }),
            ("one character", "InvalidParameterException", { try ecr.createRepository(repositoryName: "y") }),
            ("trailing slash", "InvalidParameterException", { try ecr.createRepository(repositoryName: "team/") }),
            ("describe unknown", "RepositoryNotFoundException", { _ = try ecr.describeRepositories(repositoryNames: ["nope"]) }),
            ("delete non-empty", "RepositoryNotEmptyException", { try ecr.deleteRepository(repositoryName: "full") }),
            ("delete unknown", "RepositoryNotFoundException", { try ecr.deleteRepository(repositoryName: "nope", force: true) }),
            ("no policy yet", "RepositoryPolicyNotFoundException", { _ = try ecr.getRepositoryPolicy(repositoryName: "full") }),
            ("policy not JSON", "InvalidParameterException", { try ecr.setRepositoryPolicy(repositoryName: "full", policyText: "{") }),
            ("policy without principal", "InvalidParameterException", {
                try ecr.setRepositoryPolicy(repositoryName: "full", policyText: #"{"Statement": {"Effect": "Allow", "Action": "ecr:*"}}"#) }),
            ("push to unknown", "RepositoryNotFoundException", {
                try ecr.putImage(repositoryName: "nope", tag: "latest", manifest: ImageManifest(entryPoint: "h", directory: images)) }),
            ("push missing directory", "InvalidParameterException", {
                try ecr.putImage(repositoryName: "full", tag: "v2",
                                 manifest: ImageManifest(entryPoint: "h", directory: images.appendingPathComponent("absent"))) }),
            ("push same image and tag", "ImageAlreadyExistsException", {
                try ecr.putImage(repositoryName: "full", tag: "latest", manifest: ImageManifest(entryPoint: "h", directory: images)) }),
            ("empty tag", "InvalidParameterException", {
                try ecr.putImage(repositoryName: "full", tag: "", manifest: ImageManifest(entryPoint: "h", directory: images)) }),
            ("unknown tag", "ImageNotFoundException", { _ = try ecr.resolveImage(uri: "\(host)/full:v9") }),
        ]
        for (label, code, call) in cases {
            expectAWSError(code, 400, label, call)
        }
        XCTAssertThrowsError(try ecr.resolveImage(uri: "docker.io/library/full:latest"))
        try ecr.deleteRepository(repositoryName: "full", force: true)
        XCTAssertTrue(try ecr.describeRepositories().isEmpty)
    }
}
