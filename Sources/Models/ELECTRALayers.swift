// The building blocks ELECTRA's encoder shares with BERT, each loaded by its checkpoint
// names and run with the Inference ops. Names follow transformers' modeling_electra.py.
import Formats
import Inference

struct LinearLayer: Sendable {
    var weight: Tensor
    var bias: Tensor

    init(_ vb: WeightLoader, inputs: Int, outputs: Int) throws {
        weight = try vb.get([outputs, inputs], "weight")
        bias = try vb.get([outputs], "bias")
    }

    /// The layers' outputs side by side: one product instead of several over the same input.
    init(stacking layers: [LinearLayer]) throws {
        // A missing part is WeightLoader's empty placeholder; checkComplete reports it before any use.
        guard !layers.contains(where: { $0.weight.count == 0 || $0.bias.count == 0 }) else {
            weight = Tensor(zeros: [0])
            bias = Tensor(zeros: [0])
            return
        }
        let inputs = layers.first?.weight.shape.last ?? 0, outputs = layers.reduce(0) { $0 + $1.bias.count }
        weight = try Tensor(shape: [outputs, inputs], storage: layers.flatMap(\.weight.storage))
        bias = try Tensor(shape: [outputs], storage: layers.flatMap(\.bias.storage))
    }

    func callAsFunction(_ x: Tensor, activation: DNNLMatmul.Activation = .none, into output: inout Tensor) throws {
        try linear(x, weight: weight, bias: bias, activation: activation, into: &output)
    }
}

struct LayerNormLayer: Sendable {
    var weight: Tensor
    var bias: Tensor
    var eps: Float

    init(_ vb: WeightLoader, width: Int, eps: Float) throws {
        weight = try vb.get([width], "weight")
        bias = try vb.get([width], "bias")
        self.eps = eps
    }

    /// `x = LayerNorm(x + residual)`, or `LayerNorm(x)` without a residual.
    func callAsFunction(_ x: inout Tensor, adding residual: Tensor? = nil) throws {
        try layerNorm(&x, adding: residual, weight: weight, bias: bias, eps: eps)
    }
}

/// Activation buffers for one forward pass. A model keeps a few and reuses them across
/// calls, and every encoder layer writes into the same ones.
final class ForwardBuffers: @unchecked Sendable {
    var queryKeyValue = Tensor(zeros: [0]), context = Tensor(zeros: [0])
    var attentionOutput = Tensor(zeros: [0]), intermediate = Tensor(zeros: [0]), output = Tensor(zeros: [0])
    var scores = Tensor(zeros: [0])
}

/// `ElectraLayer`: self-attention, then the feed-forward block, each with a residual
/// connection and a post-LayerNorm.
struct ELECTRAEncoderLayer: Sendable {
    /// `attention.self.{query,key,value}` stacked into one Linear (`[3·hidden, hidden]`).
    var queryKeyValue: LinearLayer
    var attentionOutput: LinearLayer, attentionNorm: LayerNormLayer
    var intermediate: LinearLayer, output: LinearLayer, outputNorm: LayerNormLayer
    var heads: Int

    init(_ vb: WeightLoader, config: ELECTRAConfig) throws {
        let hidden = config.hiddenSize
        let attention = vb.pp("attention")
        queryKeyValue = try LinearLayer(stacking: ["query", "key", "value"].map {
            try LinearLayer(attention.pp("self").pp($0), inputs: hidden, outputs: hidden)
        })
        attentionOutput = try LinearLayer(attention.pp("output").pp("dense"), inputs: hidden, outputs: hidden)
        attentionNorm = try LayerNormLayer(attention.pp("output").pp("LayerNorm"), width: hidden, eps: config.layerNormEps)
        intermediate = try LinearLayer(vb.pp("intermediate").pp("dense"), inputs: hidden, outputs: config.intermediateSize)
        output = try LinearLayer(vb.pp("output").pp("dense"), inputs: config.intermediateSize, outputs: hidden)
        outputNorm = try LayerNormLayer(vb.pp("output").pp("LayerNorm"), width: hidden, eps: config.layerNormEps)
        heads = config.attentionHeads
    }

    /// `hidden` holds the sequences' rows one after another (`[Σ lengths, hiddenSize]`);
    /// updated in place. Only attention sees where one sequence ends.
    func forward(_ hidden: inout Tensor, lengths: [Int], mask: [Int], buffers b: ForwardBuffers) throws {
        try queryKeyValue(hidden, into: &b.queryKeyValue)
        try attention(packedQKV: b.queryKeyValue, lengths: lengths, heads: heads, keyMask: mask, into: &b.context, scores: &b.scores)
        try attentionOutput(b.context, into: &b.attentionOutput)
        try attentionNorm(&b.attentionOutput, adding: hidden)
        // The exact erf GELU, applied by oneDNN as it stores the product.
        try intermediate(b.attentionOutput, activation: .geluErf, into: &b.intermediate)
        try output(b.intermediate, into: &b.output)
        try outputNorm(&b.output, adding: b.attentionOutput)
        swap(&hidden, &b.output)
    }
}
