// ListObjects and ListObjectsV2 as boto3 calls them. With `EncodingType: "url"` (botocore
// sends it on every listing and decodes the answer) keys, prefixes, delimiter and markers
// come back percent-encoded, as S3 sends them.
import AWSShapes
import Foundation

extension S3Operations {
    static let listingHandlers: [String: OperationHandler] = [
        "ListObjects": { cloud, input in try listObjects(cloud, parameters(input)) },
        "ListObjectsV2": { cloud, input in try listObjectsV2(cloud, parameters(input)) },
    ]

    private static func listObjects(_ cloud: CloudEnvironment, _ p: Parameters) throws -> AWSValue {
        let bucket = try p.string("Bucket")
        let marker = p.optionalString("Marker")
        let output = try cloud.s3.listObjects(bucket: bucket, prefix: p.optionalString("Prefix"),
                                              delimiter: p.optionalString("Delimiter"), marker: marker,
                                              maxKeys: p.optionalInt("MaxKeys"))
        let encode = encoder(p)
        return .structure([
            ("IsTruncated", .bool(output.isTruncated)),
            ("Marker", .string(encode(marker ?? ""))),
            ("NextMarker", .optional(output.nextMarker.map(encode))),
            ("Contents", objectList(output.contents, owner: owner(cloud), encode)),
            ("Name", .string(bucket)),
            ("Prefix", .string(encode(output.prefix))),
            ("Delimiter", .optional(output.delimiter.map(encode))),
            ("MaxKeys", .int(output.maxKeys)),
            ("CommonPrefixes", prefixList(output.commonPrefixes, encode)),
            ("EncodingType", .optional(p.optionalString("EncodingType"))),
        ])
    }

    private static func listObjectsV2(_ cloud: CloudEnvironment, _ p: Parameters) throws -> AWSValue {
        let bucket = try p.string("Bucket")
        let output = try cloud.s3.listObjectsV2(
            bucket: bucket, prefix: p.optionalString("Prefix"), delimiter: p.optionalString("Delimiter"),
            maxKeys: p.optionalInt("MaxKeys"), continuationToken: p.optionalString("ContinuationToken"),
            startAfter: p.optionalString("StartAfter"))
        let encode = encoder(p)
        let owner = p.optionalBool("FetchOwner") == true ? owner(cloud) : nil
        return .structure([
            ("IsTruncated", .bool(output.isTruncated)),
            ("Contents", objectList(output.contents, owner: owner, encode)),
            ("Name", .string(bucket)),
            ("Prefix", .string(encode(output.prefix))),
            ("Delimiter", .optional(output.delimiter.map(encode))),
            ("MaxKeys", .int(output.maxKeys)),
            ("CommonPrefixes", prefixList(output.commonPrefixes, encode)),
            ("EncodingType", .optional(p.optionalString("EncodingType"))),
            ("KeyCount", .int(output.keyCount)),
            ("ContinuationToken", .optional(output.continuationToken)),
            ("NextContinuationToken", .optional(output.nextContinuationToken)),
            ("StartAfter", .optional(p.optionalString("StartAfter").map(encode))),
        ])
    }

    /// Percent-encoding when the request says `EncodingType: "url"`, else the identity.
    static func encoder(_ p: Parameters) -> @Sendable (String) -> String {
        guard p.optionalString("EncodingType") == "url" else { return { $0 } }
        return { S3Names.percentEncoded($0, keepingSlashes: true) }
    }

    /// `Contents`, or nil for none: S3 sends no element, so boto3's dict has no key.
    private static func objectList(_ summaries: [S3ObjectSummary], owner: AWSValue?,
                                   _ encode: (String) -> String) -> AWSValue? {
        guard !summaries.isEmpty else { return nil }
        return .list(summaries.map { summary in
            .structure([
                ("Key", .string(encode(summary.key))), ("LastModified", .timestamp(summary.lastModified)),
                ("ETag", .string(summary.eTag)), ("Size", .int(summary.size)),
                ("StorageClass", .string(summary.storageClass)), ("Owner", owner),
            ])
        })
    }

    /// `CommonPrefixes`, or nil for none.
    static func prefixList(_ prefixes: [String], _ encode: (String) -> String) -> AWSValue? {
        prefixes.isEmpty ? nil : .list(prefixes.map { .structure([("Prefix", .string(encode($0)))]) })
    }
}
