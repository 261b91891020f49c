// ListObjects (version 1), on top of ListObjectsV2's listing: Marker is StartAfter, and a
// truncated page that rolls keys up with a Delimiter names its NextMarker. (Without a
// delimiter S3 leaves NextMarker out; clients resume after the last key, as boto3's
// paginator does.) Also the URL encoding of keys that `EncodingType=url` asks for.
import Foundation

public struct ListObjectsOutput: Sendable, Equatable {
    public var name: String
    public var prefix: String
    public var delimiter: String?
    public var marker: String?
    public var maxKeys: Int
    public var isTruncated: Bool
    public var contents: [S3ObjectSummary]
    public var commonPrefixes: [String]
    public var nextMarker: String?
}

extension S3 {
    public func listObjects(bucket: String, prefix: String? = nil, delimiter: String? = nil,
                            marker: String? = nil, maxKeys: Int? = nil) throws -> ListObjectsOutput {
        let page = try listObjectsV2(bucket: bucket, prefix: prefix, delimiter: delimiter, maxKeys: maxKeys,
                                     startAfter: marker.flatMap { $0.isEmpty ? nil : $0 })
        var nextMarker: String?
        if page.isTruncated, delimiter?.isEmpty == false, let token = page.nextContinuationToken {
            // The V2 token is the last key the page consumed, which may be rolled up inside
            // its last common prefix: resuming after it skips that whole prefix.
            nextMarker = Data(base64Encoded: token).flatMap { String(data: $0, encoding: .utf8) }
        }
        return ListObjectsOutput(
            name: bucket, prefix: page.prefix, delimiter: delimiter, marker: marker, maxKeys: page.maxKeys,
            isTruncated: page.isTruncated, contents: page.contents, commonPrefixes: page.commonPrefixes,
            nextMarker: nextMarker)
    }
}

extension S3Names {
    /// Percent-encodes all but RFC 3986's unreserved characters (and, if asked, '/'): what
    /// S3 does to keys for `EncodingType=url`, and to the key in an object's URL.
    static func percentEncoded(_ text: String, keepingSlashes: Bool) -> String {
        var allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        if keepingSlashes { allowed.insert("/") }
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
