// torchvision's `MultiScaleRoIAlign` over the pyramid levels '0'…'3': each box is pooled
// from the level its size maps to (FPN paper eq. 1, `LevelMapper`):
// `floor(4 + log2(√area / 224) + 1e-6)` clamped to the levels present, computed in float32
// as torchvision does. A level's scale is `2^round(log2(feature size / image size))`.
import Foundation
import Inference

struct MultiScaleRoIAlign: Sendable {
    let output: Int
    let samplingRatio: Int

    /// [boxes.count, channels, output, output], in box order.
    func callAsFunction(_ levels: [BlockedFeatureMap], boxes: [SIMD4<Float>],
                        imageSize: (height: Int, width: Int)) throws -> Tensor {
        let scales = try levels.map { try scale(of: $0, imageSize: imageSize) }
        let lowest = Int((-Foundation.log2(scales[0])).rounded()), highest = Int((-Foundation.log2(scales[scales.count - 1])).rounded())
        let assignment = boxes.map { box -> Int in
            let size = area(box).squareRoot()
            let level = Foundation.floor(Float(4) + Foundation.log2(size / 224) + Float(1e-6))
            guard level.isFinite else { return 0 }
            return Int(min(max(level, Float(lowest)), Float(highest))) - lowest
        }
        let channels = levels[0].channels, cell = channels * output * output
        var pooled = [Float](repeating: 0, count: boxes.count * cell)
        for (index, level) in levels.enumerated() {
            let members = assignment.indices.filter { assignment[$0] == index }
            guard !members.isEmpty else { continue }
            let values = try roiAlign(level, boxes: members.map { boxes[$0] }, output: output, spatialScale: scales[index],
                                      samplingRatio: samplingRatio).storage
            for (row, box) in members.enumerated() {
                pooled.replaceSubrange((box * cell)..<((box + 1) * cell), with: values[(row * cell)..<((row + 1) * cell)])
            }
        }
        return try Tensor(shape: [boxes.count, channels, output, output], storage: pooled)
    }

    /// torchvision's `_infer_scale`: the power of two nearest to feature size / image size,
    /// the same along both axes.
    private func scale(of level: BlockedFeatureMap, imageSize: (height: Int, width: Int)) throws -> Float {
        let vertical = Foundation.exp2(Foundation.log2(Float(level.height) / Float(imageSize.height)).rounded(.toNearestOrEven))
        let horizontal = Foundation.exp2(Foundation.log2(Float(level.width) / Float(imageSize.width)).rounded(.toNearestOrEven))
        guard vertical == horizontal, vertical > 0, vertical <= 1 else {
            throw InferenceError.shapeMismatch(op: "MultiScaleRoIAlign", expected: "one power-of-two scale per level",
                                               found: "\(level.height)×\(level.width) over an image of \(imageSize.height)×\(imageSize.width)")
        }
        return vertical
    }
}
