// Loading a WordPiece tokenizer from a Hugging Face tokenizer folder: `tokenizer.json`
// when present, else `vocab.txt` with `tokenizer_config.json` (BertTokenizer's defaults
// where the config is silent: do_lower_case true, tokenize_chinese_chars true).
import Formats
import Foundation

extension WordPieceTokenizer {
    public init(directory: URL) throws {
        let fast = directory.appendingPathComponent("tokenizer.json")
        if FileManager.default.fileExists(atPath: fast.path) {
            try self.init(tokenizerJSON: try Data(contentsOf: fast), location: fast.path)
        } else if FileManager.default.fileExists(atPath: directory.appendingPathComponent("vocab.txt").path) {
            try self.init(vocabTxt: directory.appendingPathComponent("vocab.txt"),
                          config: directory.appendingPathComponent("tokenizer_config.json"))
        } else {
            throw TokenizerError(location: directory.path, message: "no tokenizer here: expected tokenizer.json or vocab.txt")
        }
    }

    /// The largest token id this tokenizer can produce (the embedding needs a row for it).
    public var largestID: Int { vocabulary.values.max() ?? -1 }

    /// A tokenizers `tokenizer.json` with a BertNormalizer and a WordPiece model.
    public init(tokenizerJSON data: Data, location: String = "tokenizer.json") throws {
        func fail(_ message: String) -> TokenizerError { TokenizerError(location: location, message: message) }
        guard let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
              let model = root["model"] as? [String: Any] else { throw fail("not a tokenizer.json object with a model") }
        guard model["type"] as? String == "WordPiece", model["vocab"] is [String: Any] else {
            throw fail("model type \(model["type"] ?? "nil") is not WordPiece")
        }
        // Re-read the vocab from the bytes: a Swift dictionary would merge canonically equivalent tokens.
        var scanner = VocabularyScanner(data: data, location: location)
        let pairs = try scanner.pairs(matching: model["vocab"] as? [String: Any] ?? [:])
        var tokens = [String?](repeating: nil, count: pairs.count)
        for (token, id) in pairs {
            guard id >= 0, id < tokens.count, tokens[id] == nil else {
                throw fail("vocab ids must be 0..<\(pairs.count) without repeats; '\(token)' has \(id)")
            }
            tokens[id] = token
        }
        var options = try WordPieceTokenizer.normalizerOptions(root["normalizer"], fail: fail)
        if let unknown = model["unk_token"] as? String { options.unknownToken = unknown }
        if let prefix = model["continuing_subword_prefix"] as? String { options.continuingSubwordPrefix = prefix }
        if let limit = (model["max_input_chars_per_word"] as? NSNumber)?.intValue, limit > 0 { options.maxInputCharsPerWord = limit }
        let preTokenizer = (root["pre_tokenizer"] as? [String: Any])?["type"] as? String
        guard preTokenizer == "BertPreTokenizer" else { throw fail("pre_tokenizer \(preTokenizer ?? "null") is not BertPreTokenizer") }
        // The [CLS] A [SEP] (B [SEP]) template is built in; transformers adds it itself when the file has none.
        let processor = (root["post_processor"] as? [String: Any])?["type"] as? String
        guard processor == nil || processor == "BertProcessing" || processor == "TemplateProcessing" else {
            throw fail("post_processor \(processor ?? "") is not BERT's template")
        }
        var extra: [String] = []
        for case let added as [String: Any] in root["added_tokens"] as? [Any] ?? [] {
            guard let content = added["content"] as? String else { continue }
            guard added["special"] as? Bool == true || added["normalized"] as? Bool == false else {
                throw fail("added token '\(content)' is matched after normalization, which is not implemented")
            }
            extra.append(content)
        }
        try self.init(tokens: tokens.compactMap { $0 }, options: options, addedTokens: extra)
    }

    /// BertNormalizer's settings; no normalizer at all means none of its steps run.
    private static func normalizerOptions(_ value: Any?, fail: (String) -> TokenizerError) throws -> Options {
        var options = Options()
        guard let normalizer = value as? [String: Any] else {
            options.cleanText = false
            options.tokenizeChineseChars = false
            return options
        }
        guard normalizer["type"] as? String == "BertNormalizer" else {
            throw fail("normalizer \(normalizer["type"] ?? "nil") is not BertNormalizer")
        }
        options.cleanText = normalizer["clean_text"] as? Bool ?? true
        options.tokenizeChineseChars = normalizer["handle_chinese_chars"] as? Bool ?? true
        options.stripAccents = normalizer["strip_accents"] as? Bool
        options.lowercase = normalizer["lowercase"] as? Bool ?? true
        return options
    }

    /// `vocab.txt` (one token a line, the line number its id) and `tokenizer_config.json`.
    public init(vocabTxt: URL, config: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: vocabTxt) } catch {
            throw TokenizerError(location: vocabTxt.path, message: "cannot read the vocabulary file (missing, a folder, or not readable)")
        }
        if String(data: data, encoding: .utf8) == nil {
            let problem = TextPosition.utf8Problem(in: data) ?? "not UTF-8 text"
            throw TokenizerError(location: vocabTxt.path, message: "the vocabulary is \(problem)")
        }
        // Lines split on "\n" bytes with a trailing "\r" dropped, as tokenizers reads vocab files
        // (a Swift String would keep "\r\n" together as one character).
        var tokens = [UInt8](data).split(separator: 0x0A, omittingEmptySubsequences: false).map { line in
            String(decoding: line.last == 0x0D ? line.dropLast() : line, as: UTF8.self)
        }
        if tokens.last == "" { tokens.removeLast() }
        var options = Options()
        options.lowercase = true
        if let data = try? Data(contentsOf: config) {
            guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
                throw TokenizerError(location: config.path, message: "not a JSON object")
            }
            options.lowercase = object["do_lower_case"] as? Bool ?? true
            options.stripAccents = object["strip_accents"] as? Bool
            options.tokenizeChineseChars = object["tokenize_chinese_chars"] as? Bool ?? true
            for (key, path) in [("unk_token", \Options.unknownToken), ("cls_token", \.classToken), ("sep_token", \.separatorToken),
                                ("pad_token", \.paddingToken), ("mask_token", \.maskToken)] {
                if let value = object[key] as? String { options[keyPath: path] = value }
            }
        }
        try self.init(tokens: tokens, options: options)
    }
}

/// Reads the `"vocab": {token: id, ...}` object of a tokenizer.json as raw (token, id) pairs.
struct VocabularyScanner {
    let bytes: [UInt8]
    let location: String
    var position = 0

    init(data: Data, location: String) {
        bytes = [UInt8](data)
        self.location = location
    }

    private func fail(_ message: String) -> TokenizerError {
        TokenizerError(location: location, message: "\(message) at \(TextPosition(ofByte: position, in: bytes))")
    }

    /// The pairs of the first `"vocab": {...}` object, checked against `parsed` (the model's
    /// vocab as JSONSerialization read it): every scanned token must be in it, so another
    /// object named "vocab" earlier in the file is an error rather than a wrong vocabulary.
    mutating func pairs(matching parsed: [String: Any]) throws -> [(String, Int)] {
        let scanned = try pairs()
        // The parsed dictionary merged canonically equivalent tokens, so it may be smaller, never larger.
        guard parsed.count <= scanned.count,
              scanned.allSatisfy({ token, id in (parsed[token] as? Int).map { _ in true } ?? false }) else {
            throw TokenizerError(location: location, message: "could not read model.vocab byte for byte (is there another \"vocab\" object before it?)")
        }
        return scanned
    }

    mutating func pairs() throws -> [(String, Int)] {
        let key = Array(#""vocab""#.utf8)
        var start: Int?
        var i = 0
        while i + key.count <= bytes.count {
            if bytes[i..<(i + key.count)].elementsEqual(key) {
                position = i + key.count
                skipSpace()
                if peek() == UInt8(ascii: ":") {
                    position += 1
                    skipSpace()
                    if peek() == UInt8(ascii: "{") { start = position; break }
                }
            }
            i += 1
        }
        guard let start else { throw fail("no vocab object") }
        position = start + 1
        var result: [(String, Int)] = []
        skipSpace()
        if peek() == UInt8(ascii: "}") { return result }
        while true {
            skipSpace()
            let token = try string()
            skipSpace()
            guard peek() == UInt8(ascii: ":") else { throw fail("expected ':'") }
            position += 1
            skipSpace()
            result.append((token, try integer()))
            skipSpace()
            if peek() == UInt8(ascii: ",") { position += 1; continue }
            guard peek() == UInt8(ascii: "}") else { throw fail("expected ',' or '}'") }
            return result
        }
    }

    private func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func skipSpace() {
        while let byte = peek(), byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { position += 1 }
    }

    private mutating func integer() throws -> Int {
        var value = 0
        var digits = 0
        while let byte = peek(), (0x30...0x39).contains(byte), digits < 12 {
            value = value * 10 + Int(byte - 0x30)
            digits += 1
            position += 1
        }
        guard digits > 0 else { throw fail("expected a token id") }
        return value
    }

    private mutating func string() throws -> String {
        guard peek() == UInt8(ascii: "\"") else { throw fail("expected a string") }
        position += 1
        var utf8: [UInt8] = []
        while let byte = peek() {
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: utf8, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard let escaped = peek() else { throw fail("unterminated escape") }
                position += 1
                switch escaped {
                case UInt8(ascii: "n"): utf8.append(0x0A)
                case UInt8(ascii: "t"): utf8.append(0x09)
                case UInt8(ascii: "r"): utf8.append(0x0D)
                case UInt8(ascii: "b"): utf8.append(0x08)
                case UInt8(ascii: "f"): utf8.append(0x0C)
                case UInt8(ascii: "u"): utf8.append(contentsOf: try unicodeEscape())
                default: utf8.append(escaped)
                }
            default:
                utf8.append(byte)
            }
        }
        throw fail("unterminated string")
    }

    private mutating func hex4() throws -> UInt32 {
        guard position + 4 <= bytes.count, let value = UInt32(String(decoding: bytes[position..<(position + 4)], as: UTF8.self), radix: 16) else {
            throw fail("bad \\u escape")
        }
        position += 4
        return value
    }

    private mutating func unicodeEscape() throws -> [UInt8] {
        var value = try hex4()
        if (0xD800..<0xDC00).contains(value), position + 6 <= bytes.count, bytes[position] == UInt8(ascii: "\\"),
           bytes[position + 1] == UInt8(ascii: "u") {
            position += 2
            let low = try hex4()
            guard (0xDC00..<0xE000).contains(low) else { throw fail("a high surrogate \\u\(String(value, radix: 16)) without its low half") }
            value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
        }
        guard let scalar = Unicode.Scalar(value) else { return Array("\u{FFFD}".utf8) }
        return Array(String(scalar).utf8)
    }
}
