// Verifying a request's signature against the configured credentials, failing with the
// code each protocol family returns: S3's InvalidAccessKeyId / SignatureDoesNotMatch /
// AccessDenied, the query services' InvalidClientTokenId / SignatureDoesNotMatch, and the
// JSON services' UnrecognizedClientException / InvalidSignatureException.
import AWSShapes
import Crypto
import Foundation

public struct SignatureCheck: Sendable {
    public let credentials: [String: String]

    public init(credentials: [SigV4Credentials]) {
        self.credentials = Dictionary(credentials.map { ($0.accessKeyID, $0.secretAccessKey) }, uniquingKeysWith: { a, _ in a })
    }

    public enum Family: Sendable { case s3, query, json }

    /// Returns the checked signature parts; throws the AWS error the family answers with.
    public func verify(_ request: WireRequest, family: Family, now: Date) throws -> SignatureParts {
        guard let parts = SigV4.parts(of: request) else {
            throw missing(family)
        }
        guard let secret = credentials[parts.accessKeyID] else {
            switch family {
            case .s3: throw AWSError(service: "s3", code: "InvalidAccessKeyId", httpStatus: 403,
                                     message: "The AWS Access Key Id you provided does not exist in our records.")
            case .query: throw AWSError(service: parts.service, code: "InvalidClientTokenId", httpStatus: 403,
                                        message: "The security token included in the request is invalid.")
            case .json: throw AWSError(service: parts.service, code: "UnrecognizedClientException", httpStatus: 403,
                                       message: "The security token included in the request is invalid.")
            }
        }
        if let expires = parts.expires, let signedAt = Self.amzDate(parts.amzDate),
           now > signedAt.addingTimeInterval(TimeInterval(expires)) {
            throw AWSError(service: parts.service, code: "AccessDenied", httpStatus: 403, message: "Request has expired",
                           fields: ["X-Amz-Expires": String(expires)])
        }
        let expected = SigV4.expectedSignature(request, parts, secret: secret)
        guard constantTimeEqual(expected, parts.signature) else {
            let canonical = SigV4.canonicalRequest(request, parts)
            switch family {
            case .json: throw AWSError(service: parts.service, code: "InvalidSignatureException", httpStatus: 403,
                                       message: "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
            case .s3, .query: throw AWSError(service: parts.service, code: "SignatureDoesNotMatch", httpStatus: 403,
                                             message: "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
                                             fields: family == .s3 ? ["CanonicalRequest": canonical, "AWSAccessKeyId": parts.accessKeyID] : [:])
            }
        }
        return parts
    }

    private func missing(_ family: Family) -> AWSError {
        switch family {
        case .s3: AWSError(service: "s3", code: "AccessDenied", httpStatus: 403, message: "Access Denied")
        case .query: AWSError(service: "", code: "MissingAuthenticationToken", httpStatus: 403,
                              message: "Request is missing Authentication Token")
        case .json: AWSError(service: "", code: "MissingAuthenticationTokenException", httpStatus: 403,
                             message: "Missing Authentication Token")
        }
    }

    private func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    static func amzDate(_ text: String) -> Date? {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return f.date(from: text)
    }
}
