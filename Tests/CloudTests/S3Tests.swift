import Foundation
import Serving
import XCTest
@testable import Cloud

final class S3Tests: XCTestCase {
    private func makeS3() throws -> S3 {
        try S3(stateDirectory: makeTemporaryDirectory(self), account: Account(), clock: VirtualClock())
    }

    // RFC 1321 appendix A.5 test suite.
    func testMD5MatchesRFC1321Vectors() {
        let vectors = [
            ("", "d41d8cd98f00b204e9800998ecf8427e"),
            ("a", "0cc175b9c0f1b6a831c399e269772661"),
            ("abc", "900150983cd24fb0d6963f7d28e17f72"),
            ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
            ("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
            ("12345678901234567890123456789012345678901234567890123456789012345678901234567890",
             "57edf4a22be3c955ac49da2e2107b67a"),
        ]
        for (input, expected) in vectors {
            XCTAssertEqual(Digest.md5Hex(Data(input.utf8)), expected, "md5('\(input)')")
        }
    }

    func testPutGetHeadRoundTripWithMetadata() throws {
        let s3 = try makeS3()
        try s3.createBucket("lab-bucket")
        let body = Data("hello world".utf8)
        let put = try s3.putObject(bucket: "lab-bucket", key: "videos/in.mp4", body: body,
                                   contentType: "video/mp4", metadata: ["Run-Id": "7"])
        XCTAssertEqual(put.eTag, "\"5eb63bbbe01eeed093cb22bb8f5acdc3\"")
        let object = try s3.getObject(bucket: "lab-bucket", key: "videos/in.mp4")
        XCTAssertEqual(object.body, body)
        XCTAssertEqual(object.contentType, "video/mp4")
        XCTAssertEqual(object.contentLength, 11)
        XCTAssertEqual(object.metadata, ["run-id": "7"])  // S3 lower-cases user metadata names
        let head = try s3.headObject(bucket: "lab-bucket", key: "videos/in.mp4")
        XCTAssertTrue(head.body.isEmpty)
        XCTAssertEqual(head.eTag, put.eTag)
        XCTAssertTrue(s3.objectExists(bucket: "lab-bucket", key: "videos/in.mp4"))
        try s3.deleteObject(bucket: "lab-bucket", key: "videos/in.mp4")
        XCTAssertFalse(s3.objectExists(bucket: "lab-bucket", key: "videos/in.mp4"))
        try s3.deleteObject(bucket: "lab-bucket", key: "videos/in.mp4")  // deleting twice succeeds, as on S3
    }

    func testStateSurvivesANewInstanceOnTheSameDirectory() throws {
        let directory = try makeTemporaryDirectory(self)
        let first = try S3(stateDirectory: directory, account: Account(), clock: VirtualClock())
        try first.createBucket("persisted")
        try first.putObject(bucket: "persisted", key: "a", body: Data([1, 2, 3]))
        let second = try S3(stateDirectory: directory, account: Account(), clock: VirtualClock())
        XCTAssertEqual(try second.getObject(bucket: "persisted", key: "a").body, Data([1, 2, 3]))
        XCTAssertEqual(try second.listBuckets().map(\.name), ["persisted"])
    }

    func testOverwriteReplacesBodyAndLeavesNoStrayFiles() throws {
        let directory = try makeTemporaryDirectory(self)
        let s3 = try S3(stateDirectory: directory, account: Account(), clock: VirtualClock())
        try s3.createBucket("bucket")
        try s3.putObject(bucket: "bucket", key: "k", body: Data("one".utf8))
        try s3.putObject(bucket: "bucket", key: "k", body: Data("two!".utf8))
        XCTAssertEqual(try s3.getObject(bucket: "bucket", key: "k").body, Data("two!".utf8))
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("bucket").path)
        XCTAssertEqual(files.filter { !$0.hasPrefix(".") }.count, 2, "one metadata file and one body: \(files)")
        let blobs = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("bucket/.blobs").path)
        XCTAssertEqual(blobs, [Digest.sha256Hex(Data("two!".utf8))], "the replaced content's blob is gone")
    }

    /// Identical bodies are stored once (lab 3's burst writes one result a thousand times);
    /// each object still reads back whole, and the blob goes with its last object.
    func testIdenticalBodiesShareOneBlob() throws {
        let directory = try makeTemporaryDirectory(self)
        let s3 = try S3(stateDirectory: directory, account: Account(), clock: VirtualClock())
        try s3.createBucket("bucket")
        let body = Data((0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        for index in 0..<20 { try s3.putObject(bucket: "bucket", key: "out/\(index).json", body: body) }
        let blobs = directory.appendingPathComponent("bucket/.blobs")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: blobs.path).count, 1)
        var info = stat()
        XCTAssertEqual(stat(blobs.appendingPathComponent(Digest.sha256Hex(body)).path, &info), 0)
        XCTAssertEqual(Int(info.st_nlink), 21, "the blob and one link per object")
        try s3.deleteObject(bucket: "bucket", key: "out/3.json")
        XCTAssertEqual(try s3.getObject(bucket: "bucket", key: "out/4.json").body, body)
        XCTAssertEqual(try s3.getObject(bucket: "bucket", key: "out/4.json").eTag, "\"\(Digest.md5Hex(body))\"")
        for index in 0..<20 where index != 3 { try s3.deleteObject(bucket: "bucket", key: "out/\(index).json") }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: blobs.path), [], "the last delete takes the blob")
    }

    /// A metadata commit that fails (here: a directory squats on the metadata file's name)
    /// leaves neither the new body nor a temporary file behind, and the error is typed.
    func testFailedCommitLeavesNoOrphanBody() throws {
        let directory = try makeTemporaryDirectory(self)
        let s3 = try S3(stateDirectory: directory, account: Account(), clock: VirtualClock())
        try s3.createBucket("bucket")
        let bucket = directory.appendingPathComponent("bucket")
        let squatter = bucket.appendingPathComponent(Digest.sha256Hex(Data("k".utf8)) + ".json")
        try FileManager.default.createDirectory(at: squatter.appendingPathComponent("inside"), withIntermediateDirectories: true)
        expectAWSError("InternalError", 500, "metadata rename fails") {
            try s3.putObject(bucket: "bucket", key: "k", body: Data("orphan?".utf8))
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: bucket.path).sorted()
        XCTAssertEqual(left, [".blobs", ".bucket.json", squatter.lastPathComponent], "no body, no .tmp-*: \(left)")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: bucket.appendingPathComponent(".blobs").path), [],
                       "no blob without an object")
    }

    /// Temporary files a crashed writer left are swept when S3 opens its state again.
    func testTemporaryLeftoversAreSweptAtInit() throws {
        let directory = try makeTemporaryDirectory(self)
        let first = try S3(stateDirectory: directory, account: Account(), clock: VirtualClock())
        try first.createBucket("bucket")
        try first.putObject(bucket: "bucket", key: "kept", body: Data("kept".utf8))
        let leftovers = [directory.appendingPathComponent(".tmp-root"), directory.appendingPathComponent("bucket/.tmp-body"),
                         directory.appendingPathComponent("bucket/.tmp-metadata")]
        for url in leftovers { try Data("partial".utf8).write(to: url) }
        let second = try S3(stateDirectory: directory, account: Account(), clock: VirtualClock())
        for url in leftovers { XCTAssertFalse(FileManager.default.fileExists(atPath: url.path), url.lastPathComponent) }
        XCTAssertEqual(try second.getObject(bucket: "bucket", key: "kept").body, Data("kept".utf8))
    }

    func testListObjectsV2PagesWithContinuationTokens() throws {
        let s3 = try makeS3()
        try s3.createBucket("listing")
        for key in ["out/3", "out/1", "in/a", "out/2", "out/10"] {
            try s3.putObject(bucket: "listing", key: key, body: Data(key.utf8))
        }
        let first = try s3.listObjectsV2(bucket: "listing", prefix: "out/", maxKeys: 2)
        XCTAssertEqual(first.contents.map(\.key), ["out/1", "out/10"])
        XCTAssertEqual(first.keyCount, 2)
        XCTAssertTrue(first.isTruncated)
        let second = try s3.listObjectsV2(bucket: "listing", prefix: "out/", maxKeys: 2,
                                          continuationToken: first.nextContinuationToken)
        XCTAssertEqual(second.contents.map(\.key), ["out/2", "out/3"])
        XCTAssertFalse(second.isTruncated)
        XCTAssertNil(second.nextContinuationToken)
        let rolled = try s3.listObjectsV2(bucket: "listing", delimiter: "/")
        XCTAssertEqual(rolled.commonPrefixes, ["in/", "out/"])
        XCTAssertEqual(rolled.keyCount, 2)
    }

    func testBucketNamingRules() throws {
        let s3 = try makeS3()
        for valid in ["abc", "my.bucket-1", String(repeating: "a", count: 63)] {
            XCTAssertNoThrow(try s3.createBucket(valid), valid)
        }
    }

    // Codes and statuses: NoSuchBucket/NoSuchKey 404 and BucketAlreadyOwnedByYou 409 from
    // botocore data/s3/2006-03-01/service-2.json; the others from S3's error-code table.
    func testValidationErrors() throws {
        let s3 = try makeS3()
        try s3.createBucket("errors")
        try s3.putObject(bucket: "errors", key: "kept", body: Data("x".utf8))
        let cases: [(String, String, Int, () throws -> Void)] = [
            ("duplicate bucket", "BucketAlreadyOwnedByYou", 409, { try s3.createBucket("errors") }),
            ("too short", "InvalidBucketName", 400, { try s3.createBucket("ab") }),
            ("too long", "InvalidBucketName", 400, { try s3.createBucket(String(repeating: "a", count: 64)) }),
            ("upper case", "InvalidBucketName", 400, { try s3.createBucket("MyBucket") }),
            ("underscore", "InvalidBucketName", 400, { try s3.createBucket("my_bucket") }),
            ("leading hyphen", "InvalidBucketName", 400, { try s3.createBucket("-bucket") }),
            ("adjacent dots", "InvalidBucketName", 400, { try s3.createBucket("a..b") }),
            ("ip address", "InvalidBucketName", 400, { try s3.createBucket("192.168.5.4") }),
            ("xn-- prefix", "InvalidBucketName", 400, { try s3.createBucket("xn--bucket") }),
            ("-s3alias suffix", "InvalidBucketName", 400, { try s3.createBucket("bucket-s3alias") }),
            ("delete non-empty", "BucketNotEmpty", 409, { try s3.deleteBucket("errors") }),
            ("delete unknown", "NoSuchBucket", 404, { try s3.deleteBucket("nope-bucket") }),
            ("get unknown bucket", "NoSuchBucket", 404, { _ = try s3.getObject(bucket: "nope-bucket", key: "kept") }),
            ("get unknown key", "NoSuchKey", 404, { _ = try s3.getObject(bucket: "errors", key: "missing") }),
            ("head unknown key", "NoSuchKey", 404, { _ = try s3.headObject(bucket: "errors", key: "missing") }),
            ("list unknown bucket", "NoSuchBucket", 404, { _ = try s3.listObjectsV2(bucket: "nope-bucket") }),
            ("bad token", "InvalidArgument", 400, {
                _ = try s3.listObjectsV2(bucket: "errors", continuationToken: "%%%") }),
            ("metadata too large", "MetadataTooLarge", 400, {
                try s3.putObject(bucket: "errors", key: "m", body: Data(), metadata: ["k": String(repeating: "v", count: 2048)]) }),
        ]
        for (label, code, status, call) in cases {
            expectAWSError(code, status, label, call)
        }
    }

    /// Requests that must fail without touching what is stored: afterwards every object
    /// reads back byte for byte and no temporary or extra file is left in the bucket.
    func testBadRequestCorpusLosesNoObject() throws {
        let directory = try makeTemporaryDirectory(self)
        let s3 = try S3(stateDirectory: directory, account: Account(), clock: VirtualClock())
        try s3.createBucket("corpus")
        let stored = (0..<8).map { ("data/\($0).bin", Data((0..<(1000 * $0 + 1)).map { UInt8(truncatingIfNeeded: $0 * 31) })) }
        for (key, body) in stored { try s3.putObject(bucket: "corpus", key: key, body: body) }
        let filesBefore = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("corpus").path).sorted()

        let badKeys: [(String, String)] = [
            (String(repeating: "k", count: 1025), "KeyTooLongError"),
            (String(repeating: "é", count: 513), "KeyTooLongError"),  // 1026 bytes in UTF-8
            ("nul\u{0}byte", "InvalidArgument"),
            ("", "InvalidArgument"),
        ]
        for (key, code) in badKeys {
            expectAWSError(code, 400, "put \(key.prefix(20))") {
                try s3.putObject(bucket: "corpus", key: key, body: Data("evil".utf8))
            }
            expectAWSError(code, 400, "get \(key.prefix(20))") { try s3.getObject(bucket: "corpus", key: key) }
            expectAWSError(code, 400, "delete \(key.prefix(20))") { try s3.deleteObject(bucket: "corpus", key: key) }
        }
        for bucket in ["unknown-bucket", "..", "../corpus", "corpus/data"] {
            expectAWSError("NoSuchBucket", 404, "put to \(bucket)") {
                try s3.putObject(bucket: bucket, key: "data/0.bin", body: Data("evil".utf8))
            }
        }

        for (key, body) in stored {
            XCTAssertEqual(try s3.getObject(bucket: "corpus", key: key).body, body, key)
        }
        let filesAfter = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("corpus").path).sorted()
        XCTAssertEqual(filesAfter, filesBefore)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["corpus"])

        // Path-like keys are ordinary S3 keys: stored under their SHA-256, never as paths.
        for key in ["../outside", "data/../../escape", "data/..", "/etc/passwd"] {
            try s3.putObject(bucket: "corpus", key: key, body: Data(key.utf8))
            XCTAssertEqual(try s3.getObject(bucket: "corpus", key: key).body, Data(key.utf8), key)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["corpus"])
    }

    /// A reader racing a writer that keeps replacing one object sees either whole body,
    /// with the ETag that belongs to it, never a mix or a short read.
    func testReadersNeverSeeHalfAnObject() throws {
        let s3 = try makeS3()
        try s3.createBucket("race")
        let bodies = [Data(repeating: 0xaa, count: 300_000), Data(repeating: 0x55, count: 200_000)]
        let eTags = bodies.map { "\"\(Digest.md5Hex($0))\"" }
        try s3.putObject(bucket: "race", key: "model.tar.gz", body: bodies[0])
        let writer = Thread {
            for round in 1...40 { _ = try? s3.putObject(bucket: "race", key: "model.tar.gz", body: bodies[round % 2]) }
        }
        writer.start()
        for _ in 0..<40 {
            let object = try s3.getObject(bucket: "race", key: "model.tar.gz")
            let index = try XCTUnwrap(bodies.firstIndex(of: object.body), "body is one of the two, whole")
            XCTAssertEqual(object.eTag, eTags[index])
            XCTAssertEqual(object.contentLength, bodies[index].count)
        }
        while writer.isExecuting { Thread.sleep(forTimeInterval: 0.01) }
    }

    func testS3URIParsing() throws {
        let uri = try S3URI(parsing: "s3://bucket/multi-container-nlp/modelA/model.tar.gz")
        XCTAssertEqual(uri.bucket, "bucket")
        XCTAssertEqual(uri.key, "multi-container-nlp/modelA/model.tar.gz")
        XCTAssertEqual(uri.description, "s3://bucket/multi-container-nlp/modelA/model.tar.gz")
        XCTAssertEqual(try S3URI(parsing: "s3://bucket").appending("out/x.json").description, "s3://bucket/out/x.json")
        XCTAssertThrowsError(try S3URI(parsing: "https://bucket/key"))
        XCTAssertThrowsError(try S3URI(parsing: "s3:///key"))
    }
}
