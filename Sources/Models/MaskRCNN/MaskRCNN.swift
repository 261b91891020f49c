// Mask R-CNN (He, Gkioxari, Dollár & Girshick, 2017) with a ResNet-FPN backbone, in eval
// mode: torchvision's `maskrcnn_resnet50_fpn` (v1), torchvision/models/detection/
// generalized_rcnn.py, transform.py, rpn.py and roi_heads.py, one image at a time.
// - GeneralizedRCNNTransform: ImageNet normalization, then a bilinear resize
//   (align_corners=False) by min(min_size/short side, max_size/long side) with the output
//   size floored as `interpolate(recompute_scale_factor=True)` does, then zero padding to a
//   multiple of 32. Images in a torchvision batch never interact, so one at a time is the same.
// - Boxes come back in the original image's pixels (`resize_boxes`, float32 ratios) and
//   masks pasted at the original size (`paste_masks_in_image`).
// Deliberate differences: inference only; the seed's checkpoint naming from before
// torchvision 0.13 is renamed on load (`MaskRCNNWeights`).
import Foundation
import Formats
import Inference

/// One detected instance, in the original image's pixels.
public struct InstanceDetection: Sendable, Equatable {
    /// x1, y1, x2, y2.
    public var box: SIMD4<Float>
    /// A COCO category id (1…90) for COCO weights; 0 is the background and never returned.
    public var label: Int
    public var score: Float
    /// Probabilities, height × width of the original image, row-major.
    public var mask: [Float]
}

public struct MaskRCNN: Sendable {
    public let config: MaskRCNNConfig
    let backbone: ResNetFPN
    let rpn: RegionProposalNetwork
    let boxHead: BoxHead
    let maskHead: MaskHead
    private let pool = FeatureMapPool(retainedBytes: 256 << 20)

    public var classCount: Int { boxHead.classCount }

    public init(weights tensors: [String: Tensor], config: MaskRCNNConfig, checkpointName: String) throws {
        let weights = WeightLoader(tensors: MaskRCNNWeights.renamingLegacyKeys(tensors))
        self.config = config
        backbone = try ResNetFPN(weights: weights, eps: config.frozenBatchNormEps)
        rpn = try RegionProposalNetwork(weights: weights, config: config)
        boxHead = try BoxHead(weights: weights, channels: backbone.channels)
        maskHead = try MaskHead(weights: weights, channels: backbone.channels)
        guard maskHead.logits.shape[0] == boxHead.classCount else {
            throw CheckpointError(.shapeMismatch, "roi_heads.mask_predictor.mask_fcn_logits.weight",
                                  "expected \(boxHead.classCount) classes (as cls_score), found \(maskHead.logits.shape[0])")
        }
        try weights.checkComplete(model: "MaskRCNN", checkpoint: checkpointName)
    }

    /// Every intermediate a parity test compares, for one image.
    struct Trace {
        var resized: (height: Int, width: Int)
        var padded: (height: Int, width: Int)
        var input: Tensor
        var features: [BlockedFeatureMap]
        var proposals: [SIMD4<Float>]
        var boxes: [BoxDetection]
        /// [boxes.count, 28, 28], before pasting.
        var maskProbabilities: [Float]
        var detections: [InstanceDetection]
    }

    /// `model([image])[0]` for an RGB image given as [3, height, width] floats in 0…1.
    public func detect(_ planes: [Float], height: Int, width: Int) throws -> [InstanceDetection] {
        try trace(planes, height: height, width: width).detections
    }

    /// The same from 8-bit RGB pixels (`to_tensor`: each value ÷ 255).
    public func detect(rgb pixels: [UInt8], height: Int, width: Int) throws -> [InstanceDetection] {
        guard height > 0, width > 0, pixels.count == height * width * 3 else {
            throw InferenceError.shapeMismatch(op: "MaskRCNN input", expected: "\(height)×\(width)×3 bytes", found: "\(pixels.count) bytes")
        }
        let plane = height * width
        var planes = [Float](repeating: 0, count: 3 * plane)
        for i in 0..<plane {
            for c in 0..<3 { planes[c * plane + i] = Float(pixels[i * 3 + c]) / 255 }
        }
        return try detect(planes, height: height, width: width)
    }

    func trace(_ planes: [Float], height: Int, width: Int) throws -> Trace {
        let (input, resized, padded) = try transform(planes, height: height, width: width)
        let features = try backbone(input, pool: pool)
        let proposals = try rpn.proposals(features, imageSize: resized, paddedSize: padded, config: config)
        let levels = Array(features.prefix(4))
        let boxes = try boxHead.detections(levels, proposals: proposals, imageSize: resized, config: config)
        let probabilities = try maskHead.probabilities(levels, detections: boxes, imageSize: resized)
        let ratio = SIMD4(Float(width) / Float(resized.width), Float(height) / Float(resized.height),
                          Float(width) / Float(resized.width), Float(height) / Float(resized.height))
        let side = maskHead.resolution
        let detections = try boxes.enumerated().map { n, detection in
            let box = detection.box * ratio
            let mask = try pastedMask(probabilities[(n * side * side)..<((n + 1) * side * side)], resolution: side,
                                      box: box, height: height, width: width)
            return InstanceDetection(box: box, label: detection.label, score: detection.score, mask: mask)
        }
        return Trace(resized: resized, padded: padded, input: input, features: features, proposals: proposals,
                     boxes: boxes, maskProbabilities: probabilities, detections: detections)
    }

    /// GeneralizedRCNNTransform for one image: normalized, resized and padded [1, 3, H, W].
    func transform(_ planes: [Float], height: Int, width: Int) throws
        -> (input: Tensor, resized: (height: Int, width: Int), padded: (height: Int, width: Int)) {
        guard height > 0, width > 0, planes.count == 3 * height * width else {
            throw InferenceError.shapeMismatch(op: "MaskRCNN input", expected: "[3, \(height), \(width)]", found: "\(planes.count) values")
        }
        let plane = height * width
        var normalized = planes
        for c in 0..<3 {
            let (mean, std) = (config.imageMean[c], config.imageStd[c])
            for i in (c * plane)..<((c + 1) * plane) { normalized[i] = (normalized[i] - mean) / std }
        }
        let scale = min(Double(config.minSize) / Double(min(height, width)), Double(config.maxSize) / Double(max(height, width)))
        let outHeight = Int((Double(height) * scale).rounded(.down)), outWidth = Int((Double(width) * scale).rounded(.down))
        guard outHeight > 0, outWidth > 0 else {
            throw InferenceError.shapeMismatch(op: "MaskRCNN transform", expected: "an image that resizes to at least 1×1",
                                               found: "\(height)×\(width) scaled by \(scale)")
        }
        let resized = try resizedBilinear(normalized, planeCount: 3, height: height, width: width, outHeight: outHeight, outWidth: outWidth)
        let paddedHeight = (outHeight + 31) / 32 * 32, paddedWidth = (outWidth + 31) / 32 * 32
        var padded = [Float](repeating: 0, count: 3 * paddedHeight * paddedWidth)
        for c in 0..<3 {
            for y in 0..<outHeight {
                let from = (c * outHeight + y) * outWidth, to = (c * paddedHeight + y) * paddedWidth
                padded.replaceSubrange(to..<(to + outWidth), with: resized[from..<(from + outWidth)])
            }
        }
        return (try Tensor(shape: [1, 3, paddedHeight, paddedWidth], storage: padded),
                (outHeight, outWidth), (paddedHeight, paddedWidth))
    }
}
