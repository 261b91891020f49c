// Credentials and region as the AWS SDKs find them: environment variables, then the
// shared credentials and config files (AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE,
// ~/.aws/...), for AWS_PROFILE or `default`.
import Foundation

public struct ClientCredentials: Sendable {
    public var accessKeyID: String
    public var secretAccessKey: String
    public var sessionToken: String?
    /// Where they were found, for messages ("environment", "~/.aws/credentials [lab]").
    public var source: String

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil, source: String) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.source = source
    }
}

public enum CredentialChain {
    public enum Failure: Error, CustomStringConvertible {
        case notFound(profile: String, looked: [String])
        public var description: String {
            switch self {
            case .notFound(let profile, let looked):
                "no AWS credentials found (profile \(profile)); looked in: \(looked.joined(separator: ", ")). Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or add the profile to ~/.aws/credentials."
            }
        }
    }

    public static func resolve(profile explicit: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ClientCredentials {
        if explicit == nil, let key = environment["AWS_ACCESS_KEY_ID"], let secret = environment["AWS_SECRET_ACCESS_KEY"] {
            return ClientCredentials(accessKeyID: key, secretAccessKey: secret, sessionToken: environment["AWS_SESSION_TOKEN"], source: "environment")
        }
        let profile = explicit ?? environment["AWS_PROFILE"] ?? "default"
        let file = environment["AWS_SHARED_CREDENTIALS_FILE"] ?? home(environment) + "/.aws/credentials"
        if let section = ini(file)[profile], let key = section["aws_access_key_id"], let secret = section["aws_secret_access_key"] {
            return ClientCredentials(accessKeyID: key, secretAccessKey: secret, sessionToken: section["aws_session_token"],
                                     source: "\(file) [\(profile)]")
        }
        throw Failure.notFound(profile: profile, looked: ["AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY", file])
    }

    /// AWS_REGION, AWS_DEFAULT_REGION, the profile's `region` in the config file, else nil.
    public static func region(profile explicit: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let region = environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"] { return region }
        let profile = explicit ?? environment["AWS_PROFILE"] ?? "default"
        let file = environment["AWS_CONFIG_FILE"] ?? home(environment) + "/.aws/config"
        let sections = ini(file)
        return (sections[profile == "default" ? "default" : "profile \(profile)"] ?? sections[profile])?["region"]
    }

    private static func home(_ environment: [String: String]) -> String {
        environment["HOME"] ?? NSHomeDirectory()
    }

    /// `[section]` / `key = value` lines; comments and malformed lines are skipped.
    static func ini(_ path: String) -> [String: [String: String]] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [:] }
        var sections: [String: [String: String]] = [:]
        var current: String?
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("["), line.hasSuffix("]") {
                current = String(line.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
                continue
            }
            guard let current, let eq = line.firstIndex(of: "=") else { continue }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
            sections[current, default: [:]][key] = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
        }
        return sections
    }
}
