// S3's on-disk layout. Each bucket is a directory under the state directory; each
// object is a metadata file `<sha256(key)>.json` naming a body file beside it. A write
// puts the body under a fresh name first and then renames the metadata file into
// place, so the rename is the commit point: a reader sees the old object or the new
// one, never half of either, even if the process dies mid-write. Hashing the key gives
// every object one flat file name however long or odd the key, so no key can reach
// outside its bucket's directory.
//
// Bodies are stored once per distinct content: `.blobs/<sha256>` in the bucket, and each
// object's body file is a hard link to it. A thousand async results of the same request
// (lab 3's burst, tens of MB each) take the disk of one; deleting an object drops its link,
// and the blob goes with its last object (link count 1: only `.blobs` holds it).
import Foundation
import Serving

struct StoredObjectMetadata: Codable, Equatable {
    var key: String
    var bodyFile: String
    var size: Int
    var eTag: String
    var contentType: String
    var lastModified: Date
    var metadata: [String: String]
    /// The body's SHA-256: the blob its body file links to (absent in state written before blobs).
    var contentKey: String?
}

struct StoredBucket: Codable {
    var name: String
    var creationDate: Date
}

struct S3Storage {
    let root: URL
    private let files = FileManager.default

    init(root: URL) throws {
        self.root = root
        try files.createDirectory(at: root, withIntermediateDirectories: true)
        sweepTemporaryFiles()
    }

    /// Removes `.tmp-*` files a process that died mid-write left behind. No write is under
    /// way at init, and a temporary file is never part of a committed object.
    private func sweepTemporaryFiles() {
        let buckets = ((try? files.contentsOfDirectory(atPath: root.path)) ?? []).map { bucketDirectory($0) }
        for directory in [root] + buckets {
            for name in (try? files.contentsOfDirectory(atPath: directory.path)) ?? [] where name.hasPrefix(Self.temporaryPrefix) {
                try? files.removeItem(at: directory.appendingPathComponent(name))
            }
        }
        // Blobs whose object write died before its metadata committed.
        for bucket in buckets {
            let blobs = bucket.appendingPathComponent(Self.blobDirectory)
            for name in (try? files.contentsOfDirectory(atPath: blobs.path)) ?? [] {
                var info = stat()
                let path = blobs.appendingPathComponent(name).path
                if name.hasPrefix(Self.temporaryPrefix) || (stat(path, &info) == 0 && info.st_nlink <= 1) { try? files.removeItem(atPath: path) }
            }
        }
    }

    private static let temporaryPrefix = ".tmp-"
    private static let blobDirectory = ".blobs"

    private func blobURL(bucket: String, contentKey: String) -> URL {
        bucketDirectory(bucket).appendingPathComponent(Self.blobDirectory).appendingPathComponent(contentKey)
    }

    /// Drops the blob behind `url` when no object links to it any more.
    private func releaseBlob(bucket: String, contentKey: String?) {
        guard let contentKey else { return }
        let blob = blobURL(bucket: bucket, contentKey: contentKey)
        var info = stat()
        if stat(blob.path, &info) == 0, info.st_nlink <= 1 { try? files.removeItem(at: blob) }
    }

    func bucketDirectory(_ bucket: String) -> URL { root.appendingPathComponent(bucket, isDirectory: true) }

    private func bucketRecord(_ bucket: String) -> URL {
        bucketDirectory(bucket).appendingPathComponent(".bucket.json")
    }

    func bucketExists(_ bucket: String) -> Bool { files.fileExists(atPath: bucketRecord(bucket).path) }

    func createBucket(_ record: StoredBucket) throws {
        try files.createDirectory(at: bucketDirectory(record.name), withIntermediateDirectories: true)
        try commit(Self.encoder.encode(record), to: bucketRecord(record.name))
    }

    func buckets() throws -> [StoredBucket] {
        let names = (try? files.contentsOfDirectory(atPath: root.path)) ?? []
        return try names.sorted().compactMap { name in
            guard let data = try? Data(contentsOf: bucketRecord(name)) else { return nil }
            return try decode(StoredBucket.self, from: data, file: bucketRecord(name))
        }
    }

    func deleteBucket(_ bucket: String) throws {
        try files.removeItem(at: bucketDirectory(bucket))
    }

    func metadataURL(bucket: String, key: String) -> URL {
        bucketDirectory(bucket).appendingPathComponent(Digest.sha256Hex(Data(key.utf8)) + ".json")
    }

    func metadata(bucket: String, key: String) throws -> StoredObjectMetadata? {
        let url = metadataURL(bucket: bucket, key: key)
        guard let data = try? Data(contentsOf: url) else { return nil }
        return try decode(StoredObjectMetadata.self, from: data, file: url)
    }

    /// Every object's metadata in the bucket, in S3's listing order (UTF-8 byte order of keys).
    func allMetadata(bucket: String) throws -> [StoredObjectMetadata] {
        let directory = bucketDirectory(bucket)
        let names = try files.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }
        return try names.map { name in
            let url = directory.appendingPathComponent(name)
            return try decode(StoredObjectMetadata.self, from: Data(contentsOf: url), file: url)
        }.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
    }

    func body(bucket: String, of object: StoredObjectMetadata) throws -> Data {
        let url = bucketDirectory(bucket).appendingPathComponent(object.bodyFile)
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw AWSError(service: "s3", code: "InternalError", httpStatus: 500,
                           message: "stored body \(url.path) of '\(object.key)' cannot be read: \(error.localizedDescription)")
        }
        guard data.count == object.size else {
            throw AWSError(service: "s3", code: "InternalError", httpStatus: 500,
                           message: "stored body \(url.path) holds \(data.count) bytes, metadata says \(object.size)")
        }
        return data
    }

    /// Links the body (writing its blob if the content is new), then commits the metadata;
    /// removes the body the object replaced. `contentKey` is the body's SHA-256 (hex).
    func put(bucket: String, metadata: StoredObjectMetadata, body: Data, contentKey: String) throws {
        let directory = bucketDirectory(bucket)
        let previous = try self.metadata(bucket: bucket, key: metadata.key)
        let bodyURL = directory.appendingPathComponent(metadata.bodyFile)
        let blob = blobURL(bucket: bucket, contentKey: contentKey)
        if !files.fileExists(atPath: blob.path) {
            try files.createDirectory(at: blob.deletingLastPathComponent(), withIntermediateDirectories: true)
            try commit(body, to: blob)
        }
        guard link(blob.path, bodyURL.path) == 0 else {
            let code = errno
            releaseBlob(bucket: bucket, contentKey: contentKey)
            throw AWSError(service: "s3", code: "InternalError", httpStatus: 500,
                           message: "could not link \(bodyURL.lastPathComponent) to its content: errno \(code)")
        }
        do {
            try commit(Self.encoder.encode(metadata), to: metadataURL(bucket: bucket, key: metadata.key))
        } catch {
            try? files.removeItem(at: bodyURL)  // no metadata names it: it would be an orphan
            releaseBlob(bucket: bucket, contentKey: contentKey)
            throw error
        }
        if let previous, previous.bodyFile != metadata.bodyFile {
            try? files.removeItem(at: directory.appendingPathComponent(previous.bodyFile))
            releaseBlob(bucket: bucket, contentKey: previous.contentKey)
        }
    }

    func delete(bucket: String, object: StoredObjectMetadata) throws {
        try files.removeItem(at: metadataURL(bucket: bucket, key: object.key))
        try? files.removeItem(at: bucketDirectory(bucket).appendingPathComponent(object.bodyFile))
        releaseBlob(bucket: bucket, contentKey: object.contentKey)
    }

    /// Writes to a temporary file in the same directory and renames it over `url`.
    func commit(_ data: Data, to url: URL) throws {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(Self.temporaryPrefix + UUID().uuidString)
        do { try data.write(to: temporary) } catch {
            try? files.removeItem(at: temporary)  // a failed write (disk full) may leave part of it
            throw AWSError(service: "s3", code: "InternalError", httpStatus: 500,
                           message: "could not write \(temporary.path): \(error.localizedDescription)")
        }
        guard rename(temporary.path, url.path) == 0 else {
            let code = errno
            try? files.removeItem(at: temporary)
            throw AWSError(service: "s3", code: "InternalError", httpStatus: 500,
                           message: "could not rename \(temporary.lastPathComponent) to \(url.path): errno \(code)")
        }
    }

    func decode<T: Decodable>(_ type: T.Type, from data: Data, file: URL) throws -> T {
        do { return try Self.decoder.decode(type, from: data) } catch {
            throw AWSError(service: "s3", code: "InternalError", httpStatus: 500,
                           message: "corrupt S3 state file \(file.path): \(error)")
        }
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .secondsSince1970
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }()
}
