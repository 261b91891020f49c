// Multipart upload (CreateMultipartUpload, UploadPart, CompleteMultipartUpload,
// AbortMultipartUpload) with S3's rules: part numbers 1...10000; the parts named at
// completion in ascending order, each with the ETag its upload returned; every part but the
// last at least 5 MiB, checked at completion as S3 does, since a part cannot know it will be
// last; the object's ETag the MD5 of the parts' binary MD5s followed by "-<part count>".
// Parts uploaded but not named at completion are discarded with the upload.
import Foundation
import Serving

public struct S3MultipartUpload: Sendable, Equatable {
    public var uploadId: String
    public var key: String
    public var initiated: Date
}

/// A part as ListParts reports it.
public struct S3Part: Sendable, Equatable {
    public var partNumber: Int
    public var eTag: String
    public var size: Int
    public var lastModified: Date
}

/// One entry of CompleteMultipartUpload's `MultipartUpload.Parts`.
public struct S3CompletedPart: Sendable, Equatable {
    public var partNumber: Int
    /// The ETag UploadPart returned, quoted or not.
    public var eTag: String?

    public init(partNumber: Int, eTag: String?) {
        self.partNumber = partNumber
        self.eTag = eTag
    }
}

public struct CompleteMultipartUploadOutput: Sendable, Equatable {
    public var bucket: String
    public var key: String
    /// Quoted: the MD5 hex of the parts' concatenated binary MD5s, then "-<part count>".
    public var eTag: String
    /// The object's virtual-hosted-style URL.
    public var location: String
}

extension S3 {
    /// S3's multipart limits: parts of 5 MiB (all but the last) to 5 GiB, numbered 1...10000.
    public static let minPartBytes = 5 * 1024 * 1024
    public static let maxPartBytes = 5 * 1024 * 1024 * 1024
    public static let partNumbers = 1...10_000

    public func createMultipartUpload(bucket: String, key: String, contentType: String? = nil,
                                      metadata: [String: String] = [:]) throws -> S3MultipartUpload {
        try S3Names.validateKey(key)
        let userMetadata = try Self.userMetadata(metadata)
        return try lock.withLock {
            try requireBucket(bucket)
            let record = StoredUpload(uploadId: Self.newUploadId(), key: key, initiated: clock.now,
                                      contentType: contentType ?? "binary/octet-stream", metadata: userMetadata)
            try storage.createUpload(bucket: bucket, record)
            return S3MultipartUpload(uploadId: record.uploadId, key: key, initiated: record.initiated)
        }
    }

    /// Stores (or replaces) one part; returns its ETag, the quoted MD5 hex of `body`.
    @discardableResult
    public func uploadPart(bucket: String, key: String, uploadId: String, partNumber: Int, body: Data) throws -> String {
        guard Self.partNumbers.contains(partNumber) else { throw S3Errors.invalidPartNumber(partNumber) }
        guard body.count <= Self.maxPartBytes else { throw S3Errors.entityTooLarge(body.count) }
        let eTag = "\"\(Digest.md5Hex(body))\""
        return try lock.withLock {
            _ = try requireUpload(bucket: bucket, key: key, uploadId: uploadId)
            let part = StoredPart(partNumber: partNumber,
                                  bodyFile: String(format: "%05d-", partNumber) + UUID().uuidString + ".body",
                                  size: body.count, eTag: eTag, lastModified: clock.now)
            try storage.putPart(bucket: bucket, uploadId: uploadId, part: part, body: body)
            return eTag
        }
    }

    /// Joins the named parts into the object, replacing any object under the key, and ends the upload.
    public func completeMultipartUpload(bucket: String, key: String, uploadId: String,
                                        parts: [S3CompletedPart]) throws -> CompleteMultipartUploadOutput {
        try lock.withLock {
            let upload = try requireUpload(bucket: bucket, key: key, uploadId: uploadId)
            let chosen = try Self.choose(parts, from: storage.parts(bucket: bucket, uploadId: uploadId), uploadId: uploadId)
            var body = Data(capacity: chosen.reduce(0) { $0 + $1.size })
            var digests = Data()
            for part in chosen {
                body.append(try storage.partBody(bucket: bucket, uploadId: uploadId, part: part))
                digests.append(contentsOf: Self.bytes(hex: Self.unquoted(part.eTag)))
            }
            let eTag = "\"\(Digest.md5Hex(digests))-\(chosen.count)\""
            let contentKey = Digest.sha256Hex(body)
            // S3 dates a multipart object from the upload's initiation, not its completion.
            let stored = StoredObjectMetadata(
                key: key, bodyFile: "\(Digest.sha256Hex(Data(key.utf8)))-\(UUID().uuidString).body",
                size: body.count, eTag: eTag, contentType: upload.contentType, lastModified: upload.initiated,
                metadata: upload.metadata, contentKey: contentKey)
            try storage.put(bucket: bucket, metadata: stored, body: body, contentKey: contentKey)
            try storage.removeUpload(bucket: bucket, uploadId: uploadId)
            return CompleteMultipartUploadOutput(bucket: bucket, key: key, eTag: eTag,
                                                 location: objectURL(bucket: bucket, key: key))
        }
    }

    public func abortMultipartUpload(bucket: String, key: String, uploadId: String) throws {
        try lock.withLock {
            _ = try requireUpload(bucket: bucket, key: key, uploadId: uploadId)
            try storage.removeUpload(bucket: bucket, uploadId: uploadId)
        }
    }

    /// The object's URL as CompleteMultipartUpload's Location gives it.
    public func objectURL(bucket: String, key: String) -> String {
        let host = account.region == "us-east-1" ? "s3.amazonaws.com" : "s3.\(account.region).amazonaws.com"
        return "https://\(bucket).\(host)/\(S3Names.percentEncoded(key, keepingSlashes: true))"
    }

    // MARK: Helpers

    /// The upload `uploadId` of `key`; S3 answers NoSuchUpload when the id names another key's upload.
    func requireUpload(bucket: String, key: String, uploadId: String) throws -> StoredUpload {
        try S3Names.validateKey(key)
        try requireBucket(bucket)
        guard let upload = try storage.upload(bucket: bucket, uploadId: uploadId), upload.key == key else {
            throw S3Errors.noSuchUpload(uploadId)
        }
        return upload
    }

    /// The stored parts `requested` names, checked in S3's order: the list, then each part, then sizes.
    private static func choose(_ requested: [S3CompletedPart], from uploaded: [StoredPart],
                               uploadId: String) throws -> [StoredPart] {
        guard !requested.isEmpty else { throw S3Errors.malformedXML("the part list is empty") }
        for (earlier, later) in zip(requested, requested.dropFirst()) where earlier.partNumber >= later.partNumber {
            throw S3Errors.invalidPartOrder(uploadId)
        }
        let byNumber = Dictionary(uploaded.map { ($0.partNumber, $0) }, uniquingKeysWith: { $1 })
        let chosen = try requested.map { request in
            guard let part = byNumber[request.partNumber], let eTag = request.eTag,
                  unquoted(eTag) == unquoted(part.eTag) else {
                throw S3Errors.invalidPart(uploadId, partNumber: request.partNumber, eTag: request.eTag)
            }
            return part
        }
        for part in chosen.dropLast() where part.size < minPartBytes {
            throw S3Errors.entityTooSmall(size: part.size, partNumber: part.partNumber, eTag: part.eTag)
        }
        return chosen
    }

    /// User metadata as S3 keeps it: names lower-cased, at most 2 KB of names and values.
    static func userMetadata(_ metadata: [String: String]) throws -> [String: String] {
        let lowered = Dictionary(metadata.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { $1 })
        let bytes = lowered.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count }
        guard bytes <= maxUserMetadataBytes else { throw S3Errors.metadataTooLarge(bytes) }
        return lowered
    }

    /// 48 random bytes in base64url, about as long as S3's own UploadIds.
    private static func newUploadId() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<48).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
    }

    static func unquoted(_ eTag: String) -> String {
        eTag.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
    }

    private static func bytes(hex: String) -> [UInt8] {
        let digits = Array(hex.utf8)
        return stride(from: 0, to: digits.count - 1, by: 2).compactMap {
            UInt8(String(decoding: digits[$0...$0 + 1], as: UTF8.self), radix: 16)
        }
    }
}
