// ECR's GetAuthorizationToken: what `aws ecr get-login-password` and `docker login` use.
// The token is base64 of "AWS:<password>" and is valid for 12 hours, as on AWS. The
// password is a sealed-looking blob derived from the registry and the issue time, so
// the same run issues the same token.
import Foundation
import Serving

public struct ECRAuthorizationData: Sendable, Equatable {
    /// base64("AWS:<password>"): `docker login -u AWS -p <password>` after decoding.
    public var authorizationToken: String
    public var expiresAt: Date
    /// `https://<registry host>`, the server `docker login` talks to.
    public var proxyEndpoint: String
}

extension ECR {
    public static let authorizationTokenLifetime: TimeInterval = 12 * 3_600

    /// One token per registry asked for; the account's own registry when none is named.
    public func getAuthorizationToken(registryIds: [String] = []) -> [ECRAuthorizationData] {
        let now = clock.now
        return (registryIds.isEmpty ? [account.id] : registryIds).map { registryId in
            let expiresAt = now.addingTimeInterval(Self.authorizationTokenLifetime)
            let sealed: [String: Any] = [
                "payload": Digest.sha256Hex(Data("ecr-login|\(registryId)|\(now.timeIntervalSince1970)".utf8)),
                "version": "2", "type": "DATA_KEY", "expiration": Int(expiresAt.timeIntervalSince1970),
            ]
            let json = (try? JSONSerialization.data(withJSONObject: sealed, options: [.sortedKeys])) ?? Data()
            let password = json.base64EncodedString()
            return ECRAuthorizationData(
                authorizationToken: Data("AWS:\(password)".utf8).base64EncodedString(), expiresAt: expiresAt,
                proxyEndpoint: "https://\(registryId).dkr.ecr.\(account.region).amazonaws.com")
        }
    }
}
