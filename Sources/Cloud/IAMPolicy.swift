// IAM policy documents (the JSON grammar of docs "IAM JSON policy elements reference"),
// parsed and checked well enough to answer the questions the emulation asks: may a
// service assume this role, may a service call this action on a resource policy.
// Conditions are kept but not evaluated; NotPrincipal/NotResource are refused.
import Foundation

public struct PolicyStatement: Sendable, Equatable {
    public enum Effect: String, Sendable { case allow = "Allow", deny = "Deny" }
    public var sid: String?
    public var effect: Effect
    /// Principal type ("Service", "AWS", "Federated", ...) to values; `"Principal": "*"` is ["AWS": ["*"]].
    public var principals: [String: [String]]?
    public var actions: [String]
    public var notActions: [String]
    public var resources: [String]
}

public struct PolicyDocument: Sendable, Equatable {
    public enum Kind: Sendable { case trust, identity, resource }

    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
    }

    public var version: String
    public var statements: [PolicyStatement]

    /// Parses and checks the document for its use: trust and resource policies need a
    /// Principal; identity policies must not have one and need a Resource; trust policies
    /// must not have a Resource.
    public init(json text: String, kind: Kind) throws {
        guard let data = text.data(using: .utf8),
              let root = try? JSONSerialization.jsonObject(with: data, options: []) as? [String: Any] else {
            throw ParseError(reason: "Syntax errors in policy.")
        }
        for key in root.keys where !["Version", "Id", "Statement"].contains(key) {
            throw ParseError(reason: "Syntax errors in policy. Unknown field \(key)")
        }
        let version = root["Version"].map { $0 as? String ?? "" } ?? "2008-10-17"
        guard ["2012-10-17", "2008-10-17"].contains(version) else {
            throw ParseError(reason: "The policy must contain a valid version string")
        }
        let rawStatements: [Any]
        switch root["Statement"] {
        case let list as [Any]: rawStatements = list
        case let single as [String: Any]: rawStatements = [single]
        default: throw ParseError(reason: "Syntax errors in policy. Missing required field Statement")
        }
        guard !rawStatements.isEmpty else { throw ParseError(reason: "Syntax errors in policy. Statement is empty") }
        self.version = version
        statements = try rawStatements.map { try Self.statement($0, kind: kind) }
    }

    /// Whether `principal` of `type` ("Service", "AWS") may do `action`: some Allow
    /// statement matches and no Deny does. Action names compare case-insensitively with `*` and `?` wildcards.
    public func allows(action: String, principalType type: String, principal: String) -> Bool {
        let matching = statements.filter { statement in
            let named = statement.principals.map { principals in
                principals[type]?.contains(principal) == true || principals["AWS"]?.contains("*") == true
            } ?? true
            let acts = statement.notActions.isEmpty
                ? statement.actions.contains { Self.wildcardMatches($0, action) }
                : !statement.notActions.contains { Self.wildcardMatches($0, action) }
            return named && acts
        }
        return matching.contains { $0.effect == .allow } && !matching.contains { $0.effect == .deny }
    }

    private static func statement(_ raw: Any, kind: Kind) throws -> PolicyStatement {
        guard let object = raw as? [String: Any] else { throw ParseError(reason: "Syntax errors in policy. Statement must be an object") }
        let known = ["Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"]
        for key in object.keys where !known.contains(key) {
            throw ParseError(reason: "Syntax errors in policy. Unknown field \(key)")
        }
        for key in ["NotPrincipal", "NotResource"] where object[key] != nil {
            throw ParseError(reason: "\(key) is not supported by this emulation")
        }
        guard let effectText = object["Effect"] as? String, let effect = PolicyStatement.Effect(rawValue: effectText) else {
            throw ParseError(reason: "Syntax errors in policy. Effect must be Allow or Deny")
        }
        let actions = try stringList(object["Action"], field: "Action")
        let notActions = try stringList(object["NotAction"], field: "NotAction")
        guard actions.isEmpty != notActions.isEmpty else {
            throw ParseError(reason: "Policy statement must contain actions.")
        }
        let resources = try stringList(object["Resource"], field: "Resource")
        let principals = try object["Principal"].map(principalMap)
        switch kind {
        case .trust:
            guard principals != nil else { throw ParseError(reason: "AssumeRolepolicy contained an invalid principal element") }
            guard resources.isEmpty else { throw ParseError(reason: "Has prohibited field Resource") }
        case .resource:
            guard principals != nil else { throw ParseError(reason: "Missing required field Principal") }
        case .identity:
            guard principals == nil else { throw ParseError(reason: "Policy document should not specify a principal.") }
            guard !resources.isEmpty else { throw ParseError(reason: "Policy statement must contain resources.") }
        }
        return PolicyStatement(sid: object["Sid"] as? String, effect: effect, principals: principals,
                               actions: actions, notActions: notActions, resources: resources)
    }

    private static func principalMap(_ raw: Any) throws -> [String: [String]] {
        if let star = raw as? String {
            guard star == "*" else { throw ParseError(reason: "Invalid principal in policy: \"\(star)\"") }
            return ["AWS": ["*"]]
        }
        guard let object = raw as? [String: Any], !object.isEmpty else {
            throw ParseError(reason: "Invalid principal in policy")
        }
        var map: [String: [String]] = [:]
        for (type, value) in object {
            guard ["AWS", "Service", "Federated", "CanonicalUser"].contains(type) else {
                throw ParseError(reason: "Invalid principal in policy: unknown principal type \"\(type)\"")
            }
            map[type] = try stringList(value, field: "Principal.\(type)")
            if type == "Service", let bad = map[type]?.first(where: { !$0.hasSuffix(".amazonaws.com") }) {
                throw ParseError(reason: "Invalid principal in policy: \"SERVICE\":\"\(bad)\"")
            }
        }
        return map
    }

    private static func stringList(_ raw: Any?, field: String) throws -> [String] {
        switch raw {
        case nil: return []
        case let text as String: return [text]
        case let list as [Any]:
            return try list.map {
                guard let text = $0 as? String else { throw ParseError(reason: "Syntax errors in policy. \(field) must hold strings") }
                return text
            }
        default: throw ParseError(reason: "Syntax errors in policy. \(field) must be a string or a list of strings")
        }
    }

    /// IAM's wildcards: `*` any run of characters, `?` one character; case-insensitive.
    static func wildcardMatches(_ pattern: String, _ text: String) -> Bool {
        let p = Array(pattern.lowercased()), t = Array(text.lowercased())
        var pi = 0, ti = 0, star = -1, mark = 0
        while ti < t.count {
            if pi < p.count, p[pi] == "?" || p[pi] == t[ti] {
                pi += 1; ti += 1
            } else if pi < p.count, p[pi] == "*" {
                star = pi; mark = ti; pi += 1
            } else if star >= 0 {
                pi = star + 1; mark += 1; ti = mark
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
