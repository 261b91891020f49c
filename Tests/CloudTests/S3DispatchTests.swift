// S3 through the one dispatch, as boto3 would call it: buckets, objects, ranges and
// conditions, copies, batch deletes, both listings and multipart upload, with S3's error codes.
import AWSShapes
import Foundation
import Serving
import XCTest
@testable import Cloud

final class S3DispatchTests: XCTestCase {
    private static let region: AWSValue = ["LocationConstraint": "ap-northeast-2"]

    private func makeDispatch(region: String = "ap-northeast-2", directory: URL? = nil) throws -> CloudDispatch {
        let directory = try directory ?? makeTemporaryDirectory(self)
        return CloudDispatch(cloud: try CloudEnvironment(stateDirectory: directory, account: Account(region: region)))
    }

    /// A dispatch with bucket `lab` in it.
    private func makeBucket() throws -> CloudDispatch {
        let dispatch = try makeDispatch()
        _ = try dispatch.call("s3", "CreateBucket", ["Bucket": "lab", "CreateBucketConfiguration": Self.region])
        return dispatch
    }

    private func put(_ dispatch: CloudDispatch, _ key: String, _ body: String, bucket: String = "lab") throws {
        _ = try dispatch.call("s3", "PutObject", ["Bucket": .string(bucket), "Key": .string(key), "Body": .blob(Data(body.utf8))])
    }

    private func keys(_ listing: AWSValue) -> [String] {
        (listing["Contents"]?.list ?? []).compactMap { $0["Key"]?.string }
    }

    func testEveryModelledOperationIsAnswered() throws {
        XCTAssertEqual(try makeDispatch().operations(of: "s3"), [
            "AbortMultipartUpload", "CompleteMultipartUpload", "CopyObject", "CreateBucket", "CreateMultipartUpload",
            "DeleteBucket", "DeleteObject", "DeleteObjects", "GetBucketLocation", "GetObject", "HeadBucket",
            "HeadObject", "ListBuckets", "ListMultipartUploads", "ListObjects", "ListObjectsV2", "ListParts",
            "PutObject", "UploadPart",
        ])
    }

    // MARK: Buckets

    func testBucketLifecycleAndLocation() throws {
        let dispatch = try makeDispatch()
        expectAWSError("IllegalLocationConstraintException", 400, "no constraint outside us-east-1") {
            try dispatch.call("s3", "CreateBucket", ["Bucket": "lab"])
        }
        expectAWSError("IllegalLocationConstraintException", 400, "another region") {
            try dispatch.call("s3", "CreateBucket", ["Bucket": "lab", "CreateBucketConfiguration": ["LocationConstraint": "eu-west-1"]])
        }
        let created = try dispatch.call("s3", "CreateBucket", ["Bucket": "lab", "CreateBucketConfiguration": Self.region])
        XCTAssertEqual(created["Location"]?.string, "http://lab.s3.amazonaws.com/")
        expectAWSError("BucketAlreadyOwnedByYou", 409) {
            try dispatch.call("s3", "CreateBucket", ["Bucket": "lab", "CreateBucketConfiguration": Self.region])
        }
        XCTAssertEqual(try dispatch.call("s3", "HeadBucket", ["Bucket": "lab"])["BucketRegion"], "ap-northeast-2")
        expectAWSError("NotFound", 404) { try dispatch.call("s3", "HeadBucket", ["Bucket": "absent"]) }
        XCTAssertEqual(try dispatch.call("s3", "GetBucketLocation", ["Bucket": "lab"]), ["LocationConstraint": "ap-northeast-2"])
        expectAWSError("NoSuchBucket", 404) { try dispatch.call("s3", "GetBucketLocation", ["Bucket": "absent"]) }

        try put(dispatch, "a", "x")
        expectAWSError("BucketNotEmpty", 409) { try dispatch.call("s3", "DeleteBucket", ["Bucket": "lab"]) }
        _ = try dispatch.call("s3", "DeleteObject", ["Bucket": "lab", "Key": "a"])
        XCTAssertEqual(try dispatch.call("s3", "DeleteBucket", ["Bucket": "lab"]), .empty)
        expectAWSError("NoSuchBucket", 404) { try dispatch.call("s3", "DeleteBucket", ["Bucket": "lab"]) }
        expectAWSError("ParamValidationError", 400, "Bucket is required") { try dispatch.call("s3", "HeadBucket") }
    }

    func testUSEast1HasNoLocationConstraintAndForgivesARecreate() throws {
        let dispatch = try makeDispatch(region: "us-east-1")
        XCTAssertEqual(try dispatch.call("s3", "CreateBucket", ["Bucket": "lab"])["Location"], "/lab")
        _ = try dispatch.call("s3", "CreateBucket", ["Bucket": "lab"])
        // botocore's enum leaves out us-east-1, so through the dispatch the model's check answers first.
        expectAWSError("InvalidLocationConstraint", 400) {
            try dispatch.cloud.s3.createBucket("other", locationConstraint: "us-east-1")
        }
        XCTAssertEqual(try dispatch.call("s3", "GetBucketLocation", ["Bucket": "lab"]), .empty)
    }

    func testListBucketsPagesByName() throws {
        let dispatch = try makeDispatch()
        for name in ["gamma", "alpha", "beta"] {
            _ = try dispatch.call("s3", "CreateBucket", ["Bucket": .string(name), "CreateBucketConfiguration": Self.region])
        }
        let all = try dispatch.call("s3", "ListBuckets")
        XCTAssertEqual(all["Buckets"]?.list?.compactMap { $0["Name"]?.string }, ["alpha", "beta", "gamma"])
        XCTAssertNotNil(all["Owner"]?["ID"]?.string)
        XCTAssertNil(all["ContinuationToken"])
        let first = try dispatch.call("s3", "ListBuckets", ["MaxBuckets": 2])
        XCTAssertEqual(first["Buckets"]?.list?.count, 2)
        let token = try XCTUnwrap(first["ContinuationToken"])
        let second = try dispatch.call("s3", "ListBuckets", ["MaxBuckets": 2, "ContinuationToken": token])
        XCTAssertEqual(second["Buckets"]?.list?.compactMap { $0["Name"]?.string }, ["gamma"])
        XCTAssertNil(second["ContinuationToken"])
    }

    // MARK: Objects

    func testPutGetHeadAndMissingObjects() throws {
        let dispatch = try makeBucket()
        let body = Data("hello world".utf8)
        let put = try dispatch.call("s3", "PutObject", [
            "Bucket": "lab", "Key": "in/clip.mp4", "Body": .blob(body), "ContentType": "video/mp4", "Metadata": ["Run-Id": "7"],
        ])
        XCTAssertEqual(put, ["ETag": "\"5eb63bbbe01eeed093cb22bb8f5acdc3\""])
        let got = try dispatch.call("s3", "GetObject", ["Bucket": "lab", "Key": "in/clip.mp4"])
        XCTAssertEqual(got["Body"], .blob(body))
        XCTAssertEqual(got["ContentLength"], 11)
        XCTAssertEqual(got["ContentType"], "video/mp4")
        XCTAssertEqual(got["ETag"], put["ETag"])
        XCTAssertEqual(got["Metadata"], ["run-id": "7"])
        XCTAssertEqual(got["AcceptRanges"], "bytes")
        XCTAssertNotNil(got["LastModified"]?.date)
        XCTAssertNil(got["ContentRange"])
        let head = try dispatch.call("s3", "HeadObject", ["Bucket": "lab", "Key": "in/clip.mp4"])
        XCTAssertNil(head["Body"])
        XCTAssertEqual(head["ContentLength"], 11)

        expectAWSError("NoSuchKey", 404) { try dispatch.call("s3", "GetObject", ["Bucket": "lab", "Key": "absent"]) }
        expectAWSError("NoSuchBucket", 404) { try dispatch.call("s3", "GetObject", ["Bucket": "absent", "Key": "a"]) }
        expectAWSError("NotFound", 404) { try dispatch.call("s3", "HeadObject", ["Bucket": "lab", "Key": "absent"]) }
        expectAWSError("NotFound", 404) { try dispatch.call("s3", "HeadObject", ["Bucket": "absent", "Key": "a"]) }
        expectAWSError("InvalidArgument", 400) {
            try dispatch.call("s3", "GetObject", ["Bucket": "lab", "Key": "in/clip.mp4", "VersionId": "3HL4kqtJlcpXroDTDmJ"])
        }
        XCTAssertEqual(try dispatch.call("s3", "DeleteObject", ["Bucket": "lab", "Key": "in/clip.mp4"]), .empty)
        XCTAssertEqual(try dispatch.call("s3", "DeleteObject", ["Bucket": "lab", "Key": "in/clip.mp4"]), .empty)
    }

    func testContentMD5AndConditionalWrites() throws {
        let dispatch = try makeBucket()
        let body = Data("hello world".utf8)
        let md5 = Data(Digest.md5(body)).base64EncodedString()
        _ = try dispatch.call("s3", "PutObject", ["Bucket": "lab", "Key": "a", "Body": .blob(body), "ContentMD5": .string(md5)])
        expectAWSError("BadDigest", 400) {
            try dispatch.call("s3", "PutObject", ["Bucket": "lab", "Key": "a", "Body": "other", "ContentMD5": .string(md5)])
        }
        expectAWSError("InvalidDigest", 400) {
            try dispatch.call("s3", "PutObject", ["Bucket": "lab", "Key": "a", "Body": "other", "ContentMD5": "nope"])
        }
        expectAWSError("PreconditionFailed", 412) {
            try dispatch.call("s3", "PutObject", ["Bucket": "lab", "Key": "a", "Body": "other", "IfNoneMatch": "*"])
        }
        expectAWSError("PreconditionFailed", 412) {
            try dispatch.call("s3", "PutObject", ["Bucket": "lab", "Key": "a", "Body": "other", "IfMatch": "\"0123\""])
        }
        expectAWSError("NoSuchKey", 404) {
            try dispatch.call("s3", "PutObject", ["Bucket": "lab", "Key": "b", "Body": "other", "IfMatch": "\"0123\""])
        }
        _ = try dispatch.call("s3", "PutObject", ["Bucket": "lab", "Key": "b", "Body": "new", "IfNoneMatch": "*"])
        XCTAssertEqual(try dispatch.call("s3", "GetObject", ["Bucket": "lab", "Key": "a"])["Body"], .blob(body))
    }

    func testRangedReads() throws {
        let dispatch = try makeBucket()
        try put(dispatch, "digits", "0123456789")
        func get(_ range: String) throws -> AWSValue {
            try dispatch.call("s3", "GetObject", ["Bucket": "lab", "Key": "digits", "Range": .string(range)])
        }
        let cases: [(String, String, String?)] = [
            ("bytes=2-5", "2345", "bytes 2-5/10"), ("bytes=7-", "789", "bytes 7-9/10"),
            ("bytes=-3", "789", "bytes 7-9/10"), ("bytes=-20", "0123456789", "bytes 0-9/10"),
            ("bytes=5-100", "56789", "bytes 5-9/10"), ("bytes=9-9", "9", "bytes 9-9/10"),
            ("bytes=5-2", "0123456789", nil), ("bytes=1-2,4-5", "0123456789", nil), ("items=1-2", "0123456789", nil),
        ]
        for (range, body, contentRange) in cases {
            let got = try get(range)
            XCTAssertEqual(got["Body"], .blob(Data(body.utf8)), range)
            XCTAssertEqual(got["ContentLength"]?.int, body.count, range)
            XCTAssertEqual(got["ContentRange"]?.string, contentRange, range)
        }
        for range in ["bytes=10-", "bytes=10-20", "bytes=-0"] {
            expectAWSError("InvalidRange", 416, range) { try get(range) }
        }
        let head = try dispatch.call("s3", "HeadObject", ["Bucket": "lab", "Key": "digits", "Range": "bytes=0-3"])
        XCTAssertEqual(head["ContentLength"], 4)
        XCTAssertEqual(head["ContentRange"], "bytes 0-3/10")
    }

    func testConditionalReads() throws {
        let dispatch = try makeBucket()
        try put(dispatch, "a", "x")
        let head = try dispatch.call("s3", "HeadObject", ["Bucket": "lab", "Key": "a"])
        let eTag = try XCTUnwrap(head["ETag"])
        let modified = try XCTUnwrap(head["LastModified"]?.date)
        XCTAssertNoThrow(try dispatch.call("s3", "GetObject", ["Bucket": "lab", "Key": "a", "IfMatch": eTag]))
        expectAWSError("PreconditionFailed", 412) {
            try dispatch.call("s3", "GetObject", ["Bucket": "lab", "Key": "a", "IfMatch": "\"ffff\""])
        }
        expectAWSError("NotModified", 304) { try dispatch.call("s3", "GetObject", ["Bucket": "lab", "Key": "a", "IfNoneMatch": eTag]) }
        expectAWSError("NotModified", 304) {
            try dispatch.call("s3", "HeadObject", ["Bucket": "lab", "Key": "a", "IfModifiedSince": .timestamp(modified)])
        }
        expectAWSError("PreconditionFailed", 412) {
            try dispatch.call("s3", "GetObject", ["Bucket": "lab", "Key": "a",
                                                  "IfUnmodifiedSince": .timestamp(modified.addingTimeInterval(-60))])
        }
        XCTAssertNoThrow(try dispatch.call("s3", "GetObject", ["Bucket": "lab", "Key": "a",
                                                               "IfModifiedSince": .timestamp(modified.addingTimeInterval(-60))]))
    }

    // MARK: Copy and batch delete

    func testCopyObjectKeepsOrReplacesMetadata() throws {
        let dispatch = try makeBucket()
        _ = try dispatch.call("s3", "CreateBucket", ["Bucket": "archive", "CreateBucketConfiguration": Self.region])
        _ = try dispatch.call("s3", "PutObject", ["Bucket": "lab", "Key": "in/a b+c.json", "Body": "{}",
                                                  "ContentType": "application/json", "Metadata": ["run": "1"]])
        // botocore URL-encodes the source; a leading slash is allowed.
        let copied = try dispatch.call("s3", "CopyObject", ["Bucket": "archive", "Key": "copy.json",
                                                            "CopySource": "/lab/in/a%20b%2Bc.json"])
        let result = try XCTUnwrap(copied["CopyObjectResult"])
        XCTAssertEqual(result["ETag"], .string("\"\(Digest.md5Hex(Data("{}".utf8)))\""))
        XCTAssertNotNil(result["LastModified"]?.date)
        let copy = try dispatch.call("s3", "GetObject", ["Bucket": "archive", "Key": "copy.json"])
        XCTAssertEqual(copy["Body"], .blob(Data("{}".utf8)))
        XCTAssertEqual(copy["ContentType"], "application/json")
        XCTAssertEqual(copy["Metadata"], ["run": "1"])

        expectAWSError("InvalidRequest", 400, "onto itself unchanged") {
            try dispatch.call("s3", "CopyObject", ["Bucket": "archive", "Key": "copy.json", "CopySource": "archive/copy.json"])
        }
        _ = try dispatch.call("s3", "CopyObject", ["Bucket": "archive", "Key": "copy.json", "CopySource": "archive/copy.json",
                                                   "MetadataDirective": "REPLACE", "ContentType": "text/plain"])
        let replaced = try dispatch.call("s3", "HeadObject", ["Bucket": "archive", "Key": "copy.json"])
        XCTAssertEqual(replaced["ContentType"], "text/plain")
        XCTAssertEqual(replaced["Metadata"], .map([:]))

        expectAWSError("NoSuchKey", 404) {
            try dispatch.call("s3", "CopyObject", ["Bucket": "archive", "Key": "x", "CopySource": "lab/absent"])
        }
        expectAWSError("NoSuchBucket", 404) {
            try dispatch.call("s3", "CopyObject", ["Bucket": "absent", "Key": "x", "CopySource": "lab/in/a%20b%2Bc.json"])
        }
        expectAWSError("PreconditionFailed", 412) {
            try dispatch.call("s3", "CopyObject", ["Bucket": "archive", "Key": "x", "CopySource": "lab/in/a%20b%2Bc.json",
                                                   "CopySourceIfMatch": "\"ffff\""])
        }
        expectAWSError("InvalidArgument", 400, "no key") {
            try dispatch.call("s3", "CopyObject", ["Bucket": "archive", "Key": "x", "CopySource": "lab/"])
        }
    }

    func testDeleteObjectsReportsEachKey() throws {
        let dispatch = try makeBucket()
        try put(dispatch, "a", "1")
        try put(dispatch, "b", "2")
        let output = try dispatch.call("s3", "DeleteObjects", ["Bucket": "lab", "Delete": [
            "Objects": [["Key": "a"], ["Key": "b"], ["Key": "never-there"], ["Key": "nul\u{0}key"]],
        ]])
        XCTAssertEqual(output["Deleted"]?.list?.compactMap { $0["Key"]?.string }, ["a", "b", "never-there"])
        XCTAssertEqual(output["Errors"]?.list?.first?["Key"], "nul\u{0}key")
        XCTAssertEqual(output["Errors"]?.list?.first?["Code"], "InvalidArgument")
        XCTAssertNil(try dispatch.call("s3", "ListObjectsV2", ["Bucket": "lab"])["Contents"])

        try put(dispatch, "c", "3")
        let quiet = try dispatch.call("s3", "DeleteObjects", ["Bucket": "lab", "Delete": ["Objects": [["Key": "c"]], "Quiet": true]])
        XCTAssertEqual(quiet, .empty)
        expectAWSError("MalformedXML", 400) {
            try dispatch.call("s3", "DeleteObjects", ["Bucket": "lab", "Delete": ["Objects": []]])
        }
        expectAWSError("NoSuchBucket", 404) {
            try dispatch.call("s3", "DeleteObjects", ["Bucket": "absent", "Delete": ["Objects": [["Key": "a"]]]])
        }
    }

    // MARK: Listings

    func testListObjectsV2PagesWithMaxKeysAndContinuationToken() throws {
        let dispatch = try makeBucket()
        for key in ["e", "a", "c/2", "c/1", "b"] { try put(dispatch, key, key) }
        var seen: [String] = [], token: AWSValue?, pages = 0
        repeat {
            var input: [String: AWSValue] = ["Bucket": "lab", "MaxKeys": 2]
            input["ContinuationToken"] = token
            let page = try dispatch.call("s3", "ListObjectsV2", .map(input))
            XCTAssertEqual(page["MaxKeys"], 2)
            XCTAssertEqual(page["KeyCount"]?.int, keys(page).count)
            XCTAssertEqual(page["ContinuationToken"], token)
            seen += keys(page)
            token = page["NextContinuationToken"]
            XCTAssertEqual(page["IsTruncated"]?.bool, token != nil)
            pages += 1
        } while token != nil
        XCTAssertEqual(seen, ["a", "b", "c/1", "c/2", "e"])
        XCTAssertEqual(pages, 3)

        let rolled = try dispatch.call("s3", "ListObjectsV2", ["Bucket": "lab", "Delimiter": "/", "StartAfter": "a"])
        XCTAssertEqual(keys(rolled), ["b", "e"])
        XCTAssertEqual(rolled["CommonPrefixes"], [["Prefix": "c/"]])
        XCTAssertEqual(rolled["StartAfter"], "a")
        let empty = try dispatch.call("s3", "ListObjectsV2", ["Bucket": "lab", "Prefix": "zzz"])
        XCTAssertNil(empty["Contents"])
        XCTAssertEqual(empty["KeyCount"], 0)
        XCTAssertEqual(empty["Prefix"], "zzz")
        expectAWSError("NoSuchBucket", 404) { try dispatch.call("s3", "ListObjectsV2", ["Bucket": "absent"]) }
    }

    func testListObjectsVersion1MarkersAndURLEncoding() throws {
        let dispatch = try makeBucket()
        for key in ["a", "b", "c/1", "c/2", "d"] { try put(dispatch, key, key) }
        let first = try dispatch.call("s3", "ListObjects", ["Bucket": "lab", "MaxKeys": 2])
        XCTAssertEqual(keys(first), ["a", "b"])
        XCTAssertEqual(first["IsTruncated"], true)
        XCTAssertEqual(first["Marker"], "")
        XCTAssertNil(first["NextMarker"], "S3 names NextMarker only when a Delimiter is given")
        XCTAssertNotNil(first["Contents"]?.list?.first?["Owner"]?["ID"])
        let second = try dispatch.call("s3", "ListObjects", ["Bucket": "lab", "MaxKeys": 2, "Marker": "b"])
        XCTAssertEqual(keys(second), ["c/1", "c/2"])

        let rolled = try dispatch.call("s3", "ListObjects", ["Bucket": "lab", "MaxKeys": 2, "Delimiter": "/", "Marker": "a"])
        XCTAssertEqual(keys(rolled), ["b"])
        XCTAssertEqual(rolled["CommonPrefixes"], [["Prefix": "c/"]])
        let next = try XCTUnwrap(rolled["NextMarker"])
        let rest = try dispatch.call("s3", "ListObjects", ["Bucket": "lab", "MaxKeys": 2, "Delimiter": "/", "Marker": next])
        XCTAssertEqual(keys(rest), ["d"])
        XCTAssertNil(rest["CommonPrefixes"])
        XCTAssertEqual(rest["IsTruncated"], false)

        try put(dispatch, "odd key+1", "x")
        let encoded = try dispatch.call("s3", "ListObjects", ["Bucket": "lab", "Prefix": "odd ", "EncodingType": "url"])
        XCTAssertEqual(keys(encoded), ["odd%20key%2B1"])
        XCTAssertEqual(encoded["Prefix"], "odd%20")
        XCTAssertEqual(encoded["EncodingType"], "url")
    }

    // MARK: Multipart upload

    private static let mebibyte = 1024 * 1024

    private func createUpload(_ dispatch: CloudDispatch, _ key: String, _ extra: [String: AWSValue] = [:]) throws -> String {
        let input = ["Bucket": "lab", "Key": AWSValue.string(key)].merging(extra) { $1 }
        let output = try dispatch.call("s3", "CreateMultipartUpload", .map(input))
        return try XCTUnwrap(output["UploadId"]?.string)
    }

    private func uploadPart(_ dispatch: CloudDispatch, _ key: String, _ uploadId: String, _ number: Int, _ body: Data) throws -> AWSValue {
        let output = try dispatch.call("s3", "UploadPart", ["Bucket": "lab", "Key": .string(key), "UploadId": .string(uploadId),
                                                            "PartNumber": .int(number), "Body": .blob(body)])
        return try XCTUnwrap(output["ETag"])
    }

    private func complete(_ dispatch: CloudDispatch, _ key: String, _ uploadId: String, _ parts: [(Int, AWSValue)]) throws -> AWSValue {
        try dispatch.call("s3", "CompleteMultipartUpload", [
            "Bucket": "lab", "Key": .string(key), "UploadId": .string(uploadId),
            "MultipartUpload": ["Parts": .list(parts.map { ["PartNumber": .int($0.0), "ETag": $0.1] })],
        ])
    }

    func testThreePartUploadJoinsPartsWithAMultipartETag() throws {
        let dispatch = try makeBucket()
        let bodies = [Data(repeating: 0x61, count: 5 * Self.mebibyte), Data(repeating: 0x62, count: 5 * Self.mebibyte),
                      Data("the tail".utf8)]
        let uploadId = try createUpload(dispatch, "big/video.mp4", ["ContentType": "video/mp4", "Metadata": ["Source": "lab"]])
        var eTags: [AWSValue] = []
        for (index, body) in bodies.enumerated().reversed() {  // parts may arrive in any order
            eTags.insert(try uploadPart(dispatch, "big/video.mp4", uploadId, index + 1, body), at: 0)
        }
        XCTAssertEqual(eTags[2], .string("\"\(Digest.md5Hex(bodies[2]))\""))

        let listed = try dispatch.call("s3", "ListParts", ["Bucket": "lab", "Key": "big/video.mp4", "UploadId": .string(uploadId)])
        XCTAssertEqual(listed["Parts"]?.list?.compactMap { $0["Size"]?.int }, bodies.map(\.count))
        XCTAssertEqual(listed["IsTruncated"], false)
        let uploads = try dispatch.call("s3", "ListMultipartUploads", ["Bucket": "lab"])
        XCTAssertEqual(uploads["Uploads"]?.list?.first?["UploadId"]?.string, uploadId)
        XCTAssertEqual(uploads["Uploads"]?.list?.first?["Key"], "big/video.mp4")
        XCTAssertNil(try dispatch.call("s3", "ListObjectsV2", ["Bucket": "lab"])["Contents"], "no object before completion")

        let done = try complete(dispatch, "big/video.mp4", uploadId, [(1, eTags[0]), (2, eTags[1]), (3, eTags[2])])
        let expected = Digest.md5Hex(Data(bodies.flatMap { Digest.md5($0) })) + "-3"
        XCTAssertEqual(done["ETag"], .string("\"\(expected)\""))
        XCTAssertEqual(done["Key"], "big/video.mp4")
        XCTAssertEqual(done["Location"], "https://lab.s3.ap-northeast-2.amazonaws.com/big/video.mp4")

        let object = try dispatch.call("s3", "GetObject", ["Bucket": "lab", "Key": "big/video.mp4"])
        XCTAssertEqual(object["Body"], .blob(bodies.reduce(Data(), +)))
        XCTAssertEqual(object["ETag"], done["ETag"])
        XCTAssertEqual(object["ContentType"], "video/mp4")
        XCTAssertEqual(object["Metadata"], ["source": "lab"])
        let seam = 5 * Self.mebibyte
        let across = try dispatch.call("s3", "GetObject", ["Bucket": "lab", "Key": "big/video.mp4",
                                                           "Range": .string("bytes=\(seam - 2)-\(seam + 1)")])
        XCTAssertEqual(across["Body"], .blob(Data("aabb".utf8)))
        XCTAssertEqual(across["ContentRange"]?.string, "bytes \(seam - 2)-\(seam + 1)/\(2 * seam + 8)")
        XCTAssertNil(try dispatch.call("s3", "ListMultipartUploads", ["Bucket": "lab"])["Uploads"])
        expectAWSError("NoSuchUpload", 404, "a completed upload is gone") {
            try dispatch.call("s3", "ListParts", ["Bucket": "lab", "Key": "big/video.mp4", "UploadId": .string(uploadId)])
        }
    }

    func testCompletionChecksPartOrderETagsAndSizes() throws {
        let dispatch = try makeBucket()
        let uploadId = try createUpload(dispatch, "k")
        let big = try uploadPart(dispatch, "k", uploadId, 1, Data(count: 5 * Self.mebibyte))
        let small = try uploadPart(dispatch, "k", uploadId, 2, Data("small".utf8))
        let last = try uploadPart(dispatch, "k", uploadId, 3, Data("last".utf8))
        expectAWSError("InvalidPartOrder", 400) { try complete(dispatch, "k", uploadId, [(2, small), (1, big)]) }
        expectAWSError("InvalidPartOrder", 400, "repeated") { try complete(dispatch, "k", uploadId, [(1, big), (1, big)]) }
        expectAWSError("InvalidPart", 400, "wrong ETag") { try complete(dispatch, "k", uploadId, [(1, small)]) }
        expectAWSError("InvalidPart", 400, "never uploaded") { try complete(dispatch, "k", uploadId, [(1, big), (4, last)]) }
        expectAWSError("EntityTooSmall", 400) { try complete(dispatch, "k", uploadId, [(1, big), (2, small), (3, last)]) }
        expectAWSError("MalformedXML", 400) { try complete(dispatch, "k", uploadId, []) }
        for number in [0, 10_001] {
            expectAWSError("InvalidArgument", 400, "part \(number)") { try uploadPart(dispatch, "k", uploadId, number, Data()) }
        }
        // Parts left out (2) are dropped; quotes around the ETags are optional.
        let unquoted = AWSValue.string(big.string!.replacingOccurrences(of: "\"", with: ""))
        let done = try complete(dispatch, "k", uploadId, [(1, unquoted), (3, last)])
        XCTAssertTrue(done["ETag"]?.string?.hasSuffix("-2\"") == true, "\(String(describing: done["ETag"]))")
        XCTAssertEqual(try dispatch.call("s3", "HeadObject", ["Bucket": "lab", "Key": "k"])["ContentLength"]?.int, 5 * Self.mebibyte + 4)
    }

    func testUnknownUploadsAreNoSuchUpload() throws {
        let dispatch = try makeBucket()
        let uploadId = try createUpload(dispatch, "k")
        for (key, id) in [("k", "nope"), ("k", "../../etc"), ("k", ""), ("other", uploadId)] {
            expectAWSError("NoSuchUpload", 404, "\(key) \(id)") { try uploadPart(dispatch, key, id, 1, Data("x".utf8)) }
        }
        expectAWSError("NoSuchBucket", 404) {
            try dispatch.call("s3", "ListParts", ["Bucket": "absent", "Key": "k", "UploadId": .string(uploadId)])
        }
        XCTAssertEqual(try dispatch.call("s3", "AbortMultipartUpload", ["Bucket": "lab", "Key": "k", "UploadId": .string(uploadId)]), .empty)
        expectAWSError("NoSuchUpload", 404, "aborted") {
            try dispatch.call("s3", "AbortMultipartUpload", ["Bucket": "lab", "Key": "k", "UploadId": .string(uploadId)])
        }
    }

    func testUploadsAndPartsSurviveARestart() throws {
        let directory = try makeTemporaryDirectory(self)
        let first = try makeDispatch(directory: directory)
        _ = try first.call("s3", "CreateBucket", ["Bucket": "lab", "CreateBucketConfiguration": Self.region])
        let uploadId = try createUpload(first, "k")
        _ = try uploadPart(first, "k", uploadId, 1, Data("old".utf8))
        let eTag = try uploadPart(first, "k", uploadId, 1, Data("new".utf8))  // a re-sent part replaces the old

        let second = try makeDispatch(directory: directory)
        let parts = try second.call("s3", "ListParts", ["Bucket": "lab", "Key": "k", "UploadId": .string(uploadId)])
        XCTAssertEqual(parts["Parts"]?.list?.count, 1)
        XCTAssertEqual(parts["Parts"]?.list?.first?["ETag"], eTag)
        _ = try complete(second, "k", uploadId, [(1, eTag)])
        XCTAssertEqual(try second.call("s3", "GetObject", ["Bucket": "lab", "Key": "k"])["Body"], .blob(Data("new".utf8)))
        let leftovers = try FileManager.default.subpathsOfDirectory(atPath: directory.path).filter { $0.contains(".uploads/") }
        XCTAssertEqual(leftovers, [], "completion removes the upload's files")
    }

    func testListPartsAndListMultipartUploadsPage() throws {
        let dispatch = try makeBucket()
        let uploadId = try createUpload(dispatch, "a/x")
        for number in 1...3 { _ = try uploadPart(dispatch, "a/x", uploadId, number, Data([UInt8(number)])) }
        let first = try dispatch.call("s3", "ListParts", ["Bucket": "lab", "Key": "a/x", "UploadId": .string(uploadId), "MaxParts": 2])
        XCTAssertEqual(first["Parts"]?.list?.compactMap { $0["PartNumber"]?.int }, [1, 2])
        XCTAssertEqual(first["IsTruncated"], true)
        let rest = try dispatch.call("s3", "ListParts", ["Bucket": "lab", "Key": "a/x", "UploadId": .string(uploadId),
                                                         "PartNumberMarker": try XCTUnwrap(first["NextPartNumberMarker"])])
        XCTAssertEqual(rest["Parts"]?.list?.compactMap { $0["PartNumber"]?.int }, [3])
        XCTAssertEqual(rest["IsTruncated"], false)

        let second = try createUpload(dispatch, "a/x")
        let third = try createUpload(dispatch, "b")
        let page = try dispatch.call("s3", "ListMultipartUploads", ["Bucket": "lab", "MaxUploads": 2])
        XCTAssertEqual(page["Uploads"]?.list?.compactMap { $0["Key"]?.string }, ["a/x", "a/x"])
        XCTAssertEqual(Set(page["Uploads"]?.list?.compactMap { $0["UploadId"]?.string } ?? []), [uploadId, second])
        XCTAssertEqual(page["IsTruncated"], true)
        let next = try dispatch.call("s3", "ListMultipartUploads", [
            "Bucket": "lab", "MaxUploads": 2, "KeyMarker": try XCTUnwrap(page["NextKeyMarker"]),
            "UploadIdMarker": try XCTUnwrap(page["NextUploadIdMarker"]),
        ])
        XCTAssertEqual(next["Uploads"]?.list?.compactMap { $0["UploadId"]?.string }, [third])
        XCTAssertEqual(next["IsTruncated"], false)
        let rolled = try dispatch.call("s3", "ListMultipartUploads", ["Bucket": "lab", "Delimiter": "/"])
        XCTAssertEqual(rolled["CommonPrefixes"], [["Prefix": "a/"]])
        XCTAssertEqual(rolled["Uploads"]?.list?.compactMap { $0["Key"]?.string }, ["b"])
    }

    func testCopyOfAMultipartObjectIsSinglePart() throws {
        let dispatch = try makeBucket()
        let uploadId = try createUpload(dispatch, "one-part")
        let eTag = try uploadPart(dispatch, "one-part", uploadId, 1, Data("tiny".utf8))  // a lone last part may be small
        XCTAssertTrue(try complete(dispatch, "one-part", uploadId, [(1, eTag)])["ETag"]?.string?.hasSuffix("-1\"") == true)
        let copy = try dispatch.call("s3", "CopyObject", ["Bucket": "lab", "Key": "copy", "CopySource": "lab/one-part"])
        XCTAssertEqual(copy["CopyObjectResult"]?["ETag"], eTag, "a copy's ETag is its body's MD5")
    }
}
