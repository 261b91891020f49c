// YOLOv3 (and YOLOv3-tiny) from a darknet .cfg and .weights.
//
// Paper: Redmon & Farhadi, "YOLOv3: An Incremental Improvement" (2018). Mirrors OpenCV
// DNN's darknet importer (modules/dnn/src/darknet/darknet_io.cpp) and its Region layer,
// which is what the lab's handler ran through cv2.dnn.readNetFromDarknet:
// - batch norm with eps 1e-6 (darknet's .000001; OpenCV sets the same), folded into the
//   convolution weights at load time as OpenCV fuses it;
// - `pad=1` means padding size/2; `[maxpool]` pads darknet's way (see `maxPool2D`);
// - each `[yolo]` layer outputs [rows·cols·anchors, 5 + classes], row (y·cols + x)·anchors + a:
//   cx, cy relative to the grid, w, h = exp(t)·anchor / network input size, objectness
//   σ(t), and class scores σ(t)·objectness, zeroed when not above the layer's `thresh`
//   (default 0.2) — OpenCV's post-multiplied scores, not darknet's raw class probabilities.
// Deliberate differences: inference only; no `groups` in [route], no weighted or
// activated [shortcut], no `new_coords`: a cfg using them is refused by name.
import Foundation
import Formats
import Inference

public struct YOLOv3: Sendable {
    /// darknet's and OpenCV's batch-norm epsilon.
    public static let batchNormEpsilon: Float = 1e-6

    enum Layer: Sendable {
        case convolutional(Convolution2D)
        case maxpool(size: Int, stride: Int, padding: Int)
        case upsample(stride: Int)
        case route([Int])
        case shortcut(from: Int)
        case yolo(YOLOHead)
    }

    let layers: [Layer]
    /// The layers each layer reads, and for each layer the last one that reads it.
    private let layerInputs: [[Int]], lastReader: [Int]
    /// Feature-map buffers kept between forward passes (at most 256 MB).
    private let pool = FeatureMapPool(retainedBytes: 256 << 20)
    /// The network input size from [net].
    public let inputWidth: Int, inputHeight: Int
    public let classCount: Int

    public init(configFile: URL, weightsFile: URL) throws {
        try self.init(config: try DarknetConfig(contentsOf: configFile), weights: try DarknetWeights(contentsOf: weightsFile))
    }

    public init(config: DarknetConfig, weights: DarknetWeights) throws {
        var weights = weights
        inputWidth = try config.net.int("width")
        inputHeight = try config.net.int("height")
        let inputChannels = try config.net.int("channels", default: 3)
        guard (1...8192).contains(inputWidth), (1...8192).contains(inputHeight), (1...64).contains(inputChannels) else {
            throw CheckpointError(.malformed, config.net.location, "[net] width and height must be 1...8192 and channels 1...64")
        }
        var channels: [Int] = [] // output channels of each layer
        var layers: [Layer] = []
        var classes: Int?
        for (index, section) in config.layers.enumerated() {
            let previous = index == 0 ? inputChannels : channels[index - 1]
            let (layer, outChannels) = try YOLOv3.layer(section, index: index, inputChannels: previous,
                                                        channels: channels, weights: &weights)
            if case let .yolo(head) = layer {
                guard classes == nil || classes == head.classCount else {
                    throw CheckpointError(.malformed, section.location, "[yolo] layers disagree on classes")
                }
                classes = head.classCount
            }
            layers.append(layer)
            channels.append(outChannels)
        }
        guard let classes else { throw CheckpointError(.malformed, config.net.location, "the network has no [yolo] layer") }
        guard weights.remaining == 0 else {
            throw CheckpointError(.malformed, weights.location, "\(weights.remaining) floats left over after the last layer (does the .cfg match?)")
        }
        self.layers = layers
        self.classCount = classes
        layerInputs = layers.enumerated().map { index, layer in
            switch layer {
            case let .route(sources): return sources
            case let .shortcut(from): return [index - 1, from]
            default: return index == 0 ? [] : [index - 1]
            }
        }
        var lastReader = Array(0..<layers.count)
        for (index, sources) in layerInputs.enumerated() { for source in sources { lastReader[source] = index } }
        self.lastReader = lastReader
        try MemoryBudget.check(peakBytes(inputChannels: inputChannels), for: "the darknet network at \(inputWidth)×\(inputHeight) (\(config.net.location))")
    }

    /// The most bytes of input and feature maps alive at once in a forward pass, from the
    /// layers' shapes alone: each map lives until the last layer that reads it. Computed in
    /// floating point, so no cfg value (a padding of 10⁹, stacked upsamples) can overflow.
    func peakBytes(inputChannels: Int = 3) -> Int {
        typealias Size = (channels: Double, height: Double, width: Double)
        func bytes(_ s: Size) -> Double { s.channels * s.height * s.width * 4 }
        let input: Size = (Double(inputChannels), Double(inputHeight), Double(inputWidth))
        var sizes: [Size] = []
        var live = bytes(input), peak = live
        for (index, layer) in layers.enumerated() {
            let previous = index == 0 ? input : sizes[index - 1]
            let size: Size
            switch layer {
            case let .convolutional(c):
                let pad = 2 * Double(c.padding) - Double(c.kernel), stride = Double(c.stride)
                size = (Double(c.outChannels), max(1, ((previous.height + pad) / stride).rounded(.down) + 1),
                        max(1, ((previous.width + pad) / stride).rounded(.down) + 1))
            case let .maxpool(kernel, stride, padding):
                let pad = Double(padding) - Double(kernel)
                size = (previous.channels, max(1, ((previous.height + pad) / Double(stride)).rounded(.down) + 1),
                        max(1, ((previous.width + pad) / Double(stride)).rounded(.down) + 1))
            case let .upsample(stride): size = (previous.channels, previous.height * Double(stride), previous.width * Double(stride))
            case let .route(sources):
                let first = sources.first.map { sizes[$0] } ?? previous
                size = (sources.reduce(0) { $0 + sizes[$1].channels }, first.height, first.width)
            case .shortcut, .yolo: size = previous
            }
            sizes.append(size)
            live += bytes(size)
            peak = max(peak, live)
            for source in layerInputs[index] where lastReader[source] == index { live -= bytes(sizes[source]) }
        }
        return peak.isFinite && peak < Double(Int.max / 2) ? Int(peak) : Int.max / 2
    }

    /// Resolves a darknet layer index: negative is relative to `index`.
    static func absolute(_ reference: Int, from index: Int, section: DarknetConfig.Section) throws -> Int {
        let target = reference < 0 ? index + reference : reference
        guard target >= 0, target < index else {
            throw CheckpointError(.malformed, section.location, "[\(section.type)] refers to layer \(reference), outside 0..<\(index)")
        }
        return target
    }

    /// The output tensors of the `[yolo]` layers in cfg order (OpenCV's
    /// getUnconnectedOutLayersNames order), for a [1, channels, height, width] input.
    /// `onLayer`, when given, hears each layer's index and wall time in milliseconds.
    public func forward(_ input: Tensor, onLayer: ((_ index: Int, _ milliseconds: Double) -> Void)? = nil) throws -> [Tensor] {
        guard input.rank == 4, input.shape[0] == 1, !layers.isEmpty else {
            throw InferenceError.shapeMismatch(op: "YOLOv3 input", expected: "[1, 3, h, w]", found: "\(input.shape)")
        }
        // Each map is dropped (its buffer back in the pool) after the last layer that reads it.
        var outputs = [BlockedFeatureMap?](repeating: nil, count: layers.count)
        var detections: [Tensor] = []
        for (index, layer) in layers.enumerated() {
            let started = DispatchTime.now().uptimeNanoseconds
            outputs[index] = try run(layer, at: index, input: input, outputs: outputs, detections: &detections)
            for source in layerInputs[index] where lastReader[source] == index { outputs[source] = nil }
            onLayer?(index, Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6)
        }
        return detections
    }

    private func run(_ layer: Layer, at index: Int, input: Tensor, outputs: [BlockedFeatureMap?],
                     detections: inout [Tensor]) throws -> BlockedFeatureMap {
        func output(_ source: Int) throws -> BlockedFeatureMap {
            guard let map = outputs[source] else {
                throw InferenceError.indexOutOfRange(op: "YOLOv3 layer \(index) input", index: source, bound: index)
            }
            return map
        }
        // The image itself goes into a first convolution as plain NCHW (see Convolution2D).
        if index == 0, case let .convolutional(convolution) = layer { return try convolution(input, pool: pool) }
        func previous() throws -> BlockedFeatureMap { index == 0 ? try BlockedFeatureMap(input, pool: pool) : try output(index - 1) }
        switch layer {
        case let .convolutional(convolution): return try convolution(try previous(), pool: pool)
        case let .maxpool(size, stride, padding):
            return try maxPool2D(try previous(), size: size, stride: stride, padding: padding, pool: pool)
        case let .upsample(stride): return try upsampleNearest(try previous(), stride: stride, pool: pool)
        case let .route(sources):
            return sources.count == 1 ? try output(sources[0]) : try concatChannels(try sources.map(output), pool: pool)
        case let .shortcut(from): return try adding(try previous(), try output(from), pool: pool)
        case let .yolo(head):
            let x = try previous()
            detections.append(try head.decode(x.tensor(), inputWidth: input.shape[3], inputHeight: input.shape[2]))
            return x
        }
    }
}
