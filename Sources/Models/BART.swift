// BartForConditionalGeneration: token embeddings (shared by encoder, decoder and the tied LM
// head), learned positions offset by 2, `layernorm_embedding`, the encoder and decoder stacks,
// and `lm_head` + `final_logits_bias`. The decoder runs incrementally over a KV cache
// (`BARTDecoderSession`), so generation never recomputes past tokens.
import Foundation
import Formats
import Inference

public struct BARTError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

public struct BARTForConditionalGeneration: Sendable {
    public let config: BARTConfig
    let sharedEmbedding: Tensor, encoderEmbedding: Tensor, decoderEmbedding: Tensor
    let encoderPositions: Tensor, decoderPositions: Tensor
    let encoderEmbeddingNorm: LayerNormLayer, decoderEmbeddingNorm: LayerNormLayer
    let encoderFinalNorm: LayerNormLayer?, decoderFinalNorm: LayerNormLayer?
    let encoderLayers: [BARTEncoderLayer], decoderLayers: [BARTDecoderLayer]
    let lmHead: Tensor
    let finalLogitsBias: Tensor
    /// Non-fatal loading notes, as transformers' warnings (unused checkpoint keys).
    public let warnings: [String]

    /// Loads from a checkpoint's tensors, with or without the `model.` prefix of the
    /// conditional-generation class; tied embeddings may be stored once, as `shared`.
    public init(config: BARTConfig, weights root: WeightLoader, checkpointName: String) throws {
        self.config = config
        let vb = root.contains("model.shared.weight") || root.contains("model.encoder.embed_tokens.weight") ? root.pp("model") : root
        let d = config.dModel, vocab = config.vocabSize
        func embedding(_ name: String) throws -> Tensor {
            try vb.contains(name) ? vb.get([vocab, d], name) : vb.get([vocab, d], "shared.weight")
        }
        sharedEmbedding = try vb.contains("shared.weight") ? vb.get([vocab, d], "shared.weight") : embedding("encoder.embed_tokens.weight")
        encoderEmbedding = try config.tieWordEmbeddings ? sharedEmbedding : embedding("encoder.embed_tokens.weight")
        decoderEmbedding = try config.tieWordEmbeddings ? sharedEmbedding : embedding("decoder.embed_tokens.weight")
        let positions = config.maxPositionEmbeddings + BARTConfig.positionOffset
        encoderPositions = try vb.get([positions, d], "encoder.embed_positions.weight")
        decoderPositions = try vb.get([positions, d], "decoder.embed_positions.weight")
        encoderEmbeddingNorm = try LayerNormLayer(vb.pp("encoder.layernorm_embedding"), width: d, eps: 1e-5)
        decoderEmbeddingNorm = try LayerNormLayer(vb.pp("decoder.layernorm_embedding"), width: d, eps: 1e-5)
        encoderFinalNorm = config.normalizeBefore ? try LayerNormLayer(vb.pp("encoder.layer_norm"), width: d, eps: 1e-5) : nil
        decoderFinalNorm = config.normalizeBefore ? try LayerNormLayer(vb.pp("decoder.layer_norm"), width: d, eps: 1e-5) : nil
        encoderLayers = try (0..<config.encoderLayers).map { try BARTEncoderLayer(vb.pp("encoder.layers.\($0)"), config: config) }
        decoderLayers = try (0..<config.decoderLayers).map { try BARTDecoderLayer(vb.pp("decoder.layers.\($0)"), config: config) }
        lmHead = try config.tieWordEmbeddings || !root.contains("lm_head.weight") ? sharedEmbedding : root.get([vocab, d], "lm_head.weight")
        if root.contains("final_logits_bias") {
            finalLogitsBias = try root.get([1, vocab], "final_logits_bias").reshaped([vocab])
        } else {
            finalLogitsBias = Tensor(zeros: [vocab]) // transformers starts the buffer at zeros
        }
        try root.checkComplete(model: "BartForConditionalGeneration", checkpoint: checkpointName)
        warnings = [root.unexpectedKeysWarning(model: "BartForConditionalGeneration", checkpoint: checkpointName,
                                               ignoring: ["embed_tokens.weight", "lm_head.weight", "shared.weight"])].compactMap { $0 }
    }

    var embedScale: Float { config.scaleEmbedding ? Float(config.dModel).squareRoot() : 1 }

    /// The encoder's last hidden state `[inputIDs.count, d_model]` for one input; `mask` (1 = attend)
    /// defaults to all ones.
    public func encode(_ inputIDs: [Int], mask: [Int]? = nil) throws -> Tensor {
        guard !inputIDs.isEmpty else { throw BARTError(message: "the input has no tokens") }
        guard inputIDs.count <= config.maxPositionEmbeddings else {
            throw BARTError(message: "the input has \(inputIDs.count) tokens; the model takes at most \(config.maxPositionEmbeddings) (max_position_embeddings)")
        }
        var hidden = try embed(inputIDs, table: encoderEmbedding, positions: encoderPositions, start: 0)
        try encoderEmbeddingNorm(&hidden)
        let mask = mask ?? [Int](repeating: 1, count: inputIDs.count)
        guard mask.count == inputIDs.count else {
            throw BARTError(message: "the attention mask has \(mask.count) entries for \(inputIDs.count) tokens")
        }
        for layer in encoderLayers {
            try layer.forward(&hidden, sequence: inputIDs.count, mask: mask, preNorm: config.normalizeBefore)
        }
        if let encoderFinalNorm { try encoderFinalNorm(&hidden) }
        return hidden
    }

    /// Token embeddings times the scale, plus the positions `start + i + 2` (the same position for every row when `samePosition`).
    func embed(_ ids: [Int], table: Tensor, positions: Tensor, start: Int, samePosition: Bool = false) throws -> Tensor {
        var hidden = try embeddingLookup(table, ids: ids)
        let d = config.dModel, scale = embedScale
        for row in ids.indices {
            let position = (samePosition ? start : start + row) + BARTConfig.positionOffset
            guard position < positions.shape[0] else {
                let limit = config.maxPositionEmbeddings
                throw BARTError(message: "position \(position - BARTConfig.positionOffset) is past max_position_embeddings \(limit)")
            }
            let base = position * d
            hidden.withUnsafeMutableElements { values in
                for c in 0..<d {
                    let index = row * d + c
                    values[index] = values[index] * scale + positions.storage[base + c]
                }
            }
        }
        return hidden
    }

    /// A decoder over `rows` rows (beams) attending to `encoderOutput` (where `sourceMask` is 1), with room
    /// for `maxLength` positions.
    public func decoderSession(encoderOutput: Tensor, sourceMask: [Int]? = nil, rows: Int, maxLength: Int) throws -> BARTDecoderSession {
        try BARTDecoderSession(model: self, encoderOutput: encoderOutput, sourceMask: sourceMask, rows: rows, capacity: maxLength)
    }
}

public struct BARTDecoderSession: IncrementalDecoder {
    let model: BARTForConditionalGeneration
    let rows: Int, capacity: Int, sourceLength: Int
    let sourceMask: [Int]?
    var caches: [BARTLayerCache]
    /// Which cache row holds each row's position: `slots[row · capacity + position]`.
    var slots: [Int32]
    public private(set) var step = 0

    init(model: BARTForConditionalGeneration, encoderOutput: Tensor, sourceMask: [Int]?, rows: Int, capacity: Int) throws {
        let d = model.config.dModel
        guard encoderOutput.rank == 2, encoderOutput.lastDimension == d, encoderOutput.shape[0] > 0 else {
            throw BARTError(message: "encoder output must be [sequence, \(d)], found \(encoderOutput.shape)")
        }
        // Cache rows are numbered in Int32 slots (see `slots`).
        guard rows > 0, capacity > 0, capacity <= model.config.maxPositionEmbeddings, rows <= Int(Int32.max) / capacity else {
            throw BARTError(message: "a decoder of \(rows) rows and \(capacity) positions does not fit max_position_embeddings \(model.config.maxPositionEmbeddings)")
        }
        self.model = model
        self.rows = rows
        self.capacity = capacity
        sourceLength = encoderOutput.shape[0]
        if let sourceMask, sourceMask.count != sourceLength {
            throw BARTError(message: "the source mask has \(sourceMask.count) entries for \(sourceLength) encoder positions")
        }
        self.sourceMask = sourceMask
        slots = [Int32](repeating: 0, count: rows * capacity)
        caches = try model.decoderLayers.map { layer in
            let cross = layer.crossAttention
            return BARTLayerCache(keys: [Float](repeating: 0, count: rows * capacity * d), values: [Float](repeating: 0, count: rows * capacity * d),
                                  crossKeys: try linear(encoderOutput, weight: cross.key.weight, bias: cross.key.bias),
                                  crossValues: try linear(encoderOutput, weight: cross.value.weight, bias: cross.value.bias))
        }
    }

    public mutating func nextLogits(tokens: [Int]) throws -> Tensor {
        guard tokens.count == rows else { throw BARTError(message: "decoder step got \(tokens.count) tokens for \(rows) rows") }
        guard step < capacity else { throw BARTError(message: "decoder cache is full at \(capacity) positions") }
        var hidden = try model.embed(tokens, table: model.decoderEmbedding, positions: model.decoderPositions, start: step, samePosition: true)
        try model.decoderEmbeddingNorm(&hidden)
        // This step's keys and values go to fresh cache rows, one per row.
        for row in 0..<rows { slots[row * capacity + step] = Int32(step * rows + row) }
        for (index, layer) in model.decoderLayers.enumerated() {
            try layer.step(&hidden, rows: rows, step: step, capacity: capacity, slots: slots, cache: &caches[index],
                           sourceLength: sourceLength, sourceMask: sourceMask, preNorm: model.config.normalizeBefore)
        }
        if let norm = model.decoderFinalNorm { try norm(&hidden) }
        step += 1
        return try linear(hidden, weight: model.lmHead, bias: model.finalLogitsBias)
    }

    public mutating func reorder(rows sources: [Int]) throws {
        guard sources.count == rows, sources.allSatisfy({ (0..<rows).contains($0) }) else {
            throw BARTError(message: "reorder needs \(rows) row indices in 0..<\(rows), got \(sources)")
        }
        if sources == Array(0..<rows) { return }
        // A row takes over its source's history: its cache row indices, not the keys and values.
        let previous = slots
        for (row, source) in sources.enumerated() where source != row {
            for position in 0..<step { slots[row * capacity + position] = previous[source * capacity + position] }
        }
    }
}
