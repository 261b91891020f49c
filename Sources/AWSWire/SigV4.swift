// AWS Signature Version 4, checked as AWS checks it: the canonical request rebuilt from
// the request as received, the signing key derived from the secret for the credential
// scope, and the signatures compared. Both the Authorization header and presigned query
// strings (X-Amz-Signature), with the codes each protocol uses on failure.
import Crypto
import Foundation

public struct SigV4Credentials: Sendable {
    public var accessKeyID: String
    public var secretAccessKey: String
    public init(accessKeyID: String, secretAccessKey: String) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
    }
}

/// The parts of a signature a request carries.
public struct SignatureParts: Sendable {
    public var accessKeyID: String
    public var date: String
    public var region: String
    public var service: String
    public var signedHeaders: [String]
    public var signature: String
    public var amzDate: String
    /// Presigned URLs only: seconds the URL stays valid.
    public var expires: Int?
    public var presigned: Bool

    public var scope: String { "\(date)/\(region)/\(service)/aws4_request" }
}

public enum SigV4 {
    /// The signature parts, or nil when the request is not signed with SigV4.
    public static func parts(of request: WireRequest) -> SignatureParts? {
        if let auth = request.header("authorization"), auth.hasPrefix("AWS4-HMAC-SHA256 ") {
            var fields: [String: String] = [:]
            for item in auth.dropFirst("AWS4-HMAC-SHA256 ".count).split(separator: ",") {
                let kv = item.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
                if kv.count == 2 { fields[String(kv[0])] = String(kv[1]) }
            }
            guard let credential = fields["Credential"], let signed = fields["SignedHeaders"], let signature = fields["Signature"],
                  let amzDate = request.header("x-amz-date") ?? request.header("date") else { return nil }
            return make(credential, signed, signature, amzDate, expires: nil)
        }
        let query = Dictionary(request.queryItems.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
        guard query["X-Amz-Algorithm"] == "AWS4-HMAC-SHA256", let credential = query["X-Amz-Credential"],
              let signed = query["X-Amz-SignedHeaders"], let signature = query["X-Amz-Signature"],
              let amzDate = query["X-Amz-Date"] else { return nil }
        return make(credential, signed, signature, amzDate, expires: Int(query["X-Amz-Expires"] ?? "") ?? 604_800)
    }

    private static func make(_ credential: String, _ signed: String, _ signature: String, _ amzDate: String,
                             expires: Int?) -> SignatureParts? {
        let scope = credential.split(separator: "/").map(String.init)
        guard scope.count == 5, scope[4] == "aws4_request" else { return nil }
        return SignatureParts(accessKeyID: scope[0], date: scope[1], region: scope[2], service: scope[3],
                              signedHeaders: signed.split(separator: ";").map(String.init), signature: signature,
                              amzDate: amzDate, expires: expires, presigned: expires != nil)
    }

    /// The signature the request should carry if signed with `secret`.
    public static func expectedSignature(_ request: WireRequest, _ parts: SignatureParts, secret: String) -> String {
        let canonical = canonicalRequest(request, parts)
        let stringToSign = ["AWS4-HMAC-SHA256", parts.amzDate, parts.scope, hex(SHA256.hash(data: Data(canonical.utf8)))]
            .joined(separator: "\n")
        return hex(HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: signingKey(secret, parts)))
    }

    static func signingKey(_ secret: String, _ parts: SignatureParts) -> SymmetricKey {
        var key = SymmetricKey(data: Data("AWS4\(secret)".utf8))
        for part in [parts.date, parts.region, parts.service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        return key
    }

    public static func canonicalRequest(_ request: WireRequest, _ parts: SignatureParts) -> String {
        let headers = parts.signedHeaders.map { name in
            let values = request.headerValues(name).map { $0.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ") }
            return "\(name):\(values.joined(separator: ","))"
        }
        return [request.method, canonicalURI(request.rawPath, service: parts.service), canonicalQuery(request.rawQuery),
                headers.joined(separator: "\n") + "\n", parts.signedHeaders.joined(separator: ";"),
                payloadHash(request, parts)].joined(separator: "\n")
    }

    /// S3 signs the path as sent; every other service signs it encoded once more.
    static func canonicalURI(_ rawPath: String, service: String) -> String {
        if service == "s3" { return rawPath }
        return rawPath.split(separator: "/", omittingEmptySubsequences: false)
            .map { URLEncoding.encode(String($0)) }.joined(separator: "/")
    }

    static func canonicalQuery(_ rawQuery: String) -> String {
        // botocore sends spaces in query values as "+" (urlencode) but signs them as %20.
        let pairs: [(String, String)] = URLEncoding.parseForm(rawQuery, plusIsSpace: true)
            .filter { $0.name != "X-Amz-Signature" }
            .map { (URLEncoding.encode($0.name), URLEncoding.encode($0.value)) }
        let sorted = pairs.sorted { a, b in a.0 == b.0 ? a.1 < b.1 : a.0 < b.0 }
        return sorted.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    static func payloadHash(_ request: WireRequest, _ parts: SignatureParts) -> String {
        if let declared = request.header("x-amz-content-sha256") { return declared }
        if parts.presigned { return "UNSIGNED-PAYLOAD" }
        return hex(SHA256.hash(data: request.body))
    }

    public static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}
