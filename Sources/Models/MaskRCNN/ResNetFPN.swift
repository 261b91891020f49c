// The backbone of torchvision's `maskrcnn_resnet50_fpn`: ResNet (He et al., 2015) with
// FrozenBatchNorm2d, then a Feature Pyramid Network (Lin et al., 2017) with the extra
// max-pool level. Mirrors torchvision/models/resnet.py (v1.5: the stride is on the 3×3
// convolution of a Bottleneck) and ops/feature_pyramid_network.py.
// - Depth and widths come from the weights: `backbone.body.layerS.B.*` keys give the
//   blocks per stage and tensor shapes give the widths, so ResNet-50 and the project's
//   narrow demo backbones load alike.
// - FrozenBatchNorm2d is folded into the convolution before it (`w·γ/√(var+eps)`), as
//   torchvision's own fusion would; the eps comes from the config (0 for COCO).
// - The input is padded to a multiple of 32 (GeneralizedRCNNTransform's batching), so
//   every top-down step doubles the size exactly and nearest upsampling is a stride-2 repeat.
import Foundation
import Formats
import Inference

/// One Bottleneck block: 1×1, 3×3 (with the stride), 1×1, plus the identity or its
/// 1×1 projection, and a ReLU after the sum.
struct Bottleneck: Sendable {
    let reduce: Convolution2D, spatial: Convolution2D, expand: Convolution2D
    let downsample: Convolution2D?

    func callAsFunction(_ x: BlockedFeatureMap, pool: FeatureMapPool) throws -> BlockedFeatureMap {
        let identity = try downsample.map { try $0(x, pool: pool) } ?? x
        let out = try expand(spatial(reduce(x, pool: pool), pool: pool), pool: pool)
        return try adding(out, identity, relu: true, pool: pool)
    }
}

struct ResNetFPN: Sendable {
    let stem: Convolution2D
    let stages: [[Bottleneck]]
    /// FPN's 1×1 lateral convolutions and 3×3 output convolutions, one per stage.
    let lateral: [Convolution2D], output: [Convolution2D]

    var channels: Int { output[0].outChannels }

    init(weights: WeightLoader, eps: Float) throws {
        let body = weights.pp("backbone.body"), fpn = weights.pp("backbone.fpn")
        stem = try frozenConvolution(body, "conv1", norm: "bn1", stride: 2, padding: 3, activation: .relu, eps: eps)
        var stages: [[Bottleneck]] = []
        for stage in 1...4 {
            let layer = body.pp("layer\(stage)")
            let count = (0..<64).prefix { layer.contains("\($0).conv1.weight") }.count
            guard count > 0 else {
                throw CheckpointError(.missingTensor, layer.fullName("0.conv1.weight"), "a ResNet stage needs at least one block")
            }
            stages.append(try (0..<count).map { block in
                try bottleneck(layer.pp("\(block)"), stride: stage > 1 && block == 0 ? 2 : 1, eps: eps)
            })
        }
        self.stages = stages
        lateral = try (0..<4).map { try convolution(fpn.pp("inner_blocks.\($0).0"), padding: 0, activation: .linear) }
        output = try (0..<4).map { try convolution(fpn.pp("layer_blocks.\($0).0"), padding: 1, activation: .linear) }
        for (index, (stage, inner)) in zip(stages, lateral).enumerated() where stage.last?.expand.outChannels != inner.inChannels {
            throw CheckpointError(.shapeMismatch, fpn.fullName("inner_blocks.\(index).0.weight"),
                                  "expected \(stage.last?.expand.outChannels ?? 0) input channels (stage \(index + 1)'s output), found \(inner.inChannels)")
        }
        let width = output[0].outChannels
        if let odd = output.firstIndex(where: { $0.outChannels != width || $0.inChannels != width }) {
            throw CheckpointError(.shapeMismatch, fpn.fullName("layer_blocks.\(odd).0.weight"), "every FPN level must have \(width) channels")
        }
    }

    /// The pyramid '0', '1', '2', '3' (strides 4 to 32) and 'pool' (stride 64) for one
    /// normalized image [1, 3, h, w] whose sides are multiples of 32.
    func callAsFunction(_ image: Tensor, pool: FeatureMapPool) throws -> [BlockedFeatureMap] {
        var x = try maxPool2D(try stem(image, pool: pool), size: 3, stride: 2, padding: 2, pool: pool)
        var features: [BlockedFeatureMap] = []
        for stage in stages {
            for block in stage { x = try block(x, pool: pool) }
            features.append(x)
        }
        var last = try lateral[3](features[3], pool: pool)
        var levels = [try output[3](last, pool: pool)]
        for index in stride(from: 2, through: 0, by: -1) {
            let inner = try lateral[index](features[index], pool: pool)
            let topDown = try upsampleNearest(last, stride: 2, pool: pool)
            guard topDown.height == inner.height, topDown.width == inner.width else {
                throw InferenceError.shapeMismatch(op: "FPN top-down", expected: "\(inner.height)×\(inner.width)",
                                                   found: "\(topDown.height)×\(topDown.width) (the input's sides must be multiples of 32)")
            }
            last = try adding(inner, topDown, pool: pool)
            levels.insert(try output[index](last, pool: pool), at: 0)
        }
        // LastLevelMaxPool: max_pool2d(kernel 1, stride 2) of the coarsest level.
        levels.append(try maxPool2D(levels[3], size: 1, stride: 2, padding: 0, pool: pool))
        return levels
    }
}

private func bottleneck(_ block: WeightLoader, stride: Int, eps: Float) throws -> Bottleneck {
    let downsample = block.contains("downsample.0.weight")
        ? try frozenConvolution(block, "downsample.0", norm: "downsample.1", stride: stride, padding: 0, activation: .linear, eps: eps)
        : nil
    let unit = Bottleneck(
        reduce: try frozenConvolution(block, "conv1", norm: "bn1", stride: 1, padding: 0, activation: .relu, eps: eps),
        spatial: try frozenConvolution(block, "conv2", norm: "bn2", stride: stride, padding: 1, activation: .relu, eps: eps),
        expand: try frozenConvolution(block, "conv3", norm: "bn3", stride: 1, padding: 0, activation: .linear, eps: eps),
        downsample: downsample)
    if downsample == nil, unit.reduce.inChannels != unit.expand.outChannels || stride != 1 {
        throw CheckpointError(.missingTensor, block.fullName("downsample.0.weight"),
                              "a block that changes width (\(unit.reduce.inChannels) → \(unit.expand.outChannels)) or stride needs a projection")
    }
    return unit
}

/// A bias-free convolution followed by FrozenBatchNorm2d, folded into one convolution.
func frozenConvolution(_ weights: WeightLoader, _ name: String, norm: String, stride: Int, padding: Int,
                       activation: ConvolutionActivation, eps: Float) throws -> Convolution2D {
    var kernel = try weights.inferred("\(name).weight", rank: 4)
    let channels = [kernel.shape[0]], bn = weights.pp(norm)
    let bias = try foldBatchNorm(weights: &kernel, shift: bn.get(channels, "bias"), scale: bn.get(channels, "weight"),
                                 mean: bn.get(channels, "running_mean"), variance: bn.get(channels, "running_var"), eps: eps)
    guard kernel.storage.allSatisfy(\.isFinite), bias.storage.allSatisfy(\.isFinite) else {
        throw CheckpointError(.malformed, bn.fullName("running_var"),
                              "folding the batch norm gave non-finite weights (a variance of 0 with eps \(eps), or NaN/Inf values)")
    }
    return try Convolution2D(weights: kernel, bias: bias, stride: stride, padding: padding, activation: activation)
}

/// A convolution with its own bias (FPN, RPN and mask-head layers).
func convolution(_ weights: WeightLoader, padding: Int, activation: ConvolutionActivation, stride: Int = 1) throws -> Convolution2D {
    let kernel = try weights.inferred("weight", rank: 4)
    let bias = try weights.get([kernel.shape[0]], "bias")
    guard kernel.storage.allSatisfy(\.isFinite), bias.storage.allSatisfy(\.isFinite) else {
        throw CheckpointError(.malformed, weights.fullName("weight"), "holds NaN or infinite values")
    }
    return try Convolution2D(weights: kernel, bias: bias, stride: stride, padding: padding, activation: activation)
}

extension WeightLoader {
    /// The tensor `name`, whatever its shape as long as it has `rank` axes: the model
    /// reads its widths from the weights. A missing key is an error at once, since the
    /// architecture depends on it.
    func inferred(_ name: String, rank: Int) throws -> Tensor {
        guard let shape = tensors[fullName(name)]?.shape else {
            throw CheckpointError(.missingTensor, fullName(name), "the checkpoint has no tensor of this name")
        }
        guard shape.count == rank, shape.allSatisfy({ $0 > 0 }) else {
            throw CheckpointError(.shapeMismatch, fullName(name), "expected \(rank) non-empty axes, found \(shape)")
        }
        return try get(shape, name)
    }
}
