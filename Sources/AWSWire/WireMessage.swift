// An HTTP request and response as the protocols see them: the raw request target (SigV4
// signs the path and query exactly as sent), headers in order, and the whole body.
import Foundation

public struct WireRequest: Sendable {
    public var method: String
    /// The path as sent, still percent-encoded.
    public var rawPath: String
    /// The query string as sent, without the `?`.
    public var rawQuery: String
    public var headers: [(name: String, value: String)]
    public var body: Data

    public init(method: String, target: String, headers: [(name: String, value: String)], body: Data) {
        self.method = method.uppercased()
        if let q = target.firstIndex(of: "?") {
            rawPath = String(target[..<q])
            rawQuery = String(target[target.index(after: q)...])
        } else {
            rawPath = target
            rawQuery = ""
        }
        if rawPath.isEmpty { rawPath = "/" }
        self.headers = headers
        self.body = body
    }

    /// The first value of a header, by case-insensitive name.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// All values of a header joined as HTTP folds them.
    public func headerValues(_ name: String) -> [String] {
        headers.filter { $0.name.caseInsensitiveCompare(name) == .orderedSame }.map(\.value)
    }

    /// The decoded query parameters, in order; a key without `=` has an empty value.
    public var queryItems: [(name: String, value: String)] { URLEncoding.parseForm(rawQuery) }

    public func queryValue(_ name: String) -> String? { queryItems.first { $0.name == name }?.value }
}

public struct WireResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: Data

    public init(status: Int, headers: [(name: String, value: String)] = [], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

public enum URLEncoding {
    /// RFC 3986 unreserved characters: the only ones SigV4 leaves unencoded.
    static let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)

    /// SigV4's encoding: every byte but the unreserved as %XX, upper-case hex.
    public static func encode(_ text: String, keepingSlash: Bool = false) -> String {
        var out = ""
        for byte in text.utf8 {
            if unreserved.contains(byte) || (keepingSlash && byte == UInt8(ascii: "/")) {
                out.append(Character(Unicode.Scalar(byte)))
            } else {
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    /// Percent-decoding; `plusIsSpace` for form bodies. Invalid escapes stay as they are.
    public static func decode(_ text: String, plusIsSpace: Bool = false) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "%"), iterator.count >= 2,
               let value = UInt8(String(decoding: iterator.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                iterator = iterator.dropFirst(2)
            } else if plusIsSpace && byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `a=1&b&c=x%20y` as decoded pairs, in order.
    public static func parseForm(_ text: String, plusIsSpace: Bool = true) -> [(name: String, value: String)] {
        text.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (decode(String(parts[0]), plusIsSpace: plusIsSpace),
                    parts.count > 1 ? decode(String(parts[1]), plusIsSpace: plusIsSpace) : "")
        }
    }
}
