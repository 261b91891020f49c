// Multipart uploads on disk, inside their bucket's directory:
//
//     <bucket>/.uploads/<UploadId>/upload.json          key, content type, metadata, initiation
//     <bucket>/.uploads/<UploadId>/00042.json           part 42: size, ETag, its body file
//     <bucket>/.uploads/<UploadId>/00042-<uuid>.body
//
// A part is committed as an object is (S3Storage): its body under a fresh name first, then
// its metadata renamed into place, so a restarted server finds every upload and every part
// it acknowledged, and a re-sent part replaces the old one whole. UploadIds are ours, and one
// is checked to be base64url characters before it names a directory; keys live only inside
// the JSON. Neither can reach outside the bucket. The dot keeps `.uploads` out of the
// object listing, and deleting the bucket (which needs no objects, not no uploads) takes its
// uploads with it.
import Foundation
import Serving

struct StoredUpload: Codable, Equatable {
    var uploadId: String
    var key: String
    var initiated: Date
    var contentType: String
    var metadata: [String: String]
}

struct StoredPart: Codable, Equatable {
    var partNumber: Int
    var bodyFile: String
    var size: Int
    /// The quoted MD5 hex of the part's body.
    var eTag: String
    var lastModified: Date
}

extension S3Storage {
    private static let uploadsDirectoryName = ".uploads"
    private static let uploadRecordName = "upload.json"

    /// UploadIds this emulation hands out: base64url, so one is always a plain directory name.
    static func isWellFormedUploadId(_ uploadId: String) -> Bool {
        (1...128).contains(uploadId.utf8.count) && uploadId.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        }
    }

    private func uploadsDirectory(bucket: String) -> URL {
        bucketDirectory(bucket).appendingPathComponent(Self.uploadsDirectoryName, isDirectory: true)
    }

    /// The upload's directory; `uploadId` must be well-formed (callers check it first).
    private func uploadDirectory(bucket: String, uploadId: String) -> URL {
        precondition(Self.isWellFormedUploadId(uploadId), "unchecked UploadId reached the disk layout")
        return uploadsDirectory(bucket: bucket).appendingPathComponent(uploadId, isDirectory: true)
    }

    private static func partRecordName(_ partNumber: Int) -> String {
        String(format: "%05d.json", partNumber)
    }

    func createUpload(bucket: String, _ record: StoredUpload) throws {
        let directory = uploadDirectory(bucket: bucket, uploadId: record.uploadId)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try commit(Self.encoder.encode(record), to: directory.appendingPathComponent(Self.uploadRecordName))
    }

    func upload(bucket: String, uploadId: String) throws -> StoredUpload? {
        guard Self.isWellFormedUploadId(uploadId) else { return nil }
        let url = uploadDirectory(bucket: bucket, uploadId: uploadId).appendingPathComponent(Self.uploadRecordName)
        guard let data = try? Data(contentsOf: url) else { return nil }
        return try decode(StoredUpload.self, from: data, file: url)
    }

    /// Every upload in progress in the bucket, in no particular order.
    func allUploads(bucket: String) throws -> [StoredUpload] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: uploadsDirectory(bucket: bucket).path)) ?? []
        return try names.filter(Self.isWellFormedUploadId).compactMap { try upload(bucket: bucket, uploadId: $0) }
    }

    /// Commits `part` and its body, then removes the body of the part it replaced.
    func putPart(bucket: String, uploadId: String, part: StoredPart, body: Data) throws {
        let directory = uploadDirectory(bucket: bucket, uploadId: uploadId)
        let recordURL = directory.appendingPathComponent(Self.partRecordName(part.partNumber))
        let previous = try? decode(StoredPart.self, from: Data(contentsOf: recordURL), file: recordURL)
        let bodyURL = directory.appendingPathComponent(part.bodyFile)
        try commit(body, to: bodyURL)
        do {
            try commit(Self.encoder.encode(part), to: recordURL)
        } catch {
            try? FileManager.default.removeItem(at: bodyURL)  // no record names it
            throw error
        }
        if let previous, previous.bodyFile != part.bodyFile {
            try? FileManager.default.removeItem(at: directory.appendingPathComponent(previous.bodyFile))
        }
    }

    /// The upload's parts in part-number order.
    func parts(bucket: String, uploadId: String) throws -> [StoredPart] {
        let directory = uploadDirectory(bucket: bucket, uploadId: uploadId)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".json") && $0 != Self.uploadRecordName && !$0.hasPrefix(".") }
        return try names.map { name in
            let url = directory.appendingPathComponent(name)
            return try decode(StoredPart.self, from: Data(contentsOf: url), file: url)
        }.sorted { $0.partNumber < $1.partNumber }
    }

    func partBody(bucket: String, uploadId: String, part: StoredPart) throws -> Data {
        let url = uploadDirectory(bucket: bucket, uploadId: uploadId).appendingPathComponent(part.bodyFile)
        guard let data = try? Data(contentsOf: url), data.count == part.size else {
            throw AWSError(service: "s3", code: "InternalError", httpStatus: 500,
                           message: "stored part \(part.partNumber) of upload \(uploadId) (\(url.path)) is missing or not \(part.size) bytes")
        }
        return data
    }

    /// Removes the upload and its parts. The record goes first, so a removal cut short
    /// leaves at worst some unreferenced files, never an upload missing some of its parts.
    func removeUpload(bucket: String, uploadId: String) throws {
        let directory = uploadDirectory(bucket: bucket, uploadId: uploadId)
        try FileManager.default.removeItem(at: directory.appendingPathComponent(Self.uploadRecordName))
        try? FileManager.default.removeItem(at: directory)
    }
}
