// The box branch of torchvision's `RoIHeads` in eval mode: 7×7 MultiScaleRoIAlign,
// `TwoMLPHead` (fc6, fc7 with ReLU), `FastRCNNPredictor`, then `postprocess_detections`:
// per-class boxes decoded with weights (10, 10, 5, 5), softmax scores, clipping to the
// resized image, the background class dropped, scores above `box_score_thresh`, boxes of
// at least 1e-2, NMS per class, the best `box_detections_per_img` kept.
import Foundation
import Formats
import Inference

/// One detection in the resized image's pixels.
struct BoxDetection: Sendable {
    var box: SIMD4<Float>
    var label: Int
    var score: Float
}

struct BoxHead: Sendable {
    let pooler = MultiScaleRoIAlign(output: 7, samplingRatio: 2)
    let fc6Weight: Tensor, fc6Bias: Tensor, fc7Weight: Tensor, fc7Bias: Tensor
    let classWeight: Tensor, classBias: Tensor, boxWeight: Tensor, boxBias: Tensor
    let coder = BoxCoder(weights: SIMD4(10, 10, 5, 5))

    var classCount: Int { classWeight.shape[0] }

    init(weights: WeightLoader, channels: Int) throws {
        let head = weights.pp("roi_heads.box_head"), predictor = weights.pp("roi_heads.box_predictor")
        fc6Weight = try head.inferred("fc6.weight", rank: 2)
        guard fc6Weight.shape[1] == channels * 49 else {
            throw CheckpointError(.shapeMismatch, head.fullName("fc6.weight"),
                                  "expected \(channels)·7·7 = \(channels * 49) inputs (the FPN width), found \(fc6Weight.shape[1])")
        }
        let representation = fc6Weight.shape[0]
        fc6Bias = try head.get([representation], "fc6.bias")
        fc7Weight = try head.get([representation, representation], "fc7.weight")
        fc7Bias = try head.get([representation], "fc7.bias")
        classWeight = try predictor.inferred("cls_score.weight", rank: 2)
        let classes = classWeight.shape[0]
        guard classWeight.shape[1] == representation, classes >= 2 else {
            throw CheckpointError(.shapeMismatch, predictor.fullName("cls_score.weight"),
                                  "expected [classes ≥ 2, \(representation)], found \(classWeight.shape)")
        }
        classBias = try predictor.get([classes], "cls_score.bias")
        boxWeight = try predictor.get([classes * 4, representation], "bbox_pred.weight")
        boxBias = try predictor.get([classes * 4], "bbox_pred.bias")
    }

    /// Class logits [n, classes] and box deltas [n, classes·4] for `proposals`.
    func predict(_ levels: [BlockedFeatureMap], proposals: [SIMD4<Float>],
                 imageSize: (height: Int, width: Int)) throws -> (logits: Tensor, deltas: Tensor) {
        let pooled = try pooler(levels, boxes: proposals, imageSize: imageSize)
        var hidden = try linear(pooled.reshaped([proposals.count, pooled.count / max(proposals.count, 1)]),
                                weight: fc6Weight, bias: fc6Bias)
        relu(&hidden)
        hidden = try linear(hidden, weight: fc7Weight, bias: fc7Bias)
        relu(&hidden)
        return (try linear(hidden, weight: classWeight, bias: classBias), try linear(hidden, weight: boxWeight, bias: boxBias))
    }

    /// `postprocess_detections` for one image.
    func detections(_ levels: [BlockedFeatureMap], proposals: [SIMD4<Float>], imageSize: (height: Int, width: Int),
                    config: MaskRCNNConfig) throws -> [BoxDetection] {
        guard !proposals.isEmpty else { return [] }
        var (logits, deltas) = try predict(levels, proposals: proposals, imageSize: imageSize)
        softmaxLastAxis(&logits)
        let classes = classCount
        var candidates: [BoxDetection] = []
        for (n, proposal) in proposals.enumerated() {
            for label in 1..<classes {
                let score = logits.storage[n * classes + label]
                guard score > config.boxScoreThreshold else { continue }
                let base = (n * classes + label) * 4
                let delta = SIMD4(deltas.storage[base], deltas.storage[base + 1], deltas.storage[base + 2], deltas.storage[base + 3])
                let box = clipped(coder.decode(delta, reference: proposal), height: imageSize.height, width: imageSize.width)
                guard isLargeEnough(box, minSize: 1e-2) else { continue }
                candidates.append(BoxDetection(box: box, label: label, score: score))
            }
        }
        let keep = batchedNonMaximumSuppression(candidates.map(\.box), scores: candidates.map(\.score),
                                                groups: candidates.map(\.label), threshold: config.boxNMSThreshold)
        return keep.prefix(config.detectionsPerImage).map { candidates[$0] }
    }
}
