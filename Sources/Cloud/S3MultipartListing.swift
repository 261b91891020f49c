// ListParts and ListMultipartUploads. Uploads list in UTF-8 byte order of their keys and,
// for one key, in the order they were initiated; KeyMarker/UploadIdMarker resume after the
// last upload of the previous page, and Delimiter rolls keys up into CommonPrefixes (each
// counted once against MaxUploads) as ListObjectsV2 does.
import Foundation

public struct ListPartsOutput: Sendable, Equatable {
    public var upload: S3MultipartUpload
    public var parts: [S3Part]
    public var partNumberMarker: Int
    public var nextPartNumberMarker: Int?
    public var maxParts: Int
    public var isTruncated: Bool
}

public struct ListMultipartUploadsOutput: Sendable, Equatable {
    public var uploads: [S3MultipartUpload]
    public var commonPrefixes: [String]
    public var maxUploads: Int
    public var isTruncated: Bool
    public var nextKeyMarker: String?
    public var nextUploadIdMarker: String?
}

extension S3 {
    /// S3 answers at most 1000 parts or uploads a page.
    public static let maxListedPerPage = 1000

    public func listParts(bucket: String, key: String, uploadId: String, maxParts: Int? = nil,
                          partNumberMarker: Int? = nil) throws -> ListPartsOutput {
        let limit = try Self.pageLimit(maxParts, argument: "max-parts")
        let marker = partNumberMarker ?? 0
        guard marker >= 0 else {
            throw S3Errors.invalidArgument("part-number-marker", "\(marker)",
                                           "Argument part-number-marker must be an integer between 0 and 2147483647")
        }
        let (upload, stored) = try lock.withLock {
            let upload = try requireUpload(bucket: bucket, key: key, uploadId: uploadId)
            return (upload, try storage.parts(bucket: bucket, uploadId: uploadId))
        }
        let remaining = stored.filter { $0.partNumber > marker }
        let page = remaining.prefix(limit).map {
            S3Part(partNumber: $0.partNumber, eTag: $0.eTag, size: $0.size, lastModified: $0.lastModified)
        }
        return ListPartsOutput(
            upload: S3MultipartUpload(uploadId: upload.uploadId, key: upload.key, initiated: upload.initiated),
            parts: page, partNumberMarker: marker, nextPartNumberMarker: page.last?.partNumber,
            maxParts: limit, isTruncated: limit > 0 && remaining.count > page.count)
    }

    /// `uploadIdMarker` counts only with `keyMarker`, as on S3.
    public func listMultipartUploads(bucket: String, prefix: String? = nil, delimiter: String? = nil,
                                     keyMarker: String? = nil, uploadIdMarker: String? = nil,
                                     maxUploads: Int? = nil) throws -> ListMultipartUploadsOutput {
        let limit = try Self.pageLimit(maxUploads, argument: "max-uploads")
        let all = try lock.withLock {
            try requireBucket(bucket)
            return try storage.allUploads(bucket: bucket)
        }
        let ordered = all.sorted(by: Self.precedes)
        let prefix = prefix ?? ""
        let start = keyMarker.map { marker in
            Self.position(after: marker, uploadIdMarker: uploadIdMarker, in: ordered)
        } ?? 0
        var page = UploadListingPage(limit: limit)
        for upload in ordered[start...] where upload.key.hasPrefix(prefix) {
            if !page.add(upload, prefix: prefix, delimiter: delimiter) { break }
        }
        return ListMultipartUploadsOutput(
            uploads: page.uploads, commonPrefixes: page.commonPrefixes, maxUploads: limit,
            isTruncated: page.truncated, nextKeyMarker: page.last?.key, nextUploadIdMarker: page.last?.uploadId)
    }

    // MARK: Helpers

    private static func pageLimit(_ requested: Int?, argument: String) throws -> Int {
        let limit = requested ?? maxListedPerPage
        guard limit >= 0 else {
            throw S3Errors.invalidArgument(argument, "\(limit)",
                                           "Argument \(argument) must be an integer between 0 and 2147483647")
        }
        return min(limit, maxListedPerPage)
    }

    /// Listing order: key bytes, then initiation, then UploadId (uploads started in one instant).
    private static func precedes(_ a: StoredUpload, _ b: StoredUpload) -> Bool {
        if a.key != b.key { return a.key.utf8.lexicographicallyPrecedes(b.key.utf8) }
        if a.initiated != b.initiated { return a.initiated < b.initiated }
        return a.uploadId < b.uploadId
    }

    /// The index of the first upload after the markers. An UploadIdMarker no longer in the
    /// listing (completed, aborted) falls back to S3's documented rule: greater UploadIds of that key.
    private static func position(after keyMarker: String, uploadIdMarker: String?,
                                 in ordered: [StoredUpload]) -> Int {
        let sameKey = ordered.indices.filter { ordered[$0].key == keyMarker }
        if let uploadIdMarker {
            if let marked = sameKey.first(where: { ordered[$0].uploadId == uploadIdMarker }) { return marked + 1 }
            if let greater = sameKey.first(where: { ordered[$0].uploadId > uploadIdMarker }) { return greater }
        }
        return ordered.firstIndex { keyMarker.utf8.lexicographicallyPrecedes($0.key.utf8) } ?? ordered.count
    }
}

/// One ListMultipartUploads page; mirrors ListObjectsV2's page (S3.swift).
private struct UploadListingPage {
    let limit: Int
    var uploads: [S3MultipartUpload] = []
    var commonPrefixes: [String] = []
    var last: StoredUpload?
    var truncated = false

    init(limit: Int) { self.limit = limit }

    /// Returns false once the page is full and `upload` did not fit.
    mutating func add(_ upload: StoredUpload, prefix: String, delimiter: String?) -> Bool {
        var rolledUp: String?
        if let delimiter, !delimiter.isEmpty,
           let range = upload.key.dropFirst(prefix.count).range(of: delimiter) {
            rolledUp = String(upload.key[..<range.upperBound])
            if rolledUp == commonPrefixes.last { last = upload; return true }
        }
        guard uploads.count + commonPrefixes.count < limit else { truncated = limit > 0; return false }
        if let rolledUp {
            commonPrefixes.append(rolledUp)
        } else {
            uploads.append(S3MultipartUpload(uploadId: upload.uploadId, key: upload.key, initiated: upload.initiated))
        }
        last = upload
        return true
    }
}
