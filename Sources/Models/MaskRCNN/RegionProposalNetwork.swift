// The region proposal network of Faster R-CNN (Ren et al., 2015) in eval mode, as
// torchvision's `RegionProposalNetwork`, `RPNHead` and `AnchorGenerator` compute it:
// - one anchor size per pyramid level and every aspect ratio, base anchors
//   `round([−w, −h, w, h] / 2)` with `h = size·√ratio`, `w = size/√ratio`, placed at
//   strides `padded size // feature size`, ordered (y, x, anchor);
// - the top `pre_nms_top_n` logits per level, then σ, clipping to the resized image,
//   boxes narrower than 1e-3 dropped, NMS per level, the best `post_nms_top_n` kept.
import Foundation
import Formats
import Inference

struct AnchorGenerator: Sendable {
    let sizes: [Int]
    let aspectRatios: [Float]

    var anchorsPerLocation: Int { aspectRatios.count }

    /// torchvision's `generate_anchors` for one size, in float32 with round-half-even.
    func baseAnchors(size: Int) -> [SIMD4<Float>] {
        aspectRatios.map { ratio in
            let heightRatio = ratio.squareRoot(), widthRatio = 1 / heightRatio
            let w = widthRatio * Float(size), h = heightRatio * Float(size)
            return (SIMD4(-w, -h, w, h) / 2).rounded(.toNearestOrEven)
        }
    }

    /// The anchors of one level: a grid of `rows`×`columns` cells over the padded image.
    func anchors(level: Int, rows: Int, columns: Int, paddedHeight: Int, paddedWidth: Int) -> [SIMD4<Float>] {
        let base = baseAnchors(size: sizes[level])
        let strideY = paddedHeight / rows, strideX = paddedWidth / columns
        var anchors: [SIMD4<Float>] = []
        anchors.reserveCapacity(rows * columns * base.count)
        for y in 0..<rows {
            for x in 0..<columns {
                let shift = SIMD4<Float>(Float(x * strideX), Float(y * strideY), Float(x * strideX), Float(y * strideY))
                for anchor in base { anchors.append(shift + anchor) }
            }
        }
        return anchors
    }
}

struct RegionProposalNetwork: Sendable {
    let conv: Convolution2D, objectness: Convolution2D, deltas: Convolution2D
    let anchors: AnchorGenerator
    let coder = BoxCoder(weights: SIMD4(1, 1, 1, 1))

    init(weights: WeightLoader, config: MaskRCNNConfig) throws {
        let head = weights.pp("rpn.head")
        anchors = AnchorGenerator(sizes: config.anchorSizes, aspectRatios: config.aspectRatios)
        conv = try convolution(head.pp("conv.0.0"), padding: 1, activation: .relu)
        objectness = try convolution(head.pp("cls_logits"), padding: 0, activation: .linear)
        deltas = try convolution(head.pp("bbox_pred"), padding: 0, activation: .linear)
        let a = anchors.anchorsPerLocation
        guard objectness.outChannels == a, deltas.outChannels == 4 * a else {
            throw CheckpointError(.shapeMismatch, head.fullName("cls_logits.weight"),
                                  "expected \(a) anchors per location (one per aspect ratio) and \(4 * a) box deltas, found \(objectness.outChannels) and \(deltas.outChannels)")
        }
    }

    /// Proposals in the resized image's pixels, best first.
    func proposals(_ features: [BlockedFeatureMap], imageSize: (height: Int, width: Int),
                   paddedSize: (height: Int, width: Int), config: MaskRCNNConfig) throws -> [SIMD4<Float>] {
        var boxes: [SIMD4<Float>] = [], logits: [Float] = [], levels: [Int] = []
        for (level, feature) in features.enumerated() {
            let hidden = try conv(feature)
            let scores = try objectness(hidden).tensor().storage, offsets = try deltas(hidden).tensor().storage
            let (rows, columns, a) = (feature.height, feature.width, anchors.anchorsPerLocation)
            let plane = rows * columns
            let levelAnchors = anchors.anchors(level: level, rows: rows, columns: columns,
                                               paddedHeight: paddedSize.height, paddedWidth: paddedSize.width)
            // cls_logits is [A, H, W]; torchvision reorders to (y, x, anchor) like the anchors.
            let count = plane * a
            let logit = { (i: Int) in scores[(i % a) * plane + i / a] }
            let top = (0..<count).sorted { logit($0) > logit($1) || (logit($0) == logit($1) && $0 < $1) }
                .prefix(min(config.rpnPreNMSTopN, count))
            for i in top {
                let anchor = i % a, cell = i / a
                let delta = SIMD4((0..<4).map { offsets[(anchor * 4 + $0) * plane + cell] })
                boxes.append(coder.decode(delta, reference: levelAnchors[i]))
                logits.append(logit(i))
                levels.append(level)
            }
        }
        var kept: [SIMD4<Float>] = [], scores: [Float] = [], groups: [Int] = []
        for (i, box) in boxes.enumerated() {
            let box = clipped(box, height: imageSize.height, width: imageSize.width)
            let score = 1 / (1 + Foundation.exp(-logits[i]))
            guard isLargeEnough(box, minSize: 1e-3), score >= config.rpnScoreThreshold else { continue }
            kept.append(box)
            scores.append(score)
            groups.append(levels[i])
        }
        let keep = batchedNonMaximumSuppression(kept, scores: scores, groups: groups, threshold: config.rpnNMSThreshold)
        return keep.prefix(config.rpnPostNMSTopN).map { kept[$0] }
    }
}
