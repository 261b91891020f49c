// S3's naming rules, its error codes, and `s3://` URIs.
//
// Error codes and statuses: NoSuchBucket and NoSuchKey (404), BucketAlreadyOwnedByYou
// (409) come from botocore's s3/2006-03-01/service-2.json; the model lists no shape for
// InvalidBucketName, BucketNotEmpty, InvalidArgument, KeyTooLongError, MetadataTooLarge
// or EntityTooLarge, so those take the statuses of S3's error-code table
// (docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html).
import Foundation

enum S3Names {
    /// General-purpose bucket naming rules (docs: "Bucket naming rules").
    static func validateBucketName(_ name: String) throws {
        let bytes = Array(name.utf8)
        let allowed = bytes.allSatisfy { isLowerAlnum($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
        var problem: String?
        if !(3...63).contains(bytes.count) {
            problem = "bucket names must be between 3 and 63 characters long"
        } else if !allowed {
            problem = "bucket names can consist only of lowercase letters, numbers, dots and hyphens"
        } else if let first = bytes.first, let last = bytes.last, !isLowerAlnum(first) || !isLowerAlnum(last) {
            problem = "bucket names must begin and end with a letter or number"
        } else if name.contains("..") {
            problem = "bucket names must not contain two adjacent periods"
        } else if isIPv4Address(name) {
            problem = "bucket names must not be formatted as an IP address"
        } else if let reserved = ["xn--", "sthree-", "amzn-s3-demo-"].first(where: name.hasPrefix) {
            problem = "bucket names must not start with the prefix '\(reserved)'"
        } else if let reserved = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"].first(where: name.hasSuffix) {
            problem = "bucket names must not end with the suffix '\(reserved)'"
        }
        if let problem {
            throw AWSError(service: "s3", code: "InvalidBucketName", httpStatus: 400,
                           message: "The specified bucket is not valid. (\(problem): '\(name)')",
                           fields: ["BucketName": name])
        }
    }

    /// Names that could never be a bucket's directory; they are answered with NoSuchBucket.
    static func isPlausibleBucketDirectory(_ name: String) -> Bool {
        (try? validateBucketName(name)) != nil
    }

    /// S3's key rules: 1 to 1,024 bytes of UTF-8. NUL is refused too: an S3 listing is
    /// XML 1.0, which cannot carry it.
    static func validateKey(_ key: String) throws {
        let length = key.utf8.count
        guard length <= S3.maxKeyBytes else {
            throw AWSError(service: "s3", code: "KeyTooLongError", httpStatus: 400,
                           message: "Your key is too long (\(length) bytes; the limit is \(S3.maxKeyBytes))",
                           fields: ["MaxSizeAllowed": "\(S3.maxKeyBytes)", "Size": "\(length)"])
        }
        let reason: String?
        if key.isEmpty {
            reason = "the object key must not be empty"
        } else if key.utf8.contains(0) {
            reason = "the object key must not contain a NUL character"
        } else {
            // Keys are opaque to S3: `../x` and `/x` are ordinary keys. They never become
            // paths here (S3Storage names files by the key's SHA-256), so none can escape.
            reason = nil
        }
        if let reason {
            throw S3Errors.invalidArgument("key", key, "Invalid object key: \(reason)")
        }
    }

    private static func isLowerAlnum(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private static func isIPv4Address(_ name: String) -> Bool {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in
            !part.isEmpty && part.count <= 3 && part.allSatisfy(\.isASCII) && part.allSatisfy(\.isNumber)
        }
    }
}

enum S3Errors {
    static func noSuchBucket(_ name: String) -> AWSError {
        AWSError(service: "s3", code: "NoSuchBucket", httpStatus: 404,
                 message: "The specified bucket does not exist", fields: ["BucketName": name])
    }

    static func noSuchKey(_ key: String) -> AWSError {
        AWSError(service: "s3", code: "NoSuchKey", httpStatus: 404,
                 message: "The specified key does not exist.", fields: ["Key": key])
    }

    static func bucketAlreadyOwnedByYou(_ name: String) -> AWSError {
        AWSError(service: "s3", code: "BucketAlreadyOwnedByYou", httpStatus: 409,
                 message: "Your previous request to create the named bucket succeeded and you already own it.",
                 fields: ["BucketName": name])
    }

    static func bucketNotEmpty(_ name: String) -> AWSError {
        AWSError(service: "s3", code: "BucketNotEmpty", httpStatus: 409,
                 message: "The bucket you tried to delete is not empty", fields: ["BucketName": name])
    }

    static func invalidArgument(_ name: String, _ value: String, _ message: String) -> AWSError {
        AWSError(service: "s3", code: "InvalidArgument", httpStatus: 400, message: message,
                 fields: ["ArgumentName": name, "ArgumentValue": value])
    }

    static func metadataTooLarge(_ size: Int) -> AWSError {
        AWSError(service: "s3", code: "MetadataTooLarge", httpStatus: 400,
                 message: "Your metadata headers exceed the maximum allowed metadata size (\(size) bytes; the limit is \(S3.maxUserMetadataBytes))",
                 fields: ["MaxSizeAllowed": "\(S3.maxUserMetadataBytes)", "Size": "\(size)"])
    }

    static func entityTooLarge(_ size: Int) -> AWSError {
        AWSError(service: "s3", code: "EntityTooLarge", httpStatus: 400,
                 message: "Your proposed upload exceeds the maximum allowed size",
                 fields: ["MaxSizeAllowed": "\(S3.maxSinglePutBytes)", "ProposedSize": "\(size)"])
    }
}

/// An `s3://bucket/key` location, as SageMaker's ModelDataUrl and S3OutputPath use it.
public struct S3URI: Sendable, Equatable, CustomStringConvertible {
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var uri: String
        public var reason: String
        public var description: String { "'\(uri)' is not an S3 URI: \(reason)" }
    }

    public var bucket: String
    /// The object key, or a key prefix; empty for the bucket itself.
    public var key: String

    public init(bucket: String, key: String) {
        self.bucket = bucket
        self.key = key
    }

    public init(parsing uri: String) throws {
        let scheme = "s3://"
        guard uri.hasPrefix(scheme) else { throw ParseError(uri: uri, reason: "it must start with 's3://'") }
        let rest = uri.dropFirst(scheme.count)
        let bucket = rest.prefix { $0 != "/" }
        guard !bucket.isEmpty else { throw ParseError(uri: uri, reason: "the bucket name is missing") }
        self.bucket = String(bucket)
        key = String(rest.dropFirst(bucket.count + 1))
    }

    public var description: String { "s3://\(bucket)/\(key)" }

    /// The URI of `name` under this one, with exactly one '/' between them.
    public func appending(_ name: String) -> S3URI {
        if key.isEmpty || key.hasSuffix("/") { return S3URI(bucket: bucket, key: key + name) }
        return S3URI(bucket: bucket, key: key + "/" + name)
    }
}
