// Reading part of an object, and reading on condition: GetObject's and HeadObject's
// `Range` and `If-*` headers, and CopyObject's `x-amz-copy-source-if-*` headers, with the
// rules of RFC 9110 that S3 follows. S3 serves one range per request: a header it cannot
// read as one `bytes=` range is ignored and the whole object served; a well-formed range
// that starts past the end is InvalidRange (416).
import Foundation

/// The bytes `first...last` of an object of `total` bytes.
public struct S3ByteRange: Sendable, Equatable {
    public var first: Int
    public var last: Int
    public var total: Int

    public var count: Int { last - first + 1 }
    /// The Content-Range header: `bytes 0-99/1000`.
    public var contentRange: String { "bytes \(first)-\(last)/\(total)" }

    /// Resolves `bytes=a-b`, `bytes=a-` or `bytes=-n` against an object of `size` bytes;
    /// nil when S3 would ignore the header.
    public static func resolve(_ header: String, size: Int) throws -> S3ByteRange? {
        let text = header.trimmingCharacters(in: .whitespaces)
        guard text.lowercased().hasPrefix("bytes=") else { return nil }
        let spec = text.dropFirst("bytes=".count)
        let bounds = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard !spec.contains(","), bounds.count == 2 else { return nil }
        if bounds[0].isEmpty {  // the last n bytes
            guard let suffix = position(bounds[1]) else { return nil }
            guard suffix > 0, size > 0 else { throw S3Errors.invalidRange(header, size: size) }
            return S3ByteRange(first: max(0, size - suffix), last: size - 1, total: size)
        }
        guard let first = position(bounds[0]) else { return nil }
        var last = size - 1
        if !bounds[1].isEmpty {
            guard let requested = position(bounds[1]), requested >= first else { return nil }
            last = min(requested, size - 1)
        }
        guard first < size else { throw S3Errors.invalidRange(header, size: size) }
        return S3ByteRange(first: first, last: last, total: size)
    }

    /// A byte position: ASCII digits, however many (a huge one only means "past the end").
    private static func position(_ digits: String) -> Int? {
        guard !digits.isEmpty, digits.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            return nil
        }
        return Int(digits) ?? Int.max
    }
}

/// GetObject's If-Match, If-None-Match, If-Modified-Since and If-Unmodified-Since (or
/// CopyObject's CopySourceIf* equivalents).
public struct S3Preconditions: Sendable, Equatable {
    public var ifMatch: String?
    public var ifNoneMatch: String?
    public var ifModifiedSince: Date?
    public var ifUnmodifiedSince: Date?

    public init(ifMatch: String? = nil, ifNoneMatch: String? = nil,
                ifModifiedSince: Date? = nil, ifUnmodifiedSince: Date? = nil) {
        self.ifMatch = ifMatch
        self.ifNoneMatch = ifNoneMatch
        self.ifModifiedSince = ifModifiedSince
        self.ifUnmodifiedSince = ifUnmodifiedSince
    }

    /// Throws PreconditionFailed (412), or NotModified (304) where a read would answer
    /// 304; a copy source answers 412 for every failed condition. A matching If-Match
    /// overrides If-Unmodified-Since, and an If-None-Match overrides If-Modified-Since.
    public func check(eTag: String, lastModified: Date, isCopySource: Bool = false) throws {
        let prefix = isCopySource ? "x-amz-copy-source-" : ""
        if let ifMatch {
            guard Self.matches(ifMatch, eTag) else { throw S3Errors.preconditionFailed(prefix + "If-Match") }
        } else if let ifUnmodifiedSince, Self.seconds(lastModified) > Self.seconds(ifUnmodifiedSince) {
            throw S3Errors.preconditionFailed(prefix + "If-Unmodified-Since")
        }
        let notModified = isCopySource ? { (condition: String) in S3Errors.preconditionFailed(prefix + condition) }
                                       : { (_: String) in S3Errors.notModified() }
        if let ifNoneMatch {
            if Self.matches(ifNoneMatch, eTag) { throw notModified("If-None-Match") }
        } else if let ifModifiedSince, Self.seconds(lastModified) <= Self.seconds(ifModifiedSince) {
            throw notModified("If-Modified-Since")
        }
    }

    /// `*` or a comma-separated list of entity tags, quoted or not, weak or strong.
    private static func matches(_ condition: String, _ eTag: String) -> Bool {
        let wanted = S3.unquoted(eTag)
        return condition.split(separator: ",").contains { candidate in
            var tag = candidate.trimmingCharacters(in: .whitespaces)
            if tag.hasPrefix("W/") { tag.removeFirst(2) }
            return tag == "*" || S3.unquoted(tag) == wanted
        }
    }

    /// HTTP dates carry whole seconds.
    private static func seconds(_ date: Date) -> Int64 { Int64(date.timeIntervalSince1970.rounded(.down)) }
}

extension S3 {
    /// GetObject with its conditions and range: the object with `body` and `contentLength`
    /// cut to `range`, which is nil when the whole object is served.
    public func getObject(bucket: String, key: String, range: String?,
                          preconditions: S3Preconditions = S3Preconditions()) throws -> (object: S3Object, range: S3ByteRange?) {
        var object = try getObject(bucket: bucket, key: key)
        try preconditions.check(eTag: object.eTag, lastModified: object.lastModified)
        guard let range, let resolved = try S3ByteRange.resolve(range, size: object.body.count) else {
            return (object, nil)
        }
        object.body = object.body.subdata(in: resolved.first..<(resolved.last + 1))
        object.contentLength = resolved.count
        return (object, resolved)
    }

    /// HeadObject with its conditions and range, which S3 honours on HEAD as on GET.
    public func headObject(bucket: String, key: String, range: String?,
                           preconditions: S3Preconditions = S3Preconditions()) throws -> (object: S3Object, range: S3ByteRange?) {
        var object = try headObject(bucket: bucket, key: key)
        try preconditions.check(eTag: object.eTag, lastModified: object.lastModified)
        guard let range, let resolved = try S3ByteRange.resolve(range, size: object.contentLength) else {
            return (object, nil)
        }
        object.contentLength = resolved.count
        return (object, resolved)
    }
}
