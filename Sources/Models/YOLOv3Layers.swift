// Building YOLOv3's layers from .cfg sections and the weights stream, in darknet order.
import Foundation
import Formats
import Inference

extension YOLOv3 {
    /// One layer and its output channel count.
    static func layer(_ section: DarknetConfig.Section, index: Int, inputChannels: Int, channels: [Int],
                      weights: inout DarknetWeights) throws -> (Layer, Int) {
        switch section.type {
        case "convolutional", "conv":
            let convolution = try convolutional(section, index: index, inputChannels: inputChannels, weights: &weights)
            return (.convolutional(convolution), convolution.outChannels)
        case "maxpool", "max":
            let size = try section.int("size", default: 1)
            let stride = try section.int("stride", default: 1)
            guard (1...1024).contains(size), (1...1024).contains(stride) else {
                throw CheckpointError(.malformed, section.location, "[maxpool] size and stride must be 1...1024")
            }
            let padding = try section.int("padding", default: size - 1)
            // Windows start padding/2 before the map; with more padding than that, one would hold no cell.
            guard padding >= 0, padding <= 2 * size - 2 else {
                throw CheckpointError(.malformed, section.location, "[maxpool] padding \(padding) leaves windows of size \(size) outside the map")
            }
            return (.maxpool(size: size, stride: stride, padding: padding), inputChannels)
        case "upsample":
            let stride = try section.int("stride", default: 2)
            guard (1...32).contains(stride) else { throw CheckpointError(.unsupported, section.location, "[upsample] stride \(stride) (1...32)") }
            return (.upsample(stride: stride), inputChannels)
        case "route":
            guard section.options["groups"] == nil else { throw CheckpointError(.unsupported, section.location, "[route] groups") }
            guard let references = try section.ints("layers"), !references.isEmpty else {
                throw CheckpointError(.malformed, section.location, "[route] needs layers=")
            }
            let sources = try references.map { try absolute($0, from: index, section: section) }
            return (.route(sources), sources.reduce(0) { $0 + channels[$1] })
        case "shortcut":
            let from = try absolute(try section.int("from"), from: index, section: section)
            guard section.string("activation", default: "linear") == "linear", section.options["weights_type"] == nil else {
                throw CheckpointError(.unsupported, section.location, "[shortcut] with an activation or weights (only linear)")
            }
            guard channels[from] == inputChannels else {
                throw CheckpointError(.unsupported, section.location,
                                      "[shortcut] from a layer of \(channels[from]) channels onto \(inputChannels)")
            }
            return (.shortcut(from: from), inputChannels)
        case "yolo":
            let head = try YOLOHead(section, inputChannels: inputChannels)
            return (.yolo(head), inputChannels)
        default:
            throw CheckpointError(.unsupported, section.location, "darknet layer [\(section.type)] is not implemented")
        }
    }

    static func convolutional(_ section: DarknetConfig.Section, index: Int, inputChannels: Int,
                              weights: inout DarknetWeights) throws -> Convolution2D {
        let filters = try section.int("filters", default: 1)
        let size = try section.int("size", default: 1)
        let stride = try section.int("stride", default: 1)
        let pad = try section.int("pad", default: 0)
        let padding = pad != 0 ? size / 2 : try section.int("padding", default: 0)
        let batchNormalize = try section.int("batch_normalize", default: 0) != 0
        guard filters > 0, size > 0, stride > 0 else {
            throw CheckpointError(.malformed, section.location, "[convolutional] filters, size and stride must be positive")
        }
        guard try section.int("groups", default: 1) == 1, try section.int("dilation", default: 1) == 1 else {
            throw CheckpointError(.unsupported, section.location, "[convolutional] groups or dilation")
        }
        let activation: ConvolutionActivation
        switch section.string("activation", default: "logistic") {
        case "leaky": activation = .leaky(slope: 0.1)
        case "linear": activation = .linear
        case let other: throw CheckpointError(.unsupported, section.location, "[convolutional] activation=\(other) (only leaky and linear)")
        }
        let name = "layer \(index) [convolutional]"
        let shape = [filters, inputChannels, size, size]
        guard let weightCount = Tensor.elementCount(shape) else {
            throw CheckpointError(.malformed, section.location, "[convolutional] weights \(shape) are too large")
        }
        let shift = try Tensor(shape: [filters], storage: try weights.take(filters, for: "\(name) biases"))
        var bias = shift
        var kernel: Tensor
        if batchNormalize {
            let scale = try Tensor(shape: [filters], storage: try weights.take(filters, for: "\(name) scales"))
            let mean = try Tensor(shape: [filters], storage: try weights.take(filters, for: "\(name) rolling mean"))
            let variance = try Tensor(shape: [filters], storage: try weights.take(filters, for: "\(name) rolling variance"))
            kernel = try Tensor(shape: shape, storage: try weights.take(weightCount, for: "\(name) weights \(shape)"))
            bias = try foldBatchNorm(weights: &kernel, shift: shift, scale: scale, mean: mean, variance: variance,
                                     eps: batchNormEpsilon)
        } else {
            kernel = try Tensor(shape: shape, storage: try weights.take(weightCount, for: "\(name) weights \(shape)"))
        }
        return try Convolution2D(weights: kernel, bias: bias, stride: stride, padding: padding, activation: activation)
    }
}
