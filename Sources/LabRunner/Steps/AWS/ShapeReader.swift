// Reads a boto3-shaped argument (`Containers: [{ContainerHostname: ..., Image: ...}]`)
// into typed values, naming the member path and suggesting the right name for a
// misspelt one, as botocore's parameter validation would refuse it.
import Foundation
import Serving

struct ShapeReader {
    let object: LabObject
    let path: String
    let location: SourceLocation
    private var seen: Set<String> = []

    init(_ value: LabValue, path: String, at location: SourceLocation) throws {
        guard let object = value.object else {
            throw LabError(location, "\(path) must be a mapping (a structure), found \(value.typeName)")
        }
        self.object = object
        self.path = path
        self.location = location
    }

    private func fail(_ key: String, _ message: String) -> LabError {
        LabError(location, "\(path).\(key) \(message)")
    }

    private mutating func value(_ key: String) -> LabValue? {
        seen.insert(key)
        guard let v = object[key], v != .null else { return nil }
        return v
    }

    mutating func string(_ key: String) throws -> String {
        guard let s = try optionalString(key) else { throw fail(key, "is required") }
        return s
    }

    mutating func optionalString(_ key: String) throws -> String? {
        guard let v = value(key) else { return nil }
        guard let s = v.string else { throw fail(key, "must be a string, found \(v.typeName)") }
        return s
    }

    mutating func optionalInt(_ key: String) throws -> Int? {
        guard let v = value(key) else { return nil }
        guard let i = v.int else { throw fail(key, "must be an integer, found \(v.jsonString)") }
        return i
    }

    mutating func optionalDouble(_ key: String) throws -> Double? {
        guard let v = value(key) else { return nil }
        guard let d = v.double else { throw fail(key, "must be a number, found \(v.jsonString)") }
        return d
    }

    mutating func optionalStructure(_ key: String) throws -> ShapeReader? {
        guard let v = value(key) else { return nil }
        return try ShapeReader(v, path: "\(path).\(key)", at: location)
    }

    mutating func structures(_ key: String) throws -> [ShapeReader]? {
        guard let v = value(key) else { return nil }
        guard let items = v.list else { throw fail(key, "must be a list, found \(v.typeName)") }
        return try items.enumerated().map { try ShapeReader($1, path: "\(path).\(key)[\($0)]", at: location) }
    }

    mutating func stringMap(_ key: String) throws -> [String: String]? {
        guard let v = value(key) else { return nil }
        guard let o = v.object else { throw fail(key, "must be a mapping of strings, found \(v.typeName)") }
        var out: [String: String] = [:]
        for k in o.keys {
            guard let s = String.convert(o[k]!) else { throw fail("\(key).\(k)", "must be a string") }
            out[k] = s
        }
        return out
    }

    /// Fails on a member nobody read: botocore's "Unknown parameter".
    func finish() throws {
        for key in object.keys where !seen.contains(key) {
            let hint = nearestName(to: key, in: seen.sorted()).map { " (did you mean '\($0)'?)" }
                ?? "; valid members: \(seen.sorted().joined(separator: ", "))"
            throw LabError(location, "unknown parameter \(path).\(key)\(hint)")
        }
    }
}

/// Step outputs in boto3's shape: PascalCase members, timestamps as ISO 8601 text.
enum Shape {
    static func object(_ pairs: [(String, LabValue?)]) -> LabValue {
        .object(LabObject(pairs.compactMap { key, value in value.map { (key, $0) } }))
    }

    static func date(_ date: Date) -> LabValue {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return .string(formatter.string(from: date))
    }

    static func strings(_ map: [String: String]) -> LabValue {
        .object(LabObject(map.keys.sorted().map { ($0, .string(map[$0]!)) }))
    }
}
