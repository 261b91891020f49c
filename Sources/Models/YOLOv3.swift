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
    public func forward(_ input: Tensor) throws -> [Tensor] {
        guard input.rank == 4, input.shape[0] == 1 else {
            throw InferenceError.shapeMismatch(op: "YOLOv3 input", expected: "[1, 3, h, w]", found: "\(input.shape)")
        }
        var outputs: [Tensor] = []
        var detections: [Tensor] = []
        outputs.reserveCapacity(layers.count)
        for layer in layers {
            let x = outputs.last ?? input
            switch layer {
            case let .convolutional(convolution): outputs.append(try convolution(x))
            case let .maxpool(size, stride, padding): outputs.append(try maxPool2D(x, size: size, stride: stride, padding: padding))
            case let .upsample(stride): outputs.append(try upsampleNearest(x, stride: stride))
            case let .route(sources):
                outputs.append(sources.count == 1 ? outputs[sources[0]] : try concatChannels(sources.map { outputs[$0] }))
            case let .shortcut(from):
                var sum = x
                try add(&sum, outputs[from])
                outputs.append(sum)
            case let .yolo(head):
                detections.append(try head.decode(x, inputWidth: input.shape[3], inputHeight: input.shape[2]))
                outputs.append(x)
            }
        }
        return detections
    }
}
