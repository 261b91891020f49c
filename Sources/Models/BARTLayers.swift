// BART's layers by transformers' names (modeling_bart.py): self-attention (q/k/v stacked
// into one product) and cross-attention, encoder layers, and decoder layers with
// self-attention over a KV cache and cross-attention over the encoder output.
// Post-LayerNorm as BART (fused with the residual add), pre-LayerNorm as mBART.
import Foundation
import Formats
import Inference

/// Self-attention: q, k and v stacked into one product over the layer's input.
struct BARTSelfAttention: Sendable {
    var queryKeyValue: LinearLayer, output: LinearLayer
    var heads: Int
    var headSize: Int { output.weight.shape[0] / heads }

    init(_ vb: WeightLoader, width: Int, heads: Int) throws {
        queryKeyValue = try LinearLayer(stacking: ["q_proj", "k_proj", "v_proj"].map {
            try LinearLayer(vb.pp($0), inputs: width, outputs: width)
        })
        output = try LinearLayer(vb.pp("out_proj"), inputs: width, outputs: width)
        self.heads = heads
    }
}

/// Cross-attention: the query from the decoder, keys and values projected once from the encoder output.
struct BARTCrossAttention: Sendable {
    var query: LinearLayer, key: LinearLayer, value: LinearLayer, output: LinearLayer
    var heads: Int
    var headSize: Int { output.weight.shape[0] / heads }

    init(_ vb: WeightLoader, width: Int, heads: Int) throws {
        query = try LinearLayer(vb.pp("q_proj"), inputs: width, outputs: width)
        key = try LinearLayer(vb.pp("k_proj"), inputs: width, outputs: width)
        value = try LinearLayer(vb.pp("v_proj"), inputs: width, outputs: width)
        output = try LinearLayer(vb.pp("out_proj"), inputs: width, outputs: width)
        self.heads = heads
    }
}

/// The activation a config names, in place (transformers' ACT2FN).
func activate(_ x: inout Tensor, _ name: String) {
    switch name {
    case "relu":
        x.withUnsafeMutableElements { for i in $0.indices { $0[i] = max($0[i], 0) } }
    case "gelu_new", "gelu_fast", "gelu_pytorch_tanh":
        x.withUnsafeMutableElements { data in
            for i in data.indices {
                let v = data[i]
                data[i] = 0.5 * v * (1 + Foundation.tanh(0.7978845608028654 * (v + 0.044715 * v * v * v)))
            }
        }
    case "tanh":
        x.withUnsafeMutableElements { for i in $0.indices { $0[i] = Foundation.tanh($0[i]) } }
    case "silu", "swish":
        x.withUnsafeMutableElements { for i in $0.indices { $0[i] = $0[i] / (1 + Foundation.exp(-$0[i])) } }
    default:
        gelu(&x)
    }
}

/// `x += residual`, then, for post-LayerNorm models (BART), `x = norm(x)`, in one pass.
func addResidual(_ x: inout Tensor, _ residual: Tensor, norm: LayerNormLayer?) throws {
    if let norm { try norm(&x, adding: residual) } else { try add(&x, residual) }
}

struct BARTFeedForward: Sendable {
    var fc1: LinearLayer, fc2: LinearLayer, norm: LayerNormLayer
    var activation: String

    init(_ vb: WeightLoader, width: Int, inner: Int, activation: String) throws {
        fc1 = try LinearLayer(vb.pp("fc1"), inputs: width, outputs: inner)
        fc2 = try LinearLayer(vb.pp("fc2"), inputs: inner, outputs: width)
        norm = try LayerNormLayer(vb.pp("final_layer_norm"), width: width, eps: 1e-5)
        self.activation = activation
    }

    func forward(_ hidden: inout Tensor, preNorm: Bool) throws {
        var x = hidden
        if preNorm { try norm(&x) }
        var inner = Tensor(zeros: [0])
        if activation == "gelu" {
            try fc1(x, activation: .geluErf, into: &inner) // oneDNN applies the exact GELU as it stores
        } else {
            try fc1(x, into: &inner)
            activate(&inner, activation)
        }
        try fc2(inner, into: &x)
        try addResidual(&x, hidden, norm: preNorm ? nil : norm)
        hidden = x
    }
}

struct BARTEncoderLayer: Sendable {
    var attention: BARTSelfAttention, attentionNorm: LayerNormLayer, feedForward: BARTFeedForward

    init(_ vb: WeightLoader, config: BARTConfig) throws {
        attention = try BARTSelfAttention(vb.pp("self_attn"), width: config.dModel, heads: config.encoderHeads)
        attentionNorm = try LayerNormLayer(vb.pp("self_attn_layer_norm"), width: config.dModel, eps: 1e-5)
        feedForward = try BARTFeedForward(vb, width: config.dModel, inner: config.encoderFFN, activation: config.activation)
    }

    /// `hidden` is `[sequence, d_model]` (one input); updated in place.
    func forward(_ hidden: inout Tensor, sequence: Int, mask: [Int], preNorm: Bool) throws {
        var x = hidden
        if preNorm { try attentionNorm(&x) }
        var qkv = Tensor(zeros: [0]), context = Tensor(zeros: [0]), scores = Tensor(zeros: [0])
        try attention.queryKeyValue(x, into: &qkv)
        try Inference.attention(packedQKV: qkv, batch: 1, sequence: sequence, heads: attention.heads, keyMask: mask,
                                into: &context, scores: &scores)
        try attention.output(context, into: &x)
        try addResidual(&x, hidden, norm: preNorm ? nil : attentionNorm)
        try feedForward.forward(&x, preNorm: preNorm)
        hidden = x
    }
}

/// One decoder layer's cache: self-attention keys and values per row (beam), growing by one
/// position per step, and the cross-attention keys and values of the encoder output, shared by all rows.
struct BARTLayerCache {
    var keys: [Float], values: [Float]
    var crossKeys: Tensor, crossValues: Tensor
}

struct BARTDecoderLayer: Sendable {
    var selfAttention: BARTSelfAttention, selfNorm: LayerNormLayer
    var crossAttention: BARTCrossAttention, crossNorm: LayerNormLayer
    var feedForward: BARTFeedForward

    init(_ vb: WeightLoader, config: BARTConfig) throws {
        selfAttention = try BARTSelfAttention(vb.pp("self_attn"), width: config.dModel, heads: config.decoderHeads)
        selfNorm = try LayerNormLayer(vb.pp("self_attn_layer_norm"), width: config.dModel, eps: 1e-5)
        crossAttention = try BARTCrossAttention(vb.pp("encoder_attn"), width: config.dModel, heads: config.decoderHeads)
        crossNorm = try LayerNormLayer(vb.pp("encoder_attn_layer_norm"), width: config.dModel, eps: 1e-5)
        feedForward = try BARTFeedForward(vb, width: config.dModel, inner: config.decoderFFN, activation: config.activation)
    }

    /// One step for `rows` rows at position `step`. The cache holds `capacity · rows` key and
    /// value rows: position `t` of row `r` is written to cache row `t · rows + r`, and
    /// `slots[r · capacity + j]` says which cache row holds row `r`'s position `j` (see
    /// `BARTDecoderSession.reorder`).
    func step(_ hidden: inout Tensor, rows: Int, step: Int, capacity: Int, slots: [Int32], cache: inout BARTLayerCache,
              sourceLength: Int, sourceMask: [Int]?, preNorm: Bool) throws {
        let width = hidden.lastDimension
        var x = hidden
        if preNorm { try selfNorm(&x) }
        var qkv = Tensor(zeros: [0])
        try selfAttention.queryKeyValue(x, into: &qkv)
        // Row r of qkv is [q | k | v]: the query stays, the key and value go to the cache.
        var queries: [Float] = []
        queries.reserveCapacity(rows * width)
        let offset = step * rows * width
        for r in 0..<rows {
            let row = r * 3 * width, target = offset + r * width
            queries.append(contentsOf: qkv.storage[row..<(row + width)])
            cache.keys.replaceSubrange(target..<(target + width), with: qkv.storage[(row + width)..<(row + 2 * width)])
            cache.values.replaceSubrange(target..<(target + width), with: qkv.storage[(row + 2 * width)..<(row + 3 * width)])
        }
        let q = try Tensor(shape: [rows, width], storage: queries)
        var context = Tensor(zeros: [rows, width])
        try slots.withUnsafeBufferPointer { table in
            guard let base = table.baseAddress else { return }
            let layout = CacheLayout(slots: base, slotsPerBeam: capacity, rowStride: width)
            try attend(heads: selfAttention.heads, headSize: selfAttention.headSize, q, keys: cache.keys, values: cache.values, layout: layout, rows: rows, length: step + 1, mask: nil,
                       into: &context)
        }
        try selfAttention.output(context, into: &x)
        try addResidual(&x, hidden, norm: preNorm ? nil : selfNorm)

        var y = x
        if preNorm { try crossNorm(&y) }
        let crossQuery = try linear(y, weight: crossAttention.query.weight, bias: crossAttention.query.bias)
        try attend(heads: crossAttention.heads, headSize: crossAttention.headSize, crossQuery, keys: cache.crossKeys.storage, values: cache.crossValues.storage,
                   layout: CacheLayout(beamStride: 0, rowStride: width), rows: rows, length: sourceLength, mask: sourceMask, into: &context)
        try crossAttention.output(context, into: &y)
        try addResidual(&y, x, norm: preNorm ? nil : crossNorm)
        try feedForward.forward(&y, preNorm: preNorm)
        hidden = y
    }

    private func attend(heads: Int, headSize: Int, _ query: Tensor, keys: [Float], values: [Float], layout: CacheLayout,
                        rows: Int, length: Int, mask: [Int]?, into context: inout Tensor) throws {
        try query.storage.withUnsafeBufferPointer { q in
            try keys.withUnsafeBufferPointer { k in
                try values.withUnsafeBufferPointer { v in
                    try context.withUnsafeMutableElements { out in
                        guard let q0 = q.baseAddress, let k0 = k.baseAddress, let v0 = v.baseAddress, let o0 = out.baseAddress else { return }
                        try cachedAttention(query: q0, keys: k0, values: v0, layout: layout, rows: rows, length: length,
                                            heads: heads, headSize: headSize, scale: 1 / Float(headSize).squareRoot(),
                                            keyMask: mask, context: o0)
                    }
                }
            }
        }
    }
}
