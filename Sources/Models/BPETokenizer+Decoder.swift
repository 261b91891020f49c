// tokenizer.json decoders (tokens → text) and post-processors (special tokens around the ids).
import Foundation

indirect enum TokenDecoder: Sendable {
    case byteFallback, fuse
    case metaspace(replacement: Unicode.Scalar, prependScheme: String)
    case byteLevel
    case bpe(suffix: String)
    case replace(TextPattern, String)
    case strip(content: Unicode.Scalar, start: Int, stop: Int)
    case sequence([TokenDecoder])

    init(_ object: [String: Any], context: JSONContext) throws {
        switch object["type"] as? String {
        case "ByteFallback": self = .byteFallback
        case "Fuse": self = .fuse
        case "Metaspace":
            let legacy = (object["add_prefix_space"] as? Bool).map { $0 ? "always" : "never" }
            self = .metaspace(replacement: (object["replacement"] as? String)?.unicodeScalars.first ?? "\u{2581}",
                              prependScheme: object["prepend_scheme"] as? String ?? legacy ?? "always")
        case "ByteLevel": self = .byteLevel
        case "BPEDecoder": self = .bpe(suffix: object["suffix"] as? String ?? "</w>")
        case "Replace": self = .replace(try TextPattern(object["pattern"], context: context), object["content"] as? String ?? "")
        case "Strip":
            self = .strip(content: (object["content"] as? String)?.unicodeScalars.first ?? " ",
                          start: object["start"] as? Int ?? 0, stop: object["stop"] as? Int ?? 0)
        case "Sequence":
            let items = (object["decoders"] as? [[String: Any]]) ?? []
            self = .sequence(try items.enumerated().map { try TokenDecoder($1, context: context.at("decoders[\($0)]")) })
        default: throw context.unsupported("decoder", object)
        }
    }

    /// The library's `decode_chain`: tokens in, tokens out; the caller joins them.
    func decode(_ tokens: [String]) -> [String] {
        switch self {
        case .byteFallback: return TokenDecoder.fallbackBytes(tokens)
        case .fuse: return [tokens.joined()]
        case let .metaspace(replacement, prependScheme):
            return tokens.enumerated().map { index, token in
                var scalars = token.unicodeScalars.map { $0 == replacement ? " " : $0 }
                if index == 0, prependScheme != "never", scalars.first == " " { scalars.removeFirst() }
                return String(String.UnicodeScalarView(scalars))
            }
        case .byteLevel: return [ByteLevelAlphabet.decode(tokens.joined())]
        case let .bpe(suffix):
            return tokens.enumerated().map { index, token in
                token.replacingOccurrences(of: suffix, with: index == tokens.count - 1 ? "" : " ")
            }
        case let .replace(pattern, content): return tokens.map { pattern.replace(in: $0, with: content) }
        case let .strip(content, start, stop):
            return tokens.map { token in
                var scalars = Array(token.unicodeScalars)
                var removed = 0
                while removed < start, scalars.first == content { scalars.removeFirst(); removed += 1 }
                removed = 0
                while removed < stop, scalars.last == content { scalars.removeLast(); removed += 1 }
                return String(String.UnicodeScalarView(scalars))
            }
        case let .sequence(items): return items.reduce(tokens) { $1.decode($0) }
        }
    }

    /// Runs of `<0xXX>` tokens become their UTF-8 text, or one U+FFFD per byte when invalid.
    static func fallbackBytes(_ tokens: [String]) -> [String] {
        var out: [String] = []
        var pending: [UInt8] = []
        func flush() {
            guard !pending.isEmpty else { return }
            if let text = String(validating: pending, as: UTF8.self) {
                out.append(text)
            } else {
                out.append(contentsOf: [String](repeating: "\u{FFFD}", count: pending.count))
            }
            pending = []
        }
        for token in tokens {
            let bytes = Array(token.utf8)
            if bytes.count == 6, token.hasPrefix("<0x"), token.hasSuffix(">"), let byte = UInt8(token.dropFirst(3).dropLast(), radix: 16) {
                pending.append(byte)
            } else {
                flush()
                out.append(token)
            }
        }
        flush()
        return out
    }
}

/// Adds special tokens around one or two encoded sequences.
indirect enum PostProcessor: Sendable {
    enum Piece: Sendable { case sequence(first: Bool, typeID: Int), special(ids: [Int], typeID: Int) }
    case template(single: [Piece], pair: [Piece])
    case byteLevel
    case sequence([PostProcessor])

    init(_ object: [String: Any], context: JSONContext) throws {
        switch object["type"] as? String {
        case "TemplateProcessing":
            let specials = (object["special_tokens"] as? [String: [String: Any]]) ?? [:]
            func pieces(_ key: String) throws -> [Piece] {
                try ((object[key] as? [[String: Any]]) ?? []).map { item in
                    if let sequence = item["Sequence"] as? [String: Any] {
                        return .sequence(first: (sequence["id"] as? String) != "B", typeID: sequence["type_id"] as? Int ?? 0)
                    }
                    guard let special = item["SpecialToken"] as? [String: Any], let name = special["id"] as? String,
                          let ids = specials[name]?["ids"] as? [Int] else {
                        throw context.error("\(key): a template piece names an undefined special token")
                    }
                    return .special(ids: ids, typeID: special["type_id"] as? Int ?? 0)
                }
            }
            self = .template(single: try pieces("single"), pair: try pieces("pair"))
        case "RobertaProcessing", "BertProcessing":
            guard let cls = (object["cls"] as? [Any])?.last as? Int, let sep = (object["sep"] as? [Any])?.last as? Int else {
                throw context.error("needs cls and sep as [token, id]")
            }
            let roberta = object["type"] as? String == "RobertaProcessing"
            self = .template(single: [.special(ids: [cls], typeID: 0), .sequence(first: true, typeID: 0), .special(ids: [sep], typeID: 0)],
                             pair: [.special(ids: [cls], typeID: 0), .sequence(first: true, typeID: 0), .special(ids: [sep], typeID: 0)]
                                 + (roberta ? [.special(ids: [sep], typeID: 0)] : [])
                                 + [.sequence(first: false, typeID: roberta ? 0 : 1), .special(ids: [sep], typeID: roberta ? 0 : 1)])
        case "ByteLevel": self = .byteLevel
        case "Sequence":
            let items = (object["processors"] as? [[String: Any]]) ?? []
            self = .sequence(try items.enumerated().map { try PostProcessor($1, context: context.at("processors[\($0)]")) })
        default: throw context.unsupported("post-processor", object)
        }
    }

    func process(_ first: [Int], _ second: [Int]?) throws -> BPETokenizer.Encoding {
        switch self {
        case .byteLevel:
            let ids = first + (second ?? [])
            return BPETokenizer.Encoding(ids: ids, typeIDs: [Int](repeating: 0, count: first.count) + [Int](repeating: 1, count: second?.count ?? 0))
        case let .template(single, pair):
            var encoding = BPETokenizer.Encoding(ids: [], typeIDs: [])
            for piece in second == nil ? single : pair {
                switch piece {
                case let .sequence(isFirst, typeID):
                    let ids = isFirst ? first : (second ?? [])
                    encoding.ids += ids
                    encoding.typeIDs += [Int](repeating: typeID, count: ids.count)
                case let .special(ids, typeID):
                    encoding.ids += ids
                    encoding.typeIDs += [Int](repeating: typeID, count: ids.count)
                }
            }
            return encoding
        case let .sequence(items):
            // Only the last template decides the ids; ByteLevel steps change offsets alone.
            return try items.last { if case .byteLevel = $0 { return false } else { return true } }?.process(first, second)
                ?? PostProcessor.byteLevel.process(first, second)
        }
    }
}
