// tokenizer.json normalizers: Unicode forms, lowercasing, replace, prepend, strip, and sequences.
import Foundation

indirect enum TextNormalizer: Sendable {
    case nfc, nfd, nfkc, nfkd, lowercase
    case replace(TextPattern, String)
    case prepend(String)
    case strip(left: Bool, right: Bool)
    case sequence([TextNormalizer])

    init(_ object: [String: Any], context: JSONContext) throws {
        switch object["type"] as? String {
        case "NFC": self = .nfc
        case "NFD": self = .nfd
        case "NFKC": self = .nfkc
        case "NFKD": self = .nfkd
        case "Lowercase": self = .lowercase
        case "Replace":
            self = .replace(try TextPattern(object["pattern"], context: context), object["content"] as? String ?? "")
        case "Prepend": self = .prepend(object["prepend"] as? String ?? "")
        case "Strip": self = .strip(left: object["strip_left"] as? Bool ?? true, right: object["strip_right"] as? Bool ?? true)
        case "Sequence":
            let items = (object["normalizers"] as? [[String: Any]]) ?? []
            self = .sequence(try items.enumerated().map { try TextNormalizer($1, context: context.at("normalizers[\($0)]")) })
        default: throw context.unsupported("normalizer", object)
        }
    }

    func apply(_ text: String) -> String {
        switch self {
        case .nfc: return text.precomposedStringWithCanonicalMapping
        case .nfd: return text.decomposedStringWithCanonicalMapping
        case .nfkc: return text.precomposedStringWithCompatibilityMapping
        case .nfkd: return text.decomposedStringWithCompatibilityMapping
        case .lowercase: return text.lowercased()
        case let .replace(pattern, content): return pattern.replace(in: text, with: content)
        case let .prepend(prefix): return text.isEmpty ? text : prefix + text
        case let .strip(left, right):
            var scalars = Substring(text).unicodeScalars[...]
            while left, let first = scalars.first, first.properties.isWhitespace { scalars.removeFirst() }
            while right, let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
            return String(String.UnicodeScalarView(scalars))
        case let .sequence(items): return items.reduce(text) { $1.apply($0) }
        }
    }
}

/// A `{"String": ...}` or `{"Regex": ...}` pattern.
enum TextPattern: @unchecked Sendable {
    case literal(String)
    case regex(NSRegularExpression)

    init(_ value: Any?, context: JSONContext) throws {
        if let object = value as? [String: Any], let literal = object["String"] as? String {
            self = .literal(literal)
        } else if let object = value as? [String: Any], let pattern = object["Regex"] as? String {
            do { self = .regex(try NSRegularExpression(pattern: pattern)) } catch {
                throw context.error("regex \(pattern) does not compile: \(error)")
            }
        } else if let literal = value as? String {
            self = .literal(literal)
        } else {
            throw context.error("pattern must be {\"String\": ...} or {\"Regex\": ...}")
        }
    }

    /// Match ranges in scalar offsets.
    func matches(in text: String) -> [Range<Int>] {
        switch self {
        case let .literal(literal):
            let needle = Array(literal.unicodeScalars), hay = Array(text.unicodeScalars)
            guard !needle.isEmpty else { return [] }
            var found: [Range<Int>] = []
            var index = 0
            while index + needle.count <= hay.count {
                if hay[index..<(index + needle.count)].elementsEqual(needle) {
                    found.append(index..<(index + needle.count))
                    index += needle.count
                } else {
                    index += 1
                }
            }
            return found
        case let .regex(regex):
            return regexMatches(regex, in: text)
        }
    }

    func replace(in text: String, with content: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var cursor = 0
        for range in matches(in: text) {
            out.append(contentsOf: scalars[cursor..<range.lowerBound])
            out.append(contentsOf: content.unicodeScalars)
            cursor = range.upperBound
        }
        out.append(contentsOf: scalars[cursor...])
        return String(out)
    }
}

/// NSRegularExpression works in UTF-16 offsets; this converts its matches to scalar offsets.
func regexMatches(_ regex: NSRegularExpression, in text: String) -> [Range<Int>] {
    var scalarIndexOfUTF16: [Int] = []
    scalarIndexOfUTF16.reserveCapacity(text.utf16.count + 1)
    for (index, scalar) in text.unicodeScalars.enumerated() {
        for _ in 0..<scalar.utf16.count { scalarIndexOfUTF16.append(index) }
    }
    let scalarCount = text.unicodeScalars.count
    scalarIndexOfUTF16.append(scalarCount)
    let ns = text as NSString
    return regex.matches(in: text, range: NSRange(location: 0, length: ns.length)).compactMap { match in
        let range = match.range
        guard range.location != NSNotFound, range.length > 0 else { return nil }
        return scalarIndexOfUTF16[range.location]..<scalarIndexOfUTF16[range.location + range.length]
    }
}
