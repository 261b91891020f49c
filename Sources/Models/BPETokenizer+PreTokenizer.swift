// tokenizer.json pre-tokenizers: Metaspace (SentencePiece's "▁"), ByteLevel (GPT-2),
// Whitespace, WhitespaceSplit, Split and Sequence, each cutting text into the words BPE sees.
import Foundation

enum SplitBehavior: String, Sendable {
    case removed = "Removed", isolated = "Isolated", mergedWithPrevious = "MergedWithPrevious"
    case mergedWithNext = "MergedWithNext", contiguous = "Contiguous"

    /// Cuts `scalars` at `matches` (sorted, disjoint scalar ranges) the way the library's
    /// `NormalizedString::split` does for this behavior.
    func split(_ scalars: [Unicode.Scalar], matches: [Range<Int>], invert: Bool = false) -> [String] {
        var segments: [(Range<Int>, Bool)] = []
        var cursor = 0
        for range in matches {
            if range.lowerBound > cursor { segments.append((cursor..<range.lowerBound, invert)) }
            segments.append((range, !invert))
            cursor = range.upperBound
        }
        if cursor < scalars.count { segments.append((cursor..<scalars.count, invert)) }
        var pieces: [Range<Int>] = []
        var pendingMatch: Range<Int>? // for MergedWithNext
        for (range, isMatch) in segments {
            switch self {
            case .removed: if !isMatch { pieces.append(range) }
            case .isolated: pieces.append(range)
            case .contiguous:
                if isMatch, let last = pieces.last, last.upperBound == range.lowerBound, segmentWasMatch(last, segments) {
                    pieces[pieces.count - 1] = last.lowerBound..<range.upperBound
                } else {
                    pieces.append(range)
                }
            case .mergedWithPrevious:
                if isMatch, let last = pieces.last, last.upperBound == range.lowerBound {
                    pieces[pieces.count - 1] = last.lowerBound..<range.upperBound
                } else {
                    pieces.append(range)
                }
            case .mergedWithNext:
                if isMatch {
                    if let pending = pendingMatch { pieces.append(pending) }
                    pendingMatch = range
                } else if let pending = pendingMatch {
                    pieces.append(pending.lowerBound..<range.upperBound)
                    pendingMatch = nil
                } else {
                    pieces.append(range)
                }
            }
        }
        if let pendingMatch { pieces.append(pendingMatch) }
        return pieces.map { String(String.UnicodeScalarView(scalars[$0])) }
    }

    private func segmentWasMatch(_ range: Range<Int>, _ segments: [(Range<Int>, Bool)]) -> Bool {
        segments.first { $0.0.upperBound == range.upperBound }?.1 ?? false
    }
}

indirect enum PreTokenizer: @unchecked Sendable {
    case metaspace(replacement: Unicode.Scalar, prepend: String, split: Bool)
    case byteLevel(addPrefixSpace: Bool, useRegex: Bool)
    case whitespace, whitespaceSplit
    case split(TextPattern, SplitBehavior, invert: Bool)
    case sequence([PreTokenizer])

    static let gpt2Pattern = try! NSRegularExpression( // a constant, not input
        pattern: #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#)
    static let wordPattern = try! NSRegularExpression(pattern: #"\w+|[^\w\s]+"#) // a constant, not input

    init(_ object: [String: Any], context: JSONContext) throws {
        switch object["type"] as? String {
        case "Metaspace":
            guard let replacement = (object["replacement"] as? String)?.unicodeScalars.first else {
                throw context.error("Metaspace needs a one-character replacement")
            }
            let legacy = (object["add_prefix_space"] as? Bool).map { $0 ? "always" : "never" }
            self = .metaspace(replacement: replacement, prepend: object["prepend_scheme"] as? String ?? legacy ?? "always",
                              split: object["split"] as? Bool ?? true)
        case "ByteLevel":
            self = .byteLevel(addPrefixSpace: object["add_prefix_space"] as? Bool ?? true, useRegex: object["use_regex"] as? Bool ?? true)
        case "Whitespace": self = .whitespace
        case "WhitespaceSplit": self = .whitespaceSplit
        case "Split":
            guard let behavior = SplitBehavior(rawValue: object["behavior"] as? String ?? "") else {
                throw context.error("Split behavior \(object["behavior"] ?? "nil") is not one of Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous")
            }
            self = .split(try TextPattern(object["pattern"], context: context), behavior, invert: object["invert"] as? Bool ?? false)
        case "Sequence":
            let items = (object["pretokenizers"] as? [[String: Any]]) ?? []
            self = .sequence(try items.enumerated().map { try PreTokenizer($1, context: context.at("pretokenizers[\($0)]")) })
        default: throw context.unsupported("pre-tokenizer", object)
        }
    }

    /// The words of one text section; `isFirst` is true for the section at offset 0.
    func split(_ text: String, isFirst: Bool = true) -> [String] {
        switch self {
        case let .metaspace(replacement, prepend, split):
            var scalars = text.unicodeScalars.map { $0 == " " ? replacement : $0 }
            if (prepend == "always" || (prepend == "first" && isFirst)), scalars.first != replacement {
                scalars.insert(replacement, at: 0)
            }
            guard split else { return [String(String.UnicodeScalarView(scalars))] }
            let marks = scalars.indices.filter { scalars[$0] == replacement }.map { $0..<($0 + 1) }
            return SplitBehavior.mergedWithNext.split(scalars, matches: marks)
        case let .byteLevel(addPrefixSpace, useRegex):
            let prefixed = addPrefixSpace && !text.hasPrefix(" ") ? " " + text : text
            let words = useRegex
                ? SplitBehavior.isolated.split(Array(prefixed.unicodeScalars), matches: regexMatches(PreTokenizer.gpt2Pattern, in: prefixed))
                : [prefixed]
            return words.map(ByteLevelAlphabet.encode)
        case .whitespace:
            return SplitBehavior.removed.split(Array(text.unicodeScalars), matches: regexMatches(PreTokenizer.wordPattern, in: text), invert: true)
        case .whitespaceSplit:
            let scalars = Array(text.unicodeScalars)
            let spaces = scalars.indices.filter { scalars[$0].properties.isWhitespace }.map { $0..<($0 + 1) }
            return SplitBehavior.removed.split(scalars, matches: spaces)
        case let .split(pattern, behavior, invert):
            return behavior.split(Array(text.unicodeScalars), matches: pattern.matches(in: text), invert: invert)
        case let .sequence(items):
            return items.reduce([text]) { words, item in words.enumerated().flatMap { item.split($1, isFirst: isFirst && $0 == 0) } }
        }
    }
}

/// GPT-2's reversible map from bytes to printable characters.
enum ByteLevelAlphabet {
    static let byteToScalar: [Unicode.Scalar] = {
        var printable = Array(33...126) + Array(161...172) + Array(174...255)
        var table = [Unicode.Scalar](repeating: " ", count: 256)
        var extra = 0
        for byte in 0..<256 {
            if printable.contains(byte) {
                table[byte] = Unicode.Scalar(UInt8(byte))
            } else {
                table[byte] = Unicode.Scalar(UInt32(256 + extra)) ?? " "
                extra += 1
            }
        }
        printable.removeAll()
        return table
    }()

    static let scalarToByte: [UInt32: UInt8] = {
        var map: [UInt32: UInt8] = [:]
        for (byte, scalar) in byteToScalar.enumerated() { map[scalar.value] = UInt8(byte) }
        return map
    }()

    static func encode(_ text: String) -> String {
        String(String.UnicodeScalarView(text.utf8.map { byteToScalar[Int($0)] }))
    }

    /// Unmapped characters are kept as their own UTF-8 (the library drops nothing either).
    static func decode(_ text: String) -> String {
        var bytes: [UInt8] = []
        for scalar in text.unicodeScalars {
            if let byte = scalarToByte[scalar.value] { bytes.append(byte) } else { bytes += Array(String(scalar).utf8) }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
