// Reading boto3-shaped parameters inside an operation handler. The dispatch has already
// checked them against the model (required members present, types right), so these
// accessors only convert; a mismatch left is a model/handler disagreement, reported as
// the service's validation error rather than a trap.
import AWSShapes
import Foundation

struct Parameters {
    let value: AWSValue
    let service: String

    init(_ value: AWSValue, service: String) {
        self.value = value
        self.service = service
    }

    private func mismatch(_ key: String, _ wanted: String) -> AWSError {
        AWSError(service: service, code: "ValidationException", httpStatus: 400,
                 message: "\(key) must be \(wanted), found \(value[key]?.typeName ?? "nothing")")
    }

    func string(_ key: String) throws -> String {
        guard let s = value[key]?.string else { throw mismatch(key, "a string") }
        return s
    }

    func optionalString(_ key: String) -> String? { value[key]?.string }

    func optionalInt(_ key: String) -> Int? { value[key]?.int }

    func optionalDouble(_ key: String) -> Double? { value[key]?.double }

    func optionalBool(_ key: String) -> Bool? { value[key]?.bool }

    func data(_ key: String) -> Data { value[key]?.data ?? Data() }

    func optionalDate(_ key: String) throws -> Date? {
        guard let v = value[key] else { return nil }
        switch v {
        case .timestamp(let d): return d
        case .integer, .double: return Date(timeIntervalSince1970: v.double!)
        case .string(let s):
            if let d = ISO8601DateFormatter().date(from: s) ?? Self.fractional.date(from: s) { return d }
            if let seconds = Double(s) { return Date(timeIntervalSince1970: seconds) }
            throw mismatch(key, "a timestamp")
        default: throw mismatch(key, "a timestamp")
        }
    }

    func date(_ key: String) throws -> Date {
        guard let d = try optionalDate(key) else { throw mismatch(key, "a timestamp") }
        return d
    }

    func strings(_ key: String) -> [String] { value[key]?.list?.compactMap(\.string) ?? [] }

    func stringMap(_ key: String) -> [String: String] {
        (value[key]?.entries ?? [:]).compactMapValues(\.string)
    }

    func structure(_ key: String) -> Parameters? {
        value[key].map { Parameters($0, service: service) }
    }

    func structures(_ key: String) -> [Parameters] {
        (value[key]?.list ?? []).map { Parameters($0, service: service) }
    }

    /// AWS tag lists (`[{Key, Value}]`) as a dictionary.
    func tags(_ key: String = "Tags") -> [String: String] {
        var tags: [String: String] = [:]
        for tag in structures(key) {
            if let k = tag.optionalString("Key") { tags[k] = tag.optionalString("Value") ?? "" }
        }
        return tags
    }

    private static let fractional: ISO8601DateFormatter = {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f
    }()
}

// Members read as required integers, optional lists and enums (added for SageMaker).
extension Parameters {
    func int(_ key: String) throws -> Int {
        guard let i = value[key]?.int else { throw mismatch(key, "an integer") }
        return i
    }

    /// A list of structures, or nil when the member is absent: some services tell an
    /// absent list from an empty one.
    func optionalStructures(_ key: String) -> [Parameters]? {
        value[key] == nil ? nil : structures(key)
    }

    /// A string member as one of the handler's enums; the model has already checked the value.
    func enumValue<Value: RawRepresentable>(_ key: String) throws -> Value where Value.RawValue == String {
        guard let parsed: Value = try optionalEnumValue(key) else { throw mismatch(key, "a string") }
        return parsed
    }

    func optionalEnumValue<Value: RawRepresentable>(_ key: String) throws -> Value? where Value.RawValue == String {
        guard let text = optionalString(key) else { return nil }
        guard let parsed = Value(rawValue: text) else {
            throw AWSError(service: service, code: "ValidationException", httpStatus: 400,
                           message: "\(key) '\(text)' is not a value labbook knows for \(Value.self)")
        }
        return parsed
    }
}

/// One page of a list a service keeps whole. Operations that page (ListTopics, ListRoles,
/// DescribeRepositories, ...) hand back a token naming where the next page starts.
struct Page<Item> {
    var items: [Item]
    var nextToken: String?
}

extension Parameters {
    /// The page of `items` starting where the token in `tokenKey` points, at most `limit` long.
    /// Tokens are opaque to callers, as AWS's are; one this emulation did not issue is `invalidToken`.
    func page<Item>(of items: [Item], tokenKey: String, limit: Int,
                    invalidToken: (String) -> AWSError) throws -> Page<Item> {
        var start = 0
        if let token = optionalString(tokenKey) {
            guard let offset = Self.offset(fromToken: token), offset <= items.count else {
                throw invalidToken("The \(tokenKey) '\(token)' was not issued by a previous call or has expired.")
            }
            start = offset
        }
        let end = min(items.count, start + max(limit, 1))
        let next = end < items.count ? Self.token(forOffset: end) : nil
        return Page(items: Array(items[start..<end]), nextToken: next)
    }

    private static let tokenPrefix = "labbook-page:"

    static func token(forOffset offset: Int) -> String {
        Data("\(tokenPrefix)\(offset)".utf8).base64EncodedString()
    }

    static func offset(fromToken token: String) -> Int? {
        guard let data = Data(base64Encoded: token), let text = String(data: data, encoding: .utf8),
              text.hasPrefix(tokenPrefix) else { return nil }
        return Int(text.dropFirst(tokenPrefix.count)).flatMap { $0 >= 0 ? $0 : nil }
    }

    /// CloudWatch and Application Auto Scaling dimensions: `[{Name, Value}]`.
    func dimensions(_ key: String = "Dimensions") -> [MetricDimension] {
        structures(key).compactMap { dimension in
            guard let name = dimension.optionalString("Name"), let value = dimension.optionalString("Value") else { return nil }
            return MetricDimension(name: name, value: value)
        }
    }
}
