// Beam search as transformers' `_beam_search` runs it for one input: all beams go through
// the decoder together; per step the top 2·beams continuations of all beams are taken (so
// enough unfinished ones remain when some end in EOS), finished ones among the first `beams`
// are scored `sum(logprobs) / generated_tokens ** length_penalty` (EOS counted, decoder start
// not) and kept if among the best `beams`; the search ends when the early-stopping rule says
// no running beam can improve, or every continuation hits EOS or max_length.
// Scores are float32 sums, as PyTorch keeps them.
import Foundation
import Inference

extension Generation {
    struct Hypothesis {
        var score: Float
        var tokens: [Int]
    }

    static func beamSearch<D: IncrementalDecoder>(_ decoder: inout D, options: GenerationOptions, vocabularySize: Int) throws -> [Int] {
        let beams = options.numBeams
        let keep = max(2, 1 + options.eosTokenIDs.count) * beams
        let promptLength = 1
        var running = [[Int]](repeating: [options.decoderStartTokenID ?? 0], count: beams)
        // Only the first beam is live at the start, so the beams do not pick the same tokens.
        var runningScores = [Float](repeating: -1e9, count: beams)
        runningScores[0] = 0
        var finished: [Hypothesis] = []
        var improvementPossible = true
        var length = promptLength
        while true {
            let candidates = try scoredCandidates(&decoder, running: running, runningScores: runningScores,
                                                  options: options, vocabularySize: vocabularySize, keep: keep)
            let hits = candidates.map { options.eosTokenIDs.contains($0.token) || length + 1 >= options.maxLength }
            // The next running beams: the best continuations that did not stop.
            var order: [(index: Int, score: Float)] = []
            for (k, candidate) in candidates.enumerated() {
                let penalty: Float = hits[k] ? -1e9 : 0
                order.append((k, candidate.score + penalty))
            }
            order = Array(order.sorted { $0.score > $1.score || ($0.score == $1.score && $0.index < $1.index) }.prefix(beams))
            // Finished hypotheses: only among the first `beams` candidates.
            let normalizer = Float(pow(Double(length + 1 - promptLength), options.lengthPenalty))
            var added: [Hypothesis] = []
            for k in 0..<min(beams, candidates.count) where hits[k] {
                added.append(Hypothesis(score: candidates[k].score / normalizer, tokens: running[candidates[k].beam] + [candidates[k].token]))
            }
            let merged = finished + added
            finished = merged.indices.sorted { merged[$0].score > merged[$1].score || (merged[$0].score == merged[$1].score && $0 < $1) }
                .prefix(beams).map { merged[$0] }
            let sources = order.map { candidates[$0.index].beam }
            running = order.map { running[candidates[$0.index].beam] + [candidates[$0.index].token] }
            runningScores = order.map { $0.score }
            length += 1
            if hits.allSatisfy({ $0 }) { break }
            try decoder.reorder(rows: sources)
            if finished.count == beams {
                if options.earlyStopping == .always { break }
                let hypothetical = options.earlyStopping == .never && options.lengthPenalty > 0 ? options.maxLength - promptLength : length - promptLength
                let bestPossible = runningScores[0] / Float(pow(Double(hypothetical), options.lengthPenalty))
                improvementPossible = improvementPossible && bestPossible > (finished.last?.score ?? -1e9)
                if !improvementPossible { break }
            }
        }
        return finished.first?.tokens ?? running[0]
    }

    /// The `k` largest of `count` values, largest first; equal values by lower index first.
    /// One decoder step for every beam: log-softmax, the logits processors, plus each beam's
    /// running score, then the best `keep` (score, beam, token) over all beams.
    static func scoredCandidates<D: IncrementalDecoder>(
        _ decoder: inout D, running: [[Int]], runningScores: [Float], options: GenerationOptions,
        vocabularySize: Int, keep: Int
    ) throws -> [(score: Float, beam: Int, token: Int)] {
        let beams = running.count
        var logits = try decoder.nextLogits(tokens: running.map { $0[$0.count - 1] })
        try checkShape(logits, rows: beams, vocabularySize: vocabularySize)
        return logits.withUnsafeMutableElements { buffer in
            guard let base = buffer.baseAddress else { return [] }
            logSoftmaxRows(base, rows: beams, width: vocabularySize)
            for b in 0..<beams {
                let row = base + b * vocabularySize
                applyProcessors(row, vocabularySize: vocabularySize, sequence: running[b], options: options)
                for v in 0..<vocabularySize { row[v] += runningScores[b] }
            }
            return topK(base, count: beams * vocabularySize, k: keep).map { ($0.value, $0.index / vocabularySize, $0.index % vocabularySize) }
        }
    }

    static func topK(_ values: UnsafePointer<Float>, count: Int, k: Int) -> [(value: Float, index: Int)] {
        var best: [(value: Float, index: Int)] = []
        best.reserveCapacity(k + 1)
        for i in 0..<count {
            let value = values[i]
            if best.count == k, let last = best.last, !(value > last.value) { continue }
            var position = best.count
            while position > 0, value > best[position - 1].value { position -= 1 }
            best.insert((value, i), at: position)
            if best.count > k { best.removeLast() }
        }
        return best
    }
}
