// S3's multipart upload operations as boto3 calls them (what boto3's upload_file does for
// a large file), onto `S3`'s multipart upload (S3Multipart.swift).
import AWSShapes
import Foundation

extension S3Operations {
    static let multipartHandlers: [String: OperationHandler] = [
        "CreateMultipartUpload": { cloud, input in
            let p = parameters(input)
            let upload = try cloud.s3.createMultipartUpload(
                bucket: try p.string("Bucket"), key: try p.string("Key"),
                contentType: p.optionalString("ContentType"), metadata: p.stringMap("Metadata"))
            return .structure([("Bucket", .string(try p.string("Bucket"))), ("Key", .string(upload.key)),
                               ("UploadId", .string(upload.uploadId))])
        },
        "UploadPart": { cloud, input in
            let p = parameters(input)
            let body = p.data("Body")
            try checkContentMD5(p.optionalString("ContentMD5"), body)
            let eTag = try cloud.s3.uploadPart(bucket: try p.string("Bucket"), key: try p.string("Key"),
                                               uploadId: try p.string("UploadId"),
                                               partNumber: try partNumber(p), body: body)
            return .structure([("ETag", .string(eTag))])
        },
        "CompleteMultipartUpload": { cloud, input in try completeMultipartUpload(cloud, parameters(input)) },
        "AbortMultipartUpload": { cloud, input in
            let p = parameters(input)
            try cloud.s3.abortMultipartUpload(bucket: try p.string("Bucket"), key: try p.string("Key"),
                                              uploadId: try p.string("UploadId"))
            return .empty
        },
        "ListMultipartUploads": { cloud, input in try listMultipartUploads(cloud, parameters(input)) },
        "ListParts": { cloud, input in try listParts(cloud, parameters(input)) },
    ]

    private static func partNumber(_ p: Parameters) throws -> Int {
        guard let number = p.optionalInt("PartNumber") else { throw S3Errors.invalidPartNumber(0) }
        return number
    }

    private static func completeMultipartUpload(_ cloud: CloudEnvironment, _ p: Parameters) throws -> AWSValue {
        let (bucket, key) = (try p.string("Bucket"), try p.string("Key"))
        let parts = try (p.structure("MultipartUpload")?.structures("Parts") ?? []).map { part in
            guard let number = part.optionalInt("PartNumber") else { throw S3Errors.malformedXML("a Part has no PartNumber") }
            return S3CompletedPart(partNumber: number, eTag: part.optionalString("ETag"))
        }
        try checkWriteConditions(cloud.s3, bucket: bucket, key: key, p)
        let output = try cloud.s3.completeMultipartUpload(bucket: bucket, key: key,
                                                          uploadId: try p.string("UploadId"), parts: parts)
        return .structure([("Location", .string(output.location)), ("Bucket", .string(output.bucket)),
                           ("Key", .string(output.key)), ("ETag", .string(output.eTag))])
    }

    private static func listMultipartUploads(_ cloud: CloudEnvironment, _ p: Parameters) throws -> AWSValue {
        let bucket = try p.string("Bucket")
        let output = try cloud.s3.listMultipartUploads(
            bucket: bucket, prefix: p.optionalString("Prefix"), delimiter: p.optionalString("Delimiter"),
            keyMarker: p.optionalString("KeyMarker"), uploadIdMarker: p.optionalString("UploadIdMarker"),
            maxUploads: p.optionalInt("MaxUploads"))
        let encode = encoder(p)
        let uploads = output.uploads.map { upload in
            AWSValue.structure([
                ("UploadId", .string(upload.uploadId)), ("Key", .string(encode(upload.key))),
                ("Initiated", .timestamp(upload.initiated)), ("StorageClass", .string("STANDARD")),
                ("Owner", owner(cloud)), ("Initiator", owner(cloud)),
            ])
        }
        return .structure([
            ("Bucket", .string(bucket)),
            ("KeyMarker", .string(encode(p.optionalString("KeyMarker") ?? ""))),
            ("UploadIdMarker", .string(p.optionalString("UploadIdMarker") ?? "")),
            ("NextKeyMarker", .optional(output.nextKeyMarker.map(encode))),
            ("NextUploadIdMarker", .optional(output.nextUploadIdMarker)),
            ("Prefix", .optional(p.optionalString("Prefix").map(encode))),
            ("Delimiter", .optional(p.optionalString("Delimiter").map(encode))),
            ("MaxUploads", .int(output.maxUploads)),
            ("IsTruncated", .bool(output.isTruncated)),
            ("Uploads", uploads.isEmpty ? nil : .list(uploads)),
            ("CommonPrefixes", prefixList(output.commonPrefixes, encode)),
            ("EncodingType", .optional(p.optionalString("EncodingType"))),
        ])
    }

    private static func listParts(_ cloud: CloudEnvironment, _ p: Parameters) throws -> AWSValue {
        let output = try cloud.s3.listParts(
            bucket: try p.string("Bucket"), key: try p.string("Key"), uploadId: try p.string("UploadId"),
            maxParts: p.optionalInt("MaxParts"), partNumberMarker: p.optionalInt("PartNumberMarker"))
        let parts = output.parts.map { part in
            AWSValue.structure([("PartNumber", .int(part.partNumber)), ("LastModified", .timestamp(part.lastModified)),
                                ("ETag", .string(part.eTag)), ("Size", .int(part.size))])
        }
        return .structure([
            ("Bucket", .string(try p.string("Bucket"))),
            ("Key", .string(output.upload.key)),
            ("UploadId", .string(output.upload.uploadId)),
            ("PartNumberMarker", .int(output.partNumberMarker)),
            ("NextPartNumberMarker", output.nextPartNumberMarker.map(AWSValue.int)),
            ("MaxParts", .int(output.maxParts)),
            ("IsTruncated", .bool(output.isTruncated)),
            ("Parts", parts.isEmpty ? nil : .list(parts)),
            ("Initiator", owner(cloud)),
            ("Owner", owner(cloud)),
            ("StorageClass", .string("STANDARD")),
        ])
    }
}
