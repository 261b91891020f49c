// ELECTRA for sequence classification.
//
// Paper: Clark et al., "ELECTRA: Pre-training Text Encoders as Discriminators Rather
// Than Generators" (ICLR 2020). Mirrors transformers' models/electra/modeling_electra.py
// (`ElectraForSequenceClassification`): embeddings (word + absolute position + token
// type, LayerNorm) → `embeddings_project` when embedding_size ≠ hidden_size → N post-LN
// encoder layers → `ElectraClassificationHead` (dense → gelu → out_proj on the first
// token). Weights are read by the checkpoint's dotted names.
//
// Deliberate differences: inference only (dropout is the identity, no loss); only the
// "gelu" activation and absolute positions (config.json asking for others is refused);
// missing weights are an error instead of being newly initialized; the
// `embeddings.position_ids` buffer older checkpoints carry is ignored, as transformers'
// `_keys_to_ignore_on_load_unexpected` does.
import Foundation
import Formats
import Inference

public struct ELECTRAForSequenceClassification: Sendable {
    public let config: ELECTRAConfig
    /// transformers' warning about checkpoint weights nothing used, if any.
    public let unusedWeightsWarning: String?

    private let wordEmbeddings: Tensor, positionEmbeddings: Tensor, tokenTypeEmbeddings: Tensor
    private let embeddingNorm: LayerNormLayer
    private let embeddingsProject: LinearLayer?
    private let layers: [ELECTRAEncoderLayer]
    private let classifierDense: LinearLayer, classifierOut: LinearLayer
    private let pool = BufferPool()

    /// Builds the model from `weights` (keys as in an HF checkpoint, e.g.
    /// `electra.embeddings.word_embeddings.weight`, `classifier.dense.weight`).
    public init(config: ELECTRAConfig, weights: WeightLoader, checkpointName: String = "checkpoint") throws {
        self.config = config
        let embeddings = weights.pp("electra").pp("embeddings")
        wordEmbeddings = try embeddings.pp("word_embeddings").get([config.vocabSize, config.embeddingSize], "weight")
        positionEmbeddings = try embeddings.pp("position_embeddings").get([config.maxPositionEmbeddings, config.embeddingSize], "weight")
        tokenTypeEmbeddings = try embeddings.pp("token_type_embeddings").get([config.typeVocabSize, config.embeddingSize], "weight")
        embeddingNorm = try LayerNormLayer(embeddings.pp("LayerNorm"), width: config.embeddingSize, eps: config.layerNormEps)
        embeddingsProject = config.embeddingSize == config.hiddenSize ? nil
            : try LinearLayer(weights.pp("electra").pp("embeddings_project"), inputs: config.embeddingSize, outputs: config.hiddenSize)
        let encoder = weights.pp("electra").pp("encoder").pp("layer")
        layers = try (0..<config.hiddenLayers).map { try ELECTRAEncoderLayer(encoder.pp("\($0)"), config: config) }
        let head = weights.pp("classifier")
        classifierDense = try LinearLayer(head.pp("dense"), inputs: config.hiddenSize, outputs: config.hiddenSize)
        classifierOut = try LinearLayer(head.pp("out_proj"), inputs: config.hiddenSize, outputs: config.labelCount)
        let model = "ElectraForSequenceClassification"
        try weights.checkComplete(model: model, checkpoint: checkpointName)
        unusedWeightsWarning = weights.unexpectedKeysWarning(model: model, checkpoint: checkpointName, ignoring: ["position_ids"])
    }

    /// Logits `[batch, labelCount]` for a batch of equally long sequences. `attentionMask`
    /// marks real tokens with 1 and padding with 0; token types default to zeros, as the
    /// model does when the caller passes no `token_type_ids`.
    ///
    /// Padding after a sequence's last real token is not computed: the sequences' real
    /// tokens run packed one after another, each attending within its own. A masked key gets
    /// exactly zero attention weight (exp of the most negative float underflows), positions
    /// are absolute and everything else is per token, so a sequence's first token does not
    /// depend on its padding. transformers computes the padding and discards it; the logits
    /// agree to float rounding, and a batch costs its real tokens, not rows × longest.
    public func logits(inputIDs: [[Int]], attentionMask: [[Int]], tokenTypeIDs: [[Int]]? = nil) throws -> Tensor {
        let batch = inputIDs.count
        let sequence = inputIDs.first?.count ?? 0
        guard batch > 0, sequence > 0, sequence <= config.maxPositionEmbeddings else {
            throw InferenceError.shapeMismatch(op: "ELECTRA input", expected: "1...\(config.maxPositionEmbeddings) tokens per sequence",
                                               found: "\(batch) sequences of \(sequence)")
        }
        let types = tokenTypeIDs ?? Array(repeating: Array(repeating: 0, count: sequence), count: batch)
        for rows in [inputIDs, attentionMask, types] where rows.count != batch || rows.contains(where: { $0.count != sequence }) {
            throw InferenceError.shapeMismatch(op: "ELECTRA input", expected: "\(batch)×\(sequence) ids, mask and types",
                                               found: "ragged rows")
        }
        // A row with no real token at all attends uniformly to every position, so it keeps them all.
        let lengths = attentionMask.map { row in row.lastIndex { $0 != 0 }.map { $0 + 1 } ?? row.count }
        let mask = zip(attentionMask, lengths).flatMap { $0.prefix($1) }
        let buffers = pool.take()
        defer { pool.give(buffers) }
        var hidden = try embed(ids: zip(inputIDs, lengths).flatMap { $0.prefix($1) },
                               types: zip(types, lengths).flatMap { $0.prefix($1) }, lengths: lengths)
        for layer in layers {
            try layer.forward(&hidden, lengths: lengths, mask: mask, buffers: buffers)
        }
        return try classify(hidden, lengths: lengths)
    }

    /// `ElectraEmbeddings` (+ `embeddings_project`): `[batch·sequence, hiddenSize]`.
    private func embed(ids: [Int], types: [Int], lengths: [Int]) throws -> Tensor {
        var x = try embeddingLookup(wordEmbeddings, ids: ids)
        try add(&x, embeddingLookup(tokenTypeEmbeddings, ids: types))
        let positions = lengths.flatMap { 0..<$0 }
        try add(&x, embeddingLookup(positionEmbeddings, ids: positions))
        try embeddingNorm(&x)
        guard let embeddingsProject else { return x }
        var projected = Tensor(zeros: [0])
        try embeddingsProject(x, into: &projected)
        return projected
    }

    /// `ElectraClassificationHead` on each sequence's first token.
    private func classify(_ hidden: Tensor, lengths: [Int]) throws -> Tensor {
        let width = config.hiddenSize
        var first = [Float]()
        first.reserveCapacity(lengths.count * width)
        var row = 0
        for length in lengths {
            first.append(contentsOf: hidden.storage[(row * width)..<((row + 1) * width)])
            row += length
        }
        var x = try Tensor(shape: [lengths.count, width], storage: first)
        var dense = Tensor(zeros: [0])
        try classifierDense(x, into: &dense)
        gelu(&dense)
        try classifierOut(dense, into: &x)
        return x
    }
}

/// Reusable activation buffers, one per concurrent forward pass.
private final class BufferPool: @unchecked Sendable {
    private let lock = NSLock()
    private var free: [ForwardBuffers] = []

    func take() -> ForwardBuffers {
        lock.lock(); defer { lock.unlock() }
        return free.popLast() ?? ForwardBuffers()
    }

    func give(_ buffers: ForwardBuffers) {
        lock.lock(); defer { lock.unlock() }
        if free.count < 4 { free.append(buffers) }
    }
}
