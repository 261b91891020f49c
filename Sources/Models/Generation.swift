// Autoregressive generation with transformers' `generate` semantics (the version pinned in
// fixtures/make_bart_fixtures.py): greedy decoding and beam search, with the logits
// processors the labs' summarizer uses: no_repeat_ngram_size, min_length (bans EOS while the
// sequence, decoder start token included, is shorter), forced BOS at step 1, forced EOS at
// max_length − 1. Lengths count the decoder start token, as transformers' max_length does.
import Foundation
import Inference

public struct GenerationOptions: Sendable, Equatable {
    public enum EarlyStopping: Sendable, Equatable {
        /// transformers' `False`: stop when the best running beam, normalized at the current length, cannot beat the worst kept hypothesis.
        case heuristic
        /// `True`: stop as soon as `numBeams` hypotheses are finished.
        case always
        /// `"never"`: with a positive length penalty, assume the running beams could reach max_length.
        case never
    }

    /// Which transformers' `generate` to reproduce: they differ in beam scoring on long outputs, and in
    /// whether pad tokens in an unmasked input are masked (4.12 does).
    public enum BeamScoring: Sendable, Equatable {
        /// The current one (pinned 5.24.0 in the fixture script): EOS counted in the length, no decoder start.
        case current
        /// 4.12.5, the labs' requirements.txt: see GenerationBeamSearchSeed.swift.
        case transformers4_12
    }

    public var beamScoring = BeamScoring.current
    public var maxLength = 20
    public var minLength = 0
    public var numBeams = 1
    public var lengthPenalty = 1.0
    public var earlyStopping = EarlyStopping.heuristic
    public var noRepeatNgramSize = 0
    public var bosTokenID: Int?
    public var eosTokenIDs: [Int] = []
    public var padTokenID: Int?
    public var decoderStartTokenID: Int?
    public var forcedBOSTokenID: Int?
    public var forcedEOSTokenID: Int?

    public init() {}

    /// Applies the generation keys of a config.json or generation_config.json object.
    public mutating func overlay(_ object: [String: Any]) {
        func id(_ key: String) -> Int?? { object[key].map { ($0 as? NSNumber)?.intValue } }
        if let value = (object["max_length"] as? NSNumber)?.intValue { maxLength = value }
        if let value = (object["min_length"] as? NSNumber)?.intValue { minLength = value }
        if let value = (object["num_beams"] as? NSNumber)?.intValue { numBeams = value }
        if let value = (object["length_penalty"] as? NSNumber)?.doubleValue { lengthPenalty = value }
        if let value = (object["no_repeat_ngram_size"] as? NSNumber)?.intValue { noRepeatNgramSize = value }
        if let value = object["early_stopping"] {
            if (value as? String) == "never" { earlyStopping = .never } else if let flag = value as? Bool { earlyStopping = flag ? .always : .heuristic }
        }
        if let value = id("bos_token_id") { bosTokenID = value }
        if let value = id("pad_token_id") { padTokenID = value }
        if let value = id("decoder_start_token_id") { decoderStartTokenID = value }
        if let value = id("forced_bos_token_id") { forcedBOSTokenID = value }
        if let value = id("forced_eos_token_id") { forcedEOSTokenID = value }
        if let value = object["eos_token_id"] {
            if let list = value as? [NSNumber] { eosTokenIDs = list.map(\.intValue) } else { eosTokenIDs = [(value as? NSNumber)?.intValue].compactMap { $0 } }
        }
    }

    func validate(vocabularySize: Int) throws {
        guard maxLength >= 1, minLength >= 0, numBeams >= 1, noRepeatNgramSize >= 0 else {
            throw GenerationError.badOptions("max_length \(maxLength), min_length \(minLength), num_beams \(numBeams), no_repeat_ngram_size \(noRepeatNgramSize)")
        }
        guard decoderStartTokenID != nil else { throw GenerationError.badOptions("decoder_start_token_id is not set (config.json)") }
        for (name, id) in [("decoder_start_token_id", decoderStartTokenID), ("forced_bos_token_id", forcedBOSTokenID),
                           ("forced_eos_token_id", forcedEOSTokenID)] + eosTokenIDs.map({ ("eos_token_id", $0) }) {
            if let id, !(0..<vocabularySize).contains(id) {
                throw GenerationError.badOptions("\(name) \(id) is outside the vocabulary 0..<\(vocabularySize)")
            }
        }
    }
}

public enum GenerationError: Error, Sendable, Equatable, CustomStringConvertible {
    case badOptions(String)
    case badLogits(expected: String, found: String)

    public var description: String {
        switch self {
        case let .badOptions(message): return "generation options: \(message)"
        case let .badLogits(expected, found): return "decoder returned logits of shape \(found), expected \(expected)"
        }
    }
}

/// A decoder that runs one new token per row and keeps its past (a KV cache), so no past token is recomputed.
public protocol IncrementalDecoder {
    /// Logits `[rows, vocab]` for the token after each row's sequence, given each row's newest token.
    mutating func nextLogits(tokens: [Int]) throws -> Tensor
    /// Row `i` continues the past of row `sources[i]` (beams reorder after each step).
    mutating func reorder(rows sources: [Int]) throws
}

public enum Generation {
    /// Greedy or beam search by `options.numBeams`; `makeDecoder(rows)` starts a decoder over that many rows.
    public static func generate<D: IncrementalDecoder>(options: GenerationOptions, vocabularySize: Int,
                                                       makeDecoder: (Int) throws -> D) throws -> [Int] {
        try options.validate(vocabularySize: vocabularySize)
        var decoder = try makeDecoder(options.numBeams)
        if options.numBeams == 1 { return try greedy(&decoder, options: options, vocabularySize: vocabularySize) }
        return options.beamScoring == .current ? try beamSearch(&decoder, options: options, vocabularySize: vocabularySize)
            : try beamSearchSeed(&decoder, options: options, vocabularySize: vocabularySize)
    }

    static func greedy<D: IncrementalDecoder>(_ decoder: inout D, options: GenerationOptions, vocabularySize: Int) throws -> [Int] {
        var sequence = [options.decoderStartTokenID ?? 0]
        while sequence.count < options.maxLength {
            var logits = try decoder.nextLogits(tokens: [sequence[sequence.count - 1]])
            try checkShape(logits, rows: 1, vocabularySize: vocabularySize)
            let next = logits.withUnsafeMutableElements { row -> Int in
                guard let base = row.baseAddress else { return 0 }
                applyProcessors(base, vocabularySize: vocabularySize, sequence: sequence, options: options)
                var best = 0 // torch.argmax: the first of equal maxima
                for v in 1..<vocabularySize where base[v] > base[best] { best = v }
                return best
            }
            sequence.append(next)
            if options.eosTokenIDs.contains(next) { break }
        }
        return sequence
    }

    static func checkShape(_ logits: Tensor, rows: Int, vocabularySize: Int) throws {
        guard logits.shape == [rows, vocabularySize] else {
            throw GenerationError.badLogits(expected: "[\(rows), \(vocabularySize)]", found: "\(logits.shape)")
        }
    }

    /// transformers' logits processors, in its order: NoRepeatNGram, MinLength, ForcedBOS, ForcedEOS.
    static func applyProcessors(_ scores: UnsafeMutablePointer<Float>, vocabularySize: Int, sequence: [Int], options: GenerationOptions) {
        let length = sequence.count
        let n = options.noRepeatNgramSize
        if n > 0, length >= n {
            let prefix = sequence[(length - n + 1)...]
            for start in 0...(length - n) where sequence[start..<(start + n - 1)].elementsEqual(prefix) {
                let banned = sequence[start + n - 1]
                if banned >= 0, banned < vocabularySize { scores[banned] = -.infinity }
            }
        }
        if length < options.minLength {
            for eos in options.eosTokenIDs where eos >= 0 && eos < vocabularySize { scores[eos] = -.infinity }
        }
        if let bos = options.forcedBOSTokenID, length == 1 { force(scores, vocabularySize: vocabularySize, token: bos) }
        if let eos = options.forcedEOSTokenID, length == options.maxLength - 1 { force(scores, vocabularySize: vocabularySize, token: eos) }
    }

    private static func force(_ scores: UnsafeMutablePointer<Float>, vocabularySize: Int, token: Int) {
        for v in 0..<vocabularySize { scores[v] = -.infinity }
        if token >= 0, token < vocabularySize { scores[token] = 0 }
    }
}
