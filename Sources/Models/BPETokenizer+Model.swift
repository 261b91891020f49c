// The BPE model of tokenizer.json: a word's scalars become symbols (or their UTF-8 bytes as
// `<0xXX>` tokens under byte fallback, or the unknown token), then the pair with the lowest
// merge rank is merged, leftmost first, until no merge applies.
import Foundation

struct BPEModel: Sendable {
    struct Pair: Hashable { var left: Int, right: Int }

    let vocabulary: [[UInt8]: Int]
    let tokens: [String]
    /// Pair of ids → (rank, merged id).
    let merges: [Pair: (rank: Int, id: Int)]
    let unknownID: Int?
    let fuseUnknown: Bool
    let byteFallback: Bool
    let ignoreMerges: Bool
    let continuingPrefix: String
    let endSuffix: String

    /// `object` is tokenizer.json's "model"; `pairs` reads its "vocab" byte for byte.
    init(_ object: [String: Any], context: JSONContext, vocabularyPairs pairs: () throws -> [(String, Int)]) throws {
        guard (object["type"] as? String ?? "BPE") == "BPE" else { throw context.unsupported("model", object) }
        if let dropout = object["dropout"] as? Double, dropout > 0 { throw context.error("BPE dropout is not implemented") }
        guard object["vocab"] is [String: Any] else { throw context.error("no \"vocab\" object") }
        var vocabulary: [[UInt8]: Int] = [:]
        var maxID = -1
        for (token, id) in try pairs() {
            guard id >= 0, id < 10_000_000 else { throw context.error("vocab entry \(token) has no valid id") }
            vocabulary[Array(token.utf8)] = id
            maxID = max(maxID, id)
        }
        var tokens = [String](repeating: "", count: maxID + 1)
        for (bytes, id) in vocabulary { tokens[id] = String(decoding: bytes, as: UTF8.self) }
        self.vocabulary = vocabulary
        self.tokens = tokens
        continuingPrefix = object["continuing_subword_prefix"] as? String ?? ""
        endSuffix = object["end_of_word_suffix"] as? String ?? ""
        var merges: [Pair: (rank: Int, id: Int)] = [:]
        for (rank, item) in ((object["merges"] as? [Any]) ?? []).enumerated() {
            let parts: [String]
            if let text = item as? String {
                // Split at the first space scalar: splitting Characters would miss a space that
                // a combining mark attaches to ("e ◌́" is "e" and " ◌́" as graphemes).
                let scalars = text.unicodeScalars
                if let space = scalars.firstIndex(of: " ") {
                    parts = [String(scalars[..<space]), String(scalars[scalars.index(after: space)...])]
                } else {
                    parts = [text]
                }
            } else if let list = item as? [String] {
                parts = list
            } else {
                throw context.error("merges[\(rank)] is neither \"a b\" nor [a, b]")
            }
            guard parts.count == 2, let left = vocabulary[Array(parts[0].utf8)], let right = vocabulary[Array(parts[1].utf8)] else {
                throw context.error("merges[\(rank)] \(parts) names tokens missing from the vocabulary")
            }
            let mergedText = parts[0] + (parts[1].hasPrefix(continuingPrefix) ? String(parts[1].dropFirst(continuingPrefix.count)) : parts[1])
            guard let merged = vocabulary[Array(mergedText.utf8)] else {
                throw context.error("merges[\(rank)]: merged token \(mergedText) is missing from the vocabulary")
            }
            if merges[Pair(left: left, right: right)] == nil { merges[Pair(left: left, right: right)] = (rank, merged) }
        }
        self.merges = merges
        if let unknown = object["unk_token"] as? String {
            guard let id = vocabulary[Array(unknown.utf8)] else { throw context.error("unk_token \(unknown) is not in the vocabulary") }
            unknownID = id
        } else {
            unknownID = nil
        }
        fuseUnknown = object["fuse_unk"] as? Bool ?? false
        byteFallback = object["byte_fallback"] as? Bool ?? false
        ignoreMerges = object["ignore_merges"] as? Bool ?? false
    }

    func tokenize(_ word: String) throws -> [Int] {
        if ignoreMerges, let id = vocabulary[Array(word.utf8)] { return [id] }
        var symbols = initialSymbols(word)
        while symbols.count > 1 {
            var best: (rank: Int, index: Int, id: Int)?
            for index in 0..<(symbols.count - 1) {
                if let merge = merges[Pair(left: symbols[index], right: symbols[index + 1])], merge.rank < (best?.rank ?? .max) {
                    best = (merge.rank, index, merge.id)
                }
            }
            guard let best else { break }
            symbols[best.index] = best.id
            symbols.remove(at: best.index + 1)
        }
        return symbols
    }

    private func initialSymbols(_ word: String) -> [Int] {
        let scalars = Array(word.unicodeScalars)
        var symbols: [Int] = []
        var lastWasUnknown = false
        for (index, scalar) in scalars.enumerated() {
            var text = String(scalar)
            if index > 0 { text = continuingPrefix + text }
            if index == scalars.count - 1 { text += endSuffix }
            if let id = vocabulary[Array(text.utf8)] {
                symbols.append(id)
                lastWasUnknown = false
                continue
            }
            if byteFallback {
                let bytes = String(scalar).utf8.map { vocabulary[Array(String(format: "<0x%02X>", $0).utf8)] }
                if bytes.allSatisfy({ $0 != nil }) {
                    symbols += bytes.compactMap { $0 }
                    lastWasUnknown = false
                    continue
                }
            }
            // No unknown token: the library drops the character.
            guard let unknownID else { continue }
            if !(fuseUnknown && lastWasUnknown) { symbols.append(unknownID) }
            lastWasUnknown = true
        }
        return symbols
    }
}
