// A byte-pair-encoding tokenizer read from a Hugging Face `tokenizer.json`, running the
// tokenizers library's pipeline: added tokens split out of the raw text → normalizer →
// pre-tokenizer → BPE (merges, byte fallback) → post-processor; decoding runs the decoder
// chain. KoBART's tokenizer is one of these (character-level BPE with a "▁" marker).
//
// Text is handled as Unicode scalars, as the Rust library's `chars()` does, and the
// vocabulary is keyed by UTF-8 bytes: Swift's String equality is canonical equivalence and
// would merge composed and decomposed Hangul.
import Foundation

public struct BPETokenizer: Sendable {
    public struct AddedToken: Sendable, Equatable {
        public var id: Int
        public var content: String
        public var special: Bool
        public var normalized: Bool
    }

    public struct Encoding: Sendable, Equatable {
        public var ids: [Int]
        public var typeIDs: [Int]
    }

    let model: BPEModel
    let normalizer: TextNormalizer?
    let preTokenizer: PreTokenizer?
    let postProcessor: PostProcessor?
    let decoder: TokenDecoder?
    public let addedTokens: [AddedToken]
    /// transformers' `clean_up_tokenization_spaces` (from tokenizer_config.json).
    public var cleanUpTokenizationSpaces: Bool
    /// Special tokens named in tokenizer_config.json / special_tokens_map.json (`bos_token` → "<s>").
    public let namedTokens: [String: String]

    /// Reads `tokenizer.json` in `folder`, with tokenizer_config.json and special_tokens_map.json when present.
    public init(directory folder: URL) throws {
        let file = folder.appendingPathComponent("tokenizer.json")
        guard let data = try? Data(contentsOf: file) else {
            throw TokenizerError(location: file.path, message: "cannot read tokenizer.json")
        }
        var named: [String: String] = [:]
        var cleanUp = true // transformers' default when the config does not say (the seed's 4.12 too)
        for name in ["special_tokens_map.json", "tokenizer_config.json"] {
            guard let config = try? Data(contentsOf: folder.appendingPathComponent(name)),
                  let object = try? JSONSerialization.jsonObject(with: config) as? [String: Any] else { continue }
            for (key, value) in object where key.hasSuffix("_token") {
                if let text = value as? String { named[key] = text }
                if let text = (value as? [String: Any])?["content"] as? String { named[key] = text }
            }
            if let flag = object["clean_up_tokenization_spaces"] as? Bool { cleanUp = flag }
        }
        try self.init(json: data, location: file.path, namedTokens: named)
        cleanUpTokenizationSpaces = cleanUp
    }

    public init(json data: Data, location: String = "tokenizer.json", namedTokens: [String: String] = [:]) throws {
        guard let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw TokenizerError(location: location, message: "not a JSON object")
        }
        guard let modelObject = root["model"] as? [String: Any] else {
            throw TokenizerError(location: location, message: "no \"model\"")
        }
        let context = JSONContext(location: location)
        // The vocab is re-read from the bytes: a Swift dictionary merges canonically equivalent
        // tokens (a Hangul syllable and its conjoining jamo, é and e + ◌́), losing one of them.
        model = try BPEModel(modelObject, context: context.at("model")) {
            var scanner = VocabularyScanner(data: data, location: location)
            return try scanner.pairs(matching: modelObject["vocab"] as? [String: Any] ?? [:])
        }
        normalizer = try (root["normalizer"] as? [String: Any]).map { try TextNormalizer($0, context: context.at("normalizer")) }
        preTokenizer = try (root["pre_tokenizer"] as? [String: Any]).map { try PreTokenizer($0, context: context.at("pre_tokenizer")) }
        postProcessor = try (root["post_processor"] as? [String: Any]).map { try PostProcessor($0, context: context.at("post_processor")) }
        decoder = try (root["decoder"] as? [String: Any]).map { try TokenDecoder($0, context: context.at("decoder")) }
        var added: [AddedToken] = []
        for (index, item) in ((root["added_tokens"] as? [[String: Any]]) ?? []).enumerated() {
            guard let id = item["id"] as? Int, let content = item["content"] as? String, id >= 0 else {
                throw TokenizerError(location: "\(location): added_tokens[\(index)]", message: "needs an integer id and a content")
            }
            added.append(AddedToken(id: id, content: content, special: item["special"] as? Bool ?? false,
                                    normalized: item["normalized"] as? Bool ?? false))
        }
        addedTokens = added
        cleanUpTokenizationSpaces = false // the tokenizers library never cleans up; transformers' config may
        self.namedTokens = namedTokens
    }

    /// The id of `token` (added tokens first, then the model's vocabulary).
    public func id(of token: String) -> Int? {
        addedTokens.first { Array($0.content.utf8) == Array(token.utf8) }?.id ?? model.vocabulary[Array(token.utf8)]
    }

    public func token(for id: Int) -> String? {
        addedTokens.first { $0.id == id }?.content ?? (id >= 0 && id < model.tokens.count ? model.tokens[id] : nil)
    }

    public var vocabularySize: Int { max(model.tokens.count, (addedTokens.map(\.id).max() ?? -1) + 1) }

    /// `tokenizer.encode(text)` with special tokens added by the post-processor.
    public func encode(_ text: String, pair: String? = nil, addSpecialTokens: Bool = true) throws -> Encoding {
        let first = try encodeSequence(text)
        let second = try pair.map(encodeSequence)
        guard addSpecialTokens, let postProcessor else {
            let ids = first + (second ?? [])
            return Encoding(ids: ids, typeIDs: [Int](repeating: 0, count: first.count) + [Int](repeating: 1, count: second?.count ?? 0))
        }
        return try postProcessor.process(first, second)
    }

    func encodeSequence(_ text: String) throws -> [Int] {
        var ids: [Int] = []
        for (outerIndex, section) in splitOnAddedTokens(text, normalized: false).enumerated() {
            switch section {
            case let .token(id): ids.append(id)
            case let .text(raw):
                let normalized = normalizer?.apply(raw) ?? raw
                for (innerIndex, inner) in splitOnAddedTokens(normalized, normalized: true).enumerated() {
                    switch inner {
                    case let .token(id): ids.append(id)
                    case let .text(piece):
                        let words = preTokenizer?.split(piece, isFirst: outerIndex == 0 && innerIndex == 0) ?? [piece]
                        for word in words where !word.isEmpty { ids += try model.tokenize(word) }
                    }
                }
            }
        }
        return ids
    }

    enum Section { case text(String), token(Int) }

    /// Splits out added tokens (leftmost, longest first), as the library's AddedVocabulary does.
    func splitOnAddedTokens(_ text: String, normalized: Bool) -> [Section] {
        let candidates = addedTokens.filter { $0.normalized == normalized && !$0.content.isEmpty }
            .map { (Array($0.content.unicodeScalars), $0.id) }.sorted { $0.0.count > $1.0.count }
        let scalars = Array(text.unicodeScalars)
        guard !candidates.isEmpty else { return scalars.isEmpty ? [] : [.text(text)] }
        var sections: [Section] = []
        var start = 0, index = 0
        func flush(_ end: Int) {
            if end > start { sections.append(.text(String(String.UnicodeScalarView(scalars[start..<end])))) }
        }
        while index < scalars.count {
            if let (content, id) = candidates.first(where: { index + $0.0.count <= scalars.count
                && scalars[index..<(index + $0.0.count)].elementsEqual($0.0) }) {
                flush(index)
                sections.append(.token(id))
                index += content.count
                start = index
            } else {
                index += 1
            }
        }
        flush(scalars.count)
        return sections
    }

    /// `tokenizer.decode(ids, skip_special_tokens:)`, with transformers' space clean-up when configured.
    public func decode(_ ids: [Int], skipSpecialTokens: Bool = true) -> String {
        let specials = Set(addedTokens.filter(\.special).map(\.id))
        var pieces: [String] = []
        for id in ids {
            if skipSpecialTokens, specials.contains(id) { continue }
            if let token = token(for: id) { pieces.append(token) }
        }
        var text = decoder.map { $0.decode(pieces).joined() } ?? pieces.joined(separator: " ")
        if cleanUpTokenizationSpaces { text = BPETokenizer.cleanUpSpaces(text) }
        return text
    }

    /// transformers' `clean_up_tokenization`.
    static func cleanUpSpaces(_ text: String) -> String {
        var out = text
        for (from, to) in [(" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"),
                           (" 'm", "'m"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re")] {
            out = out.replacingOccurrences(of: from, with: to)
        }
        return out
    }
}

/// Where in tokenizer.json a value was read, for error messages.
struct JSONContext {
    var location: String
    func at(_ key: String) -> JSONContext { JSONContext(location: "\(location): \(key)") }
    func error(_ message: String) -> TokenizerError { TokenizerError(location: location, message: message) }
    func unsupported(_ kind: String, _ object: [String: Any]) -> TokenizerError {
        error("\(kind) type '\(object["type"] as? String ?? "?")' is not implemented")
    }
}
