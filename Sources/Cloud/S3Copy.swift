// CopyObject: a server-side copy, possibly between buckets. The copy is a new single-part
// object, so its ETag is the MD5 of the body even when the source was a multipart upload.
// With MetadataDirective COPY (the default) it keeps the source's content type and user
// metadata; REPLACE takes the request's. Copying an object onto itself is legal only with
// REPLACE, since otherwise nothing would change.
import Foundation

/// The `x-amz-copy-source` header: `bucket/key`, URL-encoded as botocore sends it (a raw
/// one works too), with an optional leading slash and `?versionId=`.
public struct S3CopySource: Sendable, Equatable {
    public var bucket: String
    public var key: String
    public var versionId: String?

    public init(bucket: String, key: String, versionId: String? = nil) {
        self.bucket = bucket
        self.key = key
        self.versionId = versionId
    }

    public init(parsing header: String) throws {
        var path = Substring(header)
        if let query = header.range(of: "?versionId=") {
            versionId = String(header[query.upperBound...])
            path = header[..<query.lowerBound]
        }
        let decoded = path.removingPercentEncoding ?? String(path)
        let unrooted = decoded.hasPrefix("/") ? decoded.dropFirst() : Substring(decoded)
        guard let slash = unrooted.firstIndex(of: "/"), slash != unrooted.startIndex,
              unrooted.index(after: slash) != unrooted.endIndex else {
            throw S3Errors.invalidArgument("x-amz-copy-source", header,
                                           "Copy Source must mention the source bucket and key: sourcebucket/sourcekey")
        }
        bucket = String(unrooted[..<slash])
        key = String(unrooted[unrooted.index(after: slash)...])
    }
}

public enum S3MetadataDirective: Sendable, Equatable {
    /// Keep the source's content type and user metadata.
    case copy
    /// Take these instead; a nil content type is S3's default, binary/octet-stream.
    case replace(contentType: String?, metadata: [String: String])
}

public struct CopyObjectResult: Sendable, Equatable {
    public var eTag: String
    public var lastModified: Date
}

extension S3 {
    /// S3 copies at most 5 GB in one CopyObject; larger objects take UploadPartCopy.
    public static let maxCopySourceBytes = 5 * 1024 * 1024 * 1024

    public func copyObject(bucket: String, key: String, source: S3CopySource,
                           metadataDirective: S3MetadataDirective = .copy,
                           preconditions: S3Preconditions = S3Preconditions()) throws -> CopyObjectResult {
        if let versionId = source.versionId, versionId != "null" { throw S3Errors.invalidVersionId(versionId) }
        try S3Names.validateKey(key)
        try headBucket(bucket)
        let head = try headObject(bucket: source.bucket, key: source.key)
        try preconditions.check(eTag: head.eTag, lastModified: head.lastModified, isCopySource: true)
        if source.bucket == bucket, source.key == key, metadataDirective == .copy {
            throw S3Errors.invalidRequest("This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.")
        }
        guard head.contentLength <= Self.maxCopySourceBytes else {
            throw S3Errors.invalidRequest("The specified copy source is larger than the maximum allowable size for a copy source: \(Self.maxCopySourceBytes)")
        }
        let original = try getObject(bucket: source.bucket, key: source.key)
        var contentType = original.contentType, metadata = original.metadata
        if case .replace(let replacementType, let replacementMetadata) = metadataDirective {
            contentType = replacementType ?? "binary/octet-stream"
            metadata = replacementMetadata
        }
        let put = try putObject(bucket: bucket, key: key, body: original.body, contentType: contentType, metadata: metadata)
        return CopyObjectResult(eTag: put.eTag, lastModified: try headObject(bucket: bucket, key: key).lastModified)
    }
}
