// BERT's WordPiece tokenizer, as transformers' fast BertTokenizer/ElectraTokenizer runs it
// (the tokenizers library: BertNormalizer → BertPreTokenizer → WordPiece → the
// [CLS] A [SEP] (B [SEP]) template), which is what AutoTokenizer loaded in the labs.
//
// Deliberate difference from the legacy pure-Python BertTokenizer, matching the fast one:
// no NFC normalization before splitting (decomposed Hangul stays decomposed), and
// "control" covers the categories Cc, Cf, Cn, Co and Cs.
import Foundation

public struct TokenizerError: Error, Sendable, Equatable, CustomStringConvertible {
    public var location: String
    public var message: String
    public var description: String { "\(location): \(message)" }
}

public struct WordPieceTokenizer: Sendable {
    public struct Options: Sendable, Equatable {
        public var lowercase = false
        /// nil follows `lowercase`, as BertNormalizer's `strip_accents: null` does.
        public var stripAccents: Bool?
        public var cleanText = true
        public var tokenizeChineseChars = true
        public var maxInputCharsPerWord = 100
        public var continuingSubwordPrefix = "##"
        public var unknownToken = "[UNK]", classToken = "[CLS]", separatorToken = "[SEP]", paddingToken = "[PAD]"
        public var maskToken = "[MASK]"
        public init() {}
    }

    /// What the model consumes, all of one length.
    public struct Encoding: Sendable, Equatable {
        public var inputIDs: [Int]
        public var attentionMask: [Int]
        public var tokenTypeIDs: [Int]
    }

    public let options: Options
    /// Token → id, keyed by UTF-8 bytes: Swift's String equality is canonical equivalence,
    /// which would merge the composed and decomposed Hangul tokens a vocabulary may hold.
    let vocabulary: [[UInt8]: Int]
    public let tokens: [String]
    /// Tokens matched verbatim in raw text before normalization (the special tokens).
    let addedTokens: [String]

    /// `addedTokens` are matched verbatim before normalization, besides the special tokens;
    /// each must be in the vocabulary.
    public init(tokens: [String], options: Options, addedTokens extra: [String] = []) throws {
        var vocabulary: [[UInt8]: Int] = [:]
        for (id, token) in tokens.enumerated() where vocabulary[Array(token.utf8)] == nil { vocabulary[Array(token.utf8)] = id }
        for special in [options.unknownToken, options.classToken, options.separatorToken, options.paddingToken]
        where vocabulary[Array(special.utf8)] == nil {
            throw TokenizerError(location: "vocabulary", message: "special token \(special) is not in the vocabulary")
        }
        self.tokens = tokens
        self.vocabulary = vocabulary
        self.options = options
        for token in extra where vocabulary[Array(token.utf8)] == nil {
            throw TokenizerError(location: "vocabulary", message: "added token \(token) is not in the vocabulary")
        }
        let specials = [options.unknownToken, options.separatorToken, options.paddingToken, options.classToken, options.maskToken]
        var seen = Set<[UInt8]>()
        addedTokens = (specials + extra).filter { vocabulary[Array($0.utf8)] != nil && seen.insert(Array($0.utf8)).inserted }
    }

    public func id(of token: String) -> Int? { vocabulary[Array(token.utf8)] }
    public var vocabularySize: Int { tokens.count }
    var unknownID: Int { id(of: options.unknownToken) ?? 0 }

    /// Word pieces of `text`, without special tokens.
    public func tokenize(_ text: String) -> [String] {
        var pieces: [String] = []
        for segment in splitOnAddedTokens(text) {
            if segment.isAdded {
                pieces.append(segment.text)
                continue
            }
            for word in preTokenize(normalize(segment.text)) { pieces.append(contentsOf: wordPieces(word)) }
        }
        return pieces
    }

    /// Ids of `text`'s word pieces, without special tokens.
    public func ids(_ text: String) -> [Int] {
        tokenize(text).map { id(of: $0) ?? unknownID }
    }

    /// `WordPiece`: greedy longest-match-first within one pre-tokenized word.
    func wordPieces(_ word: [Unicode.Scalar]) -> [String] {
        guard word.count <= options.maxInputCharsPerWord else { return [options.unknownToken] }
        let prefix = Array(options.continuingSubwordPrefix.utf8)
        var pieces: [String] = []
        var start = 0
        while start < word.count {
            var end = word.count
            var match: String?
            while start < end {
                var candidate = start > 0 ? prefix : []
                for scalar in word[start..<end] { if let code = UTF8.encode(scalar) { candidate.append(contentsOf: code) } }
                if vocabulary[candidate] != nil {
                    match = String(decoding: candidate, as: UTF8.self)
                    break
                }
                end -= 1
            }
            guard let match else { return [options.unknownToken] }
            pieces.append(match)
            start = end
        }
        return pieces
    }

    private struct Segment {
        var text: String
        var isAdded: Bool
    }

    /// Splits raw text around verbatim special tokens, leftmost match first, longest on
    /// ties. Matching runs on Unicode scalars: a combining mark after "]" must not hide
    /// the token, as it would from a grapheme-based String search.
    private func splitOnAddedTokens(_ text: String) -> [Segment] {
        let scalars = Array(text.unicodeScalars)
        let specials = addedTokens.map { Array($0.unicodeScalars) }
        var segments: [Segment] = []
        var plainStart = 0, i = 0
        func flushPlain(upTo end: Int) {
            if end > plainStart { segments.append(Segment(text: String(String.UnicodeScalarView(scalars[plainStart..<end])), isAdded: false)) }
        }
        while i < scalars.count {
            let match = specials.filter { i + $0.count <= scalars.count && scalars[i..<(i + $0.count)].elementsEqual($0) }
                .max { $0.count < $1.count }
            guard let match, !match.isEmpty else {
                i += 1
                continue
            }
            flushPlain(upTo: i)
            segments.append(Segment(text: String(String.UnicodeScalarView(match)), isAdded: true))
            i += match.count
            plainStart = i
        }
        flushPlain(upTo: scalars.count)
        return segments
    }
}
