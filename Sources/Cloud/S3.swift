// Amazon S3 (botocore model s3/2006-03-01): buckets and objects on local disk.
// Operation and member names follow botocore's shapes (PutObjectOutput.ETag -> eTag, ...).
import Foundation
import Serving

public struct PutObjectOutput: Sendable, Equatable {
    /// The quoted MD5 hex of the body, as S3 returns it for a single-part upload.
    public var eTag: String
}

/// GetObject/HeadObject output. HeadObject leaves `body` empty.
public struct S3Object: Sendable, Equatable {
    public var key: String
    public var body: Data
    public var contentType: String
    public var contentLength: Int
    public var eTag: String
    public var lastModified: Date
    public var metadata: [String: String]
}

/// One entry of ListObjectsV2's `Contents`.
public struct S3ObjectSummary: Sendable, Equatable {
    public var key: String
    public var lastModified: Date
    public var eTag: String
    public var size: Int
    public var storageClass: String
}

public struct ListObjectsV2Output: Sendable, Equatable {
    public var name: String
    public var prefix: String
    public var delimiter: String?
    public var maxKeys: Int
    public var keyCount: Int
    public var isTruncated: Bool
    public var contents: [S3ObjectSummary]
    public var commonPrefixes: [String]
    public var continuationToken: String?
    public var nextContinuationToken: String?
}

public struct S3Bucket: Sendable, Equatable {
    public var name: String
    public var creationDate: Date
}

public final class S3: @unchecked Sendable {
    /// S3's limits: 1024-byte keys, 2 KB of user metadata, 5 GB in one PUT, 1000 keys a page.
    public static let maxKeyBytes = 1024
    public static let maxUserMetadataBytes = 2048
    public static let maxSinglePutBytes = 5 * 1024 * 1024 * 1024
    public static let maxKeysPerPage = 1000

    public let account: Account
    let clock: VirtualClock
    let storage: S3Storage
    let lock = NSLock()

    public init(stateDirectory: URL, account: Account, clock: VirtualClock) throws {
        storage = try S3Storage(root: stateDirectory)
        self.account = account
        self.clock = clock
    }

    // MARK: Buckets

    public func createBucket(_ name: String) throws {
        try S3Names.validateBucketName(name)
        try lock.withLock {
            if storage.bucketExists(name) { throw S3Errors.bucketAlreadyOwnedByYou(name) }
            try storage.createBucket(StoredBucket(name: name, creationDate: clock.now))
        }
    }

    public func headBucket(_ name: String) throws {
        try lock.withLock { try requireBucket(name) }
    }

    public func listBuckets() throws -> [S3Bucket] {
        try lock.withLock { try storage.buckets().map { S3Bucket(name: $0.name, creationDate: $0.creationDate) } }
    }

    public func deleteBucket(_ name: String) throws {
        try lock.withLock {
            try requireBucket(name)
            guard try storage.allMetadata(bucket: name).isEmpty else { throw S3Errors.bucketNotEmpty(name) }
            try storage.deleteBucket(name)
        }
    }

    // MARK: Objects

    /// A body's digests, when the caller already has them (a reused async result): the
    /// MD5 that is its ETag and the SHA-256 that names its stored content.
    public struct BodyDigests: Sendable {
        public var md5Hex: String
        public var sha256Hex: String

        public init(_ body: Data) {
            md5Hex = Digest.md5Hex(body)
            sha256Hex = Digest.sha256Hex(body)
        }
    }

    @discardableResult
    public func putObject(bucket: String, key: String, body: Data, contentType: String? = nil,
                          metadata: [String: String] = [:], digests: BodyDigests? = nil) throws -> PutObjectOutput {
        try S3Names.validateKey(key)
        let userMetadata = Dictionary(metadata.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { $1 })
        let metadataBytes = userMetadata.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count }
        guard metadataBytes <= Self.maxUserMetadataBytes else { throw S3Errors.metadataTooLarge(metadataBytes) }
        guard body.count <= Self.maxSinglePutBytes else { throw S3Errors.entityTooLarge(body.count) }
        let digests = digests ?? BodyDigests(body)
        let eTag = "\"\(digests.md5Hex)\""
        return try lock.withLock {
            try requireBucket(bucket)
            let stored = StoredObjectMetadata(
                key: key, bodyFile: "\(Digest.sha256Hex(Data(key.utf8)))-\(UUID().uuidString).body",
                size: body.count, eTag: eTag, contentType: contentType ?? "binary/octet-stream",
                lastModified: clock.now, metadata: userMetadata, contentKey: digests.sha256Hex)
            try storage.put(bucket: bucket, metadata: stored, body: body, contentKey: digests.sha256Hex)
            return PutObjectOutput(eTag: eTag)
        }
    }

    public func getObject(bucket: String, key: String) throws -> S3Object {
        try lock.withLock {
            let stored = try requireObject(bucket: bucket, key: key)
            return Self.object(stored, body: try storage.body(bucket: bucket, of: stored))
        }
    }

    public func headObject(bucket: String, key: String) throws -> S3Object {
        try lock.withLock { Self.object(try requireObject(bucket: bucket, key: key), body: Data()) }
    }

    /// Deleting a key that does not exist succeeds, as on S3.
    public func deleteObject(bucket: String, key: String) throws {
        try S3Names.validateKey(key)
        try lock.withLock {
            try requireBucket(bucket)
            if let stored = try storage.metadata(bucket: bucket, key: key) {
                try storage.delete(bucket: bucket, object: stored)
            }
        }
    }

    public func objectExists(bucket: String, key: String) -> Bool {
        (try? headObject(bucket: bucket, key: key)) != nil
    }

    /// Keys in UTF-8 byte order. `continuationToken` is the opaque token of the previous
    /// page; `delimiter` rolls keys up into `commonPrefixes` as S3 does.
    public func listObjectsV2(bucket: String, prefix: String? = nil, delimiter: String? = nil,
                              maxKeys: Int? = nil, continuationToken: String? = nil,
                              startAfter: String? = nil) throws -> ListObjectsV2Output {
        let limit = min(maxKeys ?? Self.maxKeysPerPage, Self.maxKeysPerPage)
        guard limit >= 0 else { throw S3Errors.invalidArgument("maxKeys", "\(maxKeys ?? 0)", "Provided max-keys not an integer or within integer range") }
        var after = startAfter
        if let continuationToken {
            guard let data = Data(base64Encoded: continuationToken), let key = String(data: data, encoding: .utf8) else {
                throw S3Errors.invalidArgument("continuation-token", continuationToken,
                                               "The continuation token provided is incorrect")
            }
            after = key
        }
        let prefix = prefix ?? ""
        let all = try lock.withLock {
            try requireBucket(bucket)
            return try storage.allMetadata(bucket: bucket)
        }
        var page = S3ListingPage(limit: limit)
        for stored in all where stored.key.hasPrefix(prefix) {
            if let after, !after.utf8.lexicographicallyPrecedes(stored.key.utf8) { continue }
            if !page.add(stored, prefix: prefix, delimiter: delimiter) { break }
        }
        return ListObjectsV2Output(
            name: bucket, prefix: prefix, delimiter: delimiter, maxKeys: limit,
            keyCount: page.contents.count + page.commonPrefixes.count, isTruncated: page.truncated,
            contents: page.contents, commonPrefixes: page.commonPrefixes,
            continuationToken: continuationToken,
            nextContinuationToken: page.truncated ? page.lastKey.map { Data($0.utf8).base64EncodedString() } : nil)
    }

    // MARK: Helpers

    func requireBucket(_ name: String) throws {
        guard S3Names.isPlausibleBucketDirectory(name), storage.bucketExists(name) else {
            throw S3Errors.noSuchBucket(name)
        }
    }

    func requireObject(bucket: String, key: String) throws -> StoredObjectMetadata {
        try S3Names.validateKey(key)
        try requireBucket(bucket)
        guard let stored = try storage.metadata(bucket: bucket, key: key) else { throw S3Errors.noSuchKey(key) }
        return stored
    }

    private static func object(_ stored: StoredObjectMetadata, body: Data) -> S3Object {
        S3Object(key: stored.key, body: body, contentType: stored.contentType, contentLength: stored.size,
                 eTag: stored.eTag, lastModified: stored.lastModified, metadata: stored.metadata)
    }
}

/// Accumulates one ListObjectsV2 page, counting each common prefix once against MaxKeys.
private struct S3ListingPage {
    let limit: Int
    var contents: [S3ObjectSummary] = []
    var commonPrefixes: [String] = []
    var lastKey: String?
    var truncated = false

    init(limit: Int) { self.limit = limit }

    /// Returns false once the page is full and `stored` did not fit.
    mutating func add(_ stored: StoredObjectMetadata, prefix: String, delimiter: String?) -> Bool {
        var rolledUp: String?
        if let delimiter, !delimiter.isEmpty,
           let range = stored.key.dropFirst(prefix.count).range(of: delimiter) {
            rolledUp = String(stored.key[..<range.upperBound])
            if rolledUp == commonPrefixes.last { lastKey = stored.key; return true }
        }
        guard contents.count + commonPrefixes.count < limit else { truncated = limit > 0; return false }
        if let rolledUp {
            commonPrefixes.append(rolledUp)
        } else {
            contents.append(S3ObjectSummary(key: stored.key, lastModified: stored.lastModified,
                                            eTag: stored.eTag, size: stored.size, storageClass: "STANDARD"))
        }
        lastKey = stored.key
        return true
    }
}
