// Box arithmetic of two-stage detectors, as torchvision computes it (torchvision/ops/boxes.py
// and models/detection/_utils.py), in float32. A box is SIMD4 (x1, y1, x2, y2).
import Foundation

/// torchvision's `BoxCoder`: deltas (dx, dy, dw, dh) over reference boxes, divided by
/// `weights`, with dw and dh clamped at log(1000/16) before the exponential.
public struct BoxCoder: Sendable {
    public var weights: SIMD4<Float>
    public var clip: Float = Float(Foundation.log(1000.0 / 16.0))

    public init(weights: SIMD4<Float>) { self.weights = weights }

    /// `decode_single` for one reference box and one delta.
    public func decode(_ delta: SIMD4<Float>, reference box: SIMD4<Float>) -> SIMD4<Float> {
        let width = box.z - box.x, height = box.w - box.y
        let centerX = box.x + 0.5 * width, centerY = box.y + 0.5 * height
        let d = delta / weights
        let dw = min(d.z, clip), dh = min(d.w, clip)
        let predictedX = d.x * width + centerX, predictedY = d.y * height + centerY
        let halfWidth = 0.5 * (Foundation.exp(dw) * width), halfHeight = 0.5 * (Foundation.exp(dh) * height)
        return SIMD4(predictedX - halfWidth, predictedY - halfHeight, predictedX + halfWidth, predictedY + halfHeight)
    }
}

/// `clip_boxes_to_image`: every coordinate clamped to the image (height, width).
public func clipped(_ box: SIMD4<Float>, height: Int, width: Int) -> SIMD4<Float> {
    let upper = SIMD4<Float>(Float(width), Float(height), Float(width), Float(height))
    // clamp(min=0, max=size) as torch: NaN stays NaN and is dropped by the score filters.
    return SIMD4((0..<4).map { i in box[i].isNaN ? box[i] : min(max(box[i], 0), upper[i]) })
}

/// `remove_small_boxes`' test: both sides at least `minSize`.
public func isLargeEnough(_ box: SIMD4<Float>, minSize: Float) -> Bool {
    box.z - box.x >= minSize && box.w - box.y >= minSize
}

public func area(_ box: SIMD4<Float>) -> Float { (box.z - box.x) * (box.w - box.y) }

/// torchvision's CPU `nms`: boxes by descending score (a stable sort), each kept box
/// suppressing the later ones whose IoU with it is above `threshold`. Returns the kept
/// indices, highest score first.
public func nonMaximumSuppression(_ boxes: [SIMD4<Float>], scores: [Float], threshold: Float) -> [Int] {
    let order = (0..<boxes.count).sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
    let areas = boxes.map(area)
    var suppressed = [Bool](repeating: false, count: boxes.count)
    var keep: [Int] = []
    for (position, i) in order.enumerated() where !suppressed[i] {
        keep.append(i)
        let a = boxes[i]
        for j in order[(position + 1)...] where !suppressed[j] {
            let b = boxes[j]
            let w = max(min(a.z, b.z) - max(a.x, b.x), 0), h = max(min(a.w, b.w) - max(a.y, b.y), 0)
            let inter = w * h
            if inter / (areas[i] + areas[j] - inter) > threshold { suppressed[j] = true }
        }
    }
    return keep
}

/// `batched_nms`: NMS within each group (class or pyramid level) independently, the kept
/// indices of all groups by descending score.
public func batchedNonMaximumSuppression(_ boxes: [SIMD4<Float>], scores: [Float], groups: [Int],
                                         threshold: Float) -> [Int] {
    var members: [Int: [Int]] = [:]
    for (i, group) in groups.enumerated() { members[group, default: []].append(i) }
    var keep: [Int] = []
    for indices in members.values {
        let kept = nonMaximumSuppression(indices.map { boxes[$0] }, scores: indices.map { scores[$0] }, threshold: threshold)
        keep += kept.map { indices[$0] }
    }
    return keep.sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
}
