// Beam search as transformers 4.12.5 ran it: the version in the labs' requirements.txt, so
// the `kobart` handler's summaries are the seed's. It differs from the current one in three
// places, each of which changes long summaries:
// - a hypothesis ending in EOS is kept without its EOS and scored
//   `sum(logprobs) / len(hypothesis) ** length_penalty`, its length counting the decoder start;
// - a step is "done" when the best of all its 2·beams candidates (EOS ones included),
//   normalized at the current length, cannot beat the worst kept hypothesis;
// - at max_length the running beams themselves join the hypotheses (at length max_length).
// Hypothesis scores are Python floats (double); beam scores stay float32.
import Foundation
import Inference

extension Generation {
    static func beamSearchSeed<D: IncrementalDecoder>(_ decoder: inout D, options: GenerationOptions, vocabularySize: Int) throws -> [Int] {
        let beams = options.numBeams
        var running = [[Int]](repeating: [options.decoderStartTokenID ?? 0], count: beams)
        var runningScores = [Float](repeating: -1e9, count: beams)
        runningScores[0] = 0
        var kept = SeedHypotheses(beams: beams, lengthPenalty: options.lengthPenalty)
        var done = false
        while true {
            let candidates = try scoredCandidates(&decoder, running: running, runningScores: runningScores,
                                                  options: options, vocabularySize: vocabularySize, keep: 2 * beams)
            let length = running[0].count
            var next: [(score: Float, beam: Int, token: Int)] = []
            for (rank, candidate) in candidates.enumerated() {
                if options.eosTokenIDs.contains(candidate.token) {
                    if rank < beams { kept.add(score: Double(candidate.score), tokens: running[candidate.beam]) }
                } else {
                    next.append(candidate)
                }
                if next.count == beams { break }
            }
            guard next.count == beams, let best = candidates.first else {
                throw GenerationError.badOptions("beam search found fewer than \(beams) continuations that are not EOS")
            }
            done = done || kept.isDone(bestScore: Double(best.score), length: length, earlyStopping: options.earlyStopping == .always)
            running = next.map { running[$0.beam] + [$0.token] }
            runningScores = next.map { $0.score }
            if done || running[0].count >= options.maxLength { break }
            try decoder.reorder(rows: next.map { $0.beam })
        }
        if !done {
            for b in 0..<beams { kept.add(score: Double(runningScores[b]), tokens: running[b]) }
        }
        guard let best = kept.best else { return running[0] }
        // The seed appends EOS after a hypothesis shorter than max_length.
        if best.count < options.maxLength, let eos = options.eosTokenIDs.first { return best + [eos] }
        return best
    }
}

/// transformers 4.12's BeamHypotheses: the best `beams` hypotheses with their worst score.
struct SeedHypotheses {
    let beams: Int
    let lengthPenalty: Double
    var entries: [(score: Double, tokens: [Int])] = []
    var worst = 1e9

    init(beams: Int, lengthPenalty: Double) {
        self.beams = beams
        self.lengthPenalty = lengthPenalty
    }

    mutating func add(score sum: Double, tokens: [Int]) {
        let score = sum / pow(Double(tokens.count), lengthPenalty)
        guard entries.count < beams || score > worst else { return }
        entries.append((score, tokens))
        if entries.count > beams {
            let ascending = entries.indices.sorted { (entries[$0].score, $0) < (entries[$1].score, $1) }
            worst = entries[ascending[1]].score
            entries.remove(at: ascending[0])
        } else {
            worst = min(score, worst)
        }
    }

    func isDone(bestScore: Double, length: Int, earlyStopping: Bool) -> Bool {
        guard entries.count >= beams else { return false }
        if earlyStopping { return true }
        return worst >= bestScore / pow(Double(length), lengthPenalty)
    }

    /// Python's `sorted(..., key=score).pop()`: the highest score, the later one among equals.
    var best: [Int]? {
        entries.indices.max { entries[$0].score < entries[$1].score || (entries[$0].score == entries[$1].score && $0 < $1) }
            .map { entries[$0].tokens }
    }
}
