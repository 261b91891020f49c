// Amazon S3's bucket and object operations as boto3 calls them (botocore model
// s3/2006-03-01), onto `S3`. Listings and multipart upload are in S3ListingOperations.swift
// and S3MultipartOperations.swift. Outputs leave out what S3's XML or headers would leave
// out, so boto3's dicts have the same keys: no Contents in an empty listing, no ContentRange
// for a whole object.
import AWSShapes
import Foundation
import Serving

enum S3Operations {
    static let handlers: [String: OperationHandler] = bucketHandlers
        .merging(objectHandlers) { $1 }
        .merging(listingHandlers) { $1 }
        .merging(multipartHandlers) { $1 }

    static func parameters(_ input: AWSValue) -> Parameters { Parameters(input, service: "s3") }

    // MARK: Buckets

    private static let bucketHandlers: [String: OperationHandler] = [
        "CreateBucket": { cloud, input in
            let p = parameters(input)
            let bucket = try p.string("Bucket")
            let constraint = p.structure("CreateBucketConfiguration")?.optionalString("LocationConstraint")
            try cloud.s3.createBucket(bucket, locationConstraint: constraint)
            let location = cloud.s3.locationConstraint == nil ? "/\(bucket)" : "http://\(bucket).s3.amazonaws.com/"
            return .structure([("Location", .string(location))])
        },
        "DeleteBucket": { cloud, input in
            try cloud.s3.deleteBucket(try parameters(input).string("Bucket"))
            return .empty
        },
        "HeadBucket": { cloud, input in
            try onHead { try cloud.s3.headBucket(try parameters(input).string("Bucket")) }
            return .structure([("BucketRegion", .string(cloud.account.region)), ("AccessPointAlias", .bool(false))])
        },
        "ListBuckets": { cloud, input in try listBuckets(cloud, parameters(input)) },
        "GetBucketLocation": { cloud, input in
            let constraint = try cloud.s3.bucketLocation(try parameters(input).string("Bucket"))
            return .structure([("LocationConstraint", .optional(constraint))])
        },
    ]

    /// Names in order, `MaxBuckets` at a time; the token is the last name of the page.
    private static func listBuckets(_ cloud: CloudEnvironment, _ p: Parameters) throws -> AWSValue {
        var buckets = try cloud.s3.listBuckets()
        if let prefix = p.optionalString("Prefix") { buckets.removeAll { !$0.name.hasPrefix(prefix) } }
        if let region = p.optionalString("BucketRegion"), region != cloud.account.region { buckets = [] }
        if let token = p.optionalString("ContinuationToken") {
            guard let data = Data(base64Encoded: token), let after = String(data: data, encoding: .utf8) else {
                throw S3Errors.invalidArgument("continuation-token", token, "The continuation token provided is incorrect")
            }
            buckets.removeAll { !after.utf8.lexicographicallyPrecedes($0.name.utf8) }
        }
        let page = buckets.prefix(p.optionalInt("MaxBuckets") ?? buckets.count)
        let next = page.count < buckets.count ? page.last.map { Data($0.name.utf8).base64EncodedString() } : nil
        return .structure([
            ("Buckets", .list(page.map { bucket in
                .structure([("Name", .string(bucket.name)), ("CreationDate", .timestamp(bucket.creationDate)),
                            ("BucketRegion", .string(cloud.account.region))])
            })),
            ("Owner", owner(cloud)),
            ("Prefix", .optional(p.optionalString("Prefix"))),
            ("ContinuationToken", .optional(next)),
        ])
    }

    // MARK: Objects

    private static let objectHandlers: [String: OperationHandler] = [
        "PutObject": { cloud, input in
            let p = parameters(input)
            let (bucket, key) = (try p.string("Bucket"), try p.string("Key"))
            let body = p.data("Body")
            try checkContentMD5(p.optionalString("ContentMD5"), body)
            try checkWriteConditions(cloud.s3, bucket: bucket, key: key, p)
            let output = try cloud.s3.putObject(bucket: bucket, key: key, body: body,
                                                contentType: p.optionalString("ContentType"), metadata: p.stringMap("Metadata"))
            return .structure([("ETag", .string(output.eTag))])
        },
        "GetObject": { cloud, input in
            let p = parameters(input)
            try requireReadableVersion(p)
            let (object, range) = try cloud.s3.getObject(bucket: try p.string("Bucket"), key: try p.string("Key"),
                                                         range: p.optionalString("Range"), preconditions: try readPreconditions(p))
            return try objectOutput(object, range: range, p, body: true)
        },
        "HeadObject": { cloud, input in
            let p = parameters(input)
            try requireReadableVersion(p)
            let (object, range) = try onHead {
                try cloud.s3.headObject(bucket: try p.string("Bucket"), key: try p.string("Key"),
                                        range: p.optionalString("Range"), preconditions: try readPreconditions(p))
            }
            return try objectOutput(object, range: range, p, body: false)
        },
        "DeleteObject": { cloud, input in
            let p = parameters(input)
            if let version = p.optionalString("VersionId"), version != "null" { throw S3Errors.invalidVersionId(version) }
            let (bucket, key) = (try p.string("Bucket"), try p.string("Key"))
            if p.optionalString("IfMatch") != nil { try checkWriteConditions(cloud.s3, bucket: bucket, key: key, p) }
            try cloud.s3.deleteObject(bucket: bucket, key: key)
            return .empty
        },
        "DeleteObjects": { cloud, input in try deleteObjects(cloud, parameters(input)) },
        "CopyObject": { cloud, input in try copyObject(cloud, parameters(input)) },
    ]

    /// GetObject/HeadObject's answer. `Response*` parameters override the stored headers for this answer only.
    private static func objectOutput(_ object: S3Object, range: S3ByteRange?, _ p: Parameters, body: Bool) throws -> AWSValue {
        var members: [(String, AWSValue?)] = [
            ("AcceptRanges", .string("bytes")),
            ("LastModified", .timestamp(object.lastModified)),
            ("ContentLength", .int(object.contentLength)),
            ("ETag", .string(object.eTag)),
            ("ContentType", .string(p.optionalString("ResponseContentType") ?? object.contentType)),
            ("Metadata", .map(object.metadata.mapValues(AWSValue.string))),
            ("ContentRange", .optional(range?.contentRange)),
            ("CacheControl", .optional(p.optionalString("ResponseCacheControl"))),
            ("ContentDisposition", .optional(p.optionalString("ResponseContentDisposition"))),
            ("ContentEncoding", .optional(p.optionalString("ResponseContentEncoding"))),
            ("ContentLanguage", .optional(p.optionalString("ResponseContentLanguage"))),
            ("Expires", try p.optionalDate("ResponseExpires").map(AWSValue.timestamp)),
        ]
        if body { members.append(("Body", .blob(object.body))) }
        return .structure(members)
    }

    private static func deleteObjects(_ cloud: CloudEnvironment, _ p: Parameters) throws -> AWSValue {
        guard let delete = p.structure("Delete") else { throw S3Errors.malformedXML("Delete is missing") }
        let objects = delete.structures("Objects")
        let output = try cloud.s3.deleteObjects(bucket: try p.string("Bucket"), keys: try objects.map { try $0.string("Key") })
        let failed = Set(output.errors.map(\.key))
        // Versioning is not emulated: a VersionId names the one ("null") version and is echoed back.
        let deleted = (delete.optionalBool("Quiet") ?? false) ? [] : objects.compactMap { object -> AWSValue? in
            guard let key = object.optionalString("Key"), !failed.contains(key) else { return nil }
            return .structure([("Key", .string(key)), ("VersionId", .optional(object.optionalString("VersionId")))])
        }
        let errors = output.errors.map { error in
            AWSValue.structure([("Key", .string(error.key)), ("Code", .string(error.code)), ("Message", .string(error.message))])
        }
        return .structure([("Deleted", deleted.isEmpty ? nil : .list(deleted)), ("Errors", errors.isEmpty ? nil : .list(errors))])
    }

    private static func copyObject(_ cloud: CloudEnvironment, _ p: Parameters) throws -> AWSValue {
        let (bucket, key) = (try p.string("Bucket"), try p.string("Key"))
        let source = try S3CopySource(parsing: try p.string("CopySource"))
        let directive: S3MetadataDirective = p.optionalString("MetadataDirective") == "REPLACE"
            ? .replace(contentType: p.optionalString("ContentType"), metadata: p.stringMap("Metadata")) : .copy
        let preconditions = S3Preconditions(
            ifMatch: p.optionalString("CopySourceIfMatch"), ifNoneMatch: p.optionalString("CopySourceIfNoneMatch"),
            ifModifiedSince: try p.optionalDate("CopySourceIfModifiedSince"),
            ifUnmodifiedSince: try p.optionalDate("CopySourceIfUnmodifiedSince"))
        try checkWriteConditions(cloud.s3, bucket: bucket, key: key, p)
        let result = try cloud.s3.copyObject(bucket: bucket, key: key, source: source,
                                             metadataDirective: directive, preconditions: preconditions)
        return .structure([("CopyObjectResult", .structure([("ETag", .string(result.eTag)),
                                                             ("LastModified", .timestamp(result.lastModified))]))])
    }

    // MARK: Helpers

    /// A HEAD answer has no body: whatever was missing, the client sees 404 NotFound.
    static func onHead<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as AWSError where ["NoSuchKey", "NoSuchBucket"].contains(error.code) {
            throw S3Errors.notFound(error)
        }
    }

    static func owner(_ cloud: CloudEnvironment) -> AWSValue {
        .structure([("ID", .string(cloud.s3.canonicalUserID))])
    }

    private static func readPreconditions(_ p: Parameters) throws -> S3Preconditions {
        S3Preconditions(ifMatch: p.optionalString("IfMatch"), ifNoneMatch: p.optionalString("IfNoneMatch"),
                        ifModifiedSince: try p.optionalDate("IfModifiedSince"),
                        ifUnmodifiedSince: try p.optionalDate("IfUnmodifiedSince"))
    }

    /// Versioning is not emulated: every object has the one version "null". Reading a part
    /// by number is not emulated either; clients read ranges instead.
    private static func requireReadableVersion(_ p: Parameters) throws {
        if let version = p.optionalString("VersionId"), version != "null" { throw S3Errors.invalidVersionId(version) }
        if p.optionalInt("PartNumber") != nil { throw S3Errors.notImplemented("PartNumber; ask for a Range") }
    }

    /// Content-MD5 is the base64 of the body's binary MD5.
    static func checkContentMD5(_ contentMD5: String?, _ body: Data) throws {
        guard let contentMD5 else { return }
        guard let expected = Data(base64Encoded: contentMD5), expected.count == 16 else {
            throw S3Errors.invalidDigest(contentMD5)
        }
        let calculated = Data(Digest.md5(body))
        guard expected == calculated else {
            throw S3Errors.badDigest(expected: contentMD5, calculated: calculated.base64EncodedString())
        }
    }

    /// Conditional writes: `IfNoneMatch: "*"` (only if no object has the key) and `IfMatch`
    /// (only if the object has this ETag; NoSuchKey if there is none).
    static func checkWriteConditions(_ s3: S3, bucket: String, key: String, _ p: Parameters) throws {
        let ifMatch = p.optionalString("IfMatch"), ifNoneMatch = p.optionalString("IfNoneMatch")
        guard ifMatch != nil || ifNoneMatch != nil else { return }
        if let ifNoneMatch, ifNoneMatch != "*" { throw S3Errors.notImplemented("If-None-Match other than '*'") }
        try s3.headBucket(bucket)
        let current = try? s3.headObject(bucket: bucket, key: key)
        if ifNoneMatch != nil, current != nil { throw S3Errors.preconditionFailed("If-None-Match") }
        if let ifMatch {
            guard let current else { throw S3Errors.noSuchKey(key) }
            try S3Preconditions(ifMatch: ifMatch).check(eTag: current.eTag, lastModified: current.lastModified)
        }
    }
}
