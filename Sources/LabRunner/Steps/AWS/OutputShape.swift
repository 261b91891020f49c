// Small builders for step outputs shaped like boto3's answers (members in order, nil
// members left out, timestamps as ISO 8601 text). Parameters are checked by the
// dispatch against botocore's models, so steps no longer read shapes themselves.
import Foundation

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
