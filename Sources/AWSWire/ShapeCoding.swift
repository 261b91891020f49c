// Scalars as each protocol writes them: timestamps in the format a member or protocol
// asks for (botocore's `timestampFormat`, else the protocol default), blobs as base64 in
// text protocols, numbers and booleans as text in headers, query strings and XML.
import AWSShapes
import Foundation

enum TimestampFormat: String {
    case iso8601, rfc822, unixTimestamp

    init(member: Member?, shape: Shape, default fallback: TimestampFormat) {
        self = TimestampFormat(rawValue: member?.timestampFormat ?? shape.timestampFormat ?? "") ?? fallback
    }

    func format(_ date: Date) -> String {
        switch self {
        case .iso8601: Self.iso.string(from: date)
        case .rfc822: Self.http.string(from: date)
        case .unixTimestamp: Self.number(date.timeIntervalSince1970)
        }
    }

    static func parse(_ text: String) -> Date? {
        if let d = iso.date(from: text) ?? isoPlain.date(from: text) ?? http.date(from: text) { return d }
        return Double(text).map(Date.init(timeIntervalSince1970:))
    }

    static func number(_ value: Double) -> String {
        value.rounded() == value ? String(Int64(value)) : String(format: "%.3f", value)
    }

    nonisolated(unsafe) static let iso: ISO8601DateFormatter = {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f
    }()
    nonisolated(unsafe) static let isoPlain = ISO8601DateFormatter()
    static let http: DateFormatter = {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return f
    }()
}

/// A scalar member read from text (header, query string, XML text, query form field).
enum TextScalar {
    static func value(_ text: String, _ shape: Shape, member: Member?) -> AWSValue {
        switch shape.kind {
        case .integer, .long, .short, .byte, .biginteger:
            return Int64(text.trimmingCharacters(in: .whitespaces)).map(AWSValue.integer) ?? .string(text)
        case .float, .double, .bigdecimal:
            return Double(text.trimmingCharacters(in: .whitespaces)).map(AWSValue.double) ?? .string(text)
        case .boolean:
            switch text.lowercased() {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: return .string(text)
            }
        case .blob:
            return .blob(member?.location == nil ? (Data(base64Encoded: text) ?? Data(text.utf8)) : Data(text.utf8))
        case .timestamp:
            return TimestampFormat.parse(text).map(AWSValue.timestamp) ?? .string(text)
        default:
            return .string(text)
        }
    }

    static func text(_ value: AWSValue, _ shape: Shape, member: Member?, timestamps: TimestampFormat) -> String {
        switch value {
        case .null: ""
        case .bool(let b): b ? "true" : "false"
        case .integer(let i): String(i)
        case .double(let d): d.rounded() == d && abs(d) < 1e15 ? String(format: "%.1f", d) : String(d)
        case .string(let s): s
        case .blob(let d): member?.location == .header ? d.base64EncodedString()
            : (member?.location == nil ? d.base64EncodedString() : String(decoding: d, as: UTF8.self))
        case .timestamp(let d): TimestampFormat(member: member, shape: shape, default: timestamps).format(d)
        case .list(let items): items.map { text($0, shape, member: member, timestamps: timestamps) }.joined(separator: ",")
        case .map: ""
        }
    }
}
