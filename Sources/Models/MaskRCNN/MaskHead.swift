// The mask branch of torchvision's `RoIHeads` in eval mode and `paste_masks_in_image`:
// - 14×14 MultiScaleRoIAlign of each detection, `MaskRCNNHeads` (3×3 convolutions with
//   ReLU), `MaskRCNNPredictor` (2×2 stride-2 transposed convolution with ReLU, then a 1×1
//   convolution to one logit map per class), σ of the detected class's map;
// - each 28×28 map padded by one zero cell, its box widened by 30/28 about the centre and
//   truncated to whole pixels, resized bilinearly (align_corners=False) to the box and
//   written into a zero image of the original size.
import Foundation
import Formats
import Inference

struct MaskHead: Sendable {
    let pooler = MultiScaleRoIAlign(output: 14, samplingRatio: 2)
    let convolutions: [Convolution2D]
    /// ConvTranspose2d weights [in, out, 2, 2] as a product [in, out·4], and its bias.
    let upsample: Tensor, upsampleBias: Tensor
    /// The 1×1 logits convolution as [classes, out], and its bias.
    let logits: Tensor, logitsBias: Tensor

    var resolution: Int { pooler.output * 2 }

    init(weights: WeightLoader, channels: Int) throws {
        let head = weights.pp("roi_heads.mask_head"), predictor = weights.pp("roi_heads.mask_predictor")
        let count = (0..<16).prefix { head.contains("\($0).0.weight") }.count
        guard count > 0 else {
            throw CheckpointError(.missingTensor, head.fullName("0.0.weight"), "the mask head needs at least one convolution")
        }
        convolutions = try (0..<count).map { try convolution(head.pp("\($0).0"), padding: 1, activation: .relu) }
        for (index, (previous, next)) in zip(convolutions, convolutions.dropFirst()).enumerated()
        where previous.outChannels != next.inChannels {
            throw CheckpointError(.shapeMismatch, head.fullName("\(index + 1).0.weight"),
                                  "expected \(previous.outChannels) input channels, found \(next.inChannels)")
        }
        guard convolutions[0].inChannels == channels else {
            throw CheckpointError(.shapeMismatch, head.fullName("0.0.weight"), "expected \(channels) input channels (the FPN width), found \(convolutions[0].inChannels)")
        }
        let width = convolutions[count - 1].outChannels
        let transposed = try predictor.inferred("conv5_mask.weight", rank: 4)
        guard transposed.shape[0] == width, transposed.shape[2] == 2, transposed.shape[3] == 2 else {
            throw CheckpointError(.shapeMismatch, predictor.fullName("conv5_mask.weight"), "expected [\(width), out, 2, 2], found \(transposed.shape)")
        }
        let reduced = transposed.shape[1]
        upsample = try transposed.reshaped([width, reduced * 4])
        upsampleBias = try predictor.get([reduced], "conv5_mask.bias")
        let logitsKernel = try predictor.inferred("mask_fcn_logits.weight", rank: 4)
        guard logitsKernel.shape[1] == reduced, logitsKernel.shape[2] == 1, logitsKernel.shape[3] == 1 else {
            throw CheckpointError(.shapeMismatch, predictor.fullName("mask_fcn_logits.weight"),
                                  "expected [classes, \(reduced), 1, 1], found \(logitsKernel.shape)")
        }
        logits = try logitsKernel.reshaped([logitsKernel.shape[0], reduced])
        logitsBias = try predictor.get([logitsKernel.shape[0]], "mask_fcn_logits.bias")
    }

    /// σ(logits of each detection's class), [detections.count, 28, 28] as one flat array.
    func probabilities(_ levels: [BlockedFeatureMap], detections: [BoxDetection],
                       imageSize: (height: Int, width: Int)) throws -> [Float] {
        guard !detections.isEmpty else { return [] }
        let pooled = try pooler(levels, boxes: detections.map(\.box), imageSize: imageSize)
        let side = pooler.output, plane = side * side, channels = pooled.shape[1]
        let width = convolutions[convolutions.count - 1].outChannels
        // Rows (detection, y, x) by columns (channel) for the transposed convolution's product.
        var rows = [Float](repeating: 0, count: detections.count * plane * width)
        for n in detections.indices {
            let roi = try Tensor(shape: [1, channels, side, side],
                                 storage: Array(pooled.storage[(n * channels * plane)..<((n + 1) * channels * plane)]))
            var x = try BlockedFeatureMap(roi)
            for convolution in convolutions { x = try convolution(x) }
            let hidden = x.tensor().storage
            for c in 0..<width {
                for p in 0..<plane { rows[(n * plane + p) * width + c] = hidden[c * plane + p] }
            }
        }
        let product = try matmul(Tensor(shape: [detections.count * plane, width], storage: rows), upsample).storage
        let reduced = upsampleBias.count, classes = logits.shape[0], out = resolution
        var result = [Float](repeating: 0, count: detections.count * out * out)
        for (n, detection) in detections.enumerated() {
            let label = min(max(detection.label, 0), classes - 1)
            let weights = logits.storage[(label * reduced)..<((label + 1) * reduced)]
            for p in 0..<plane {
                let (y, x) = (p / side, p % side), row = (n * plane + p) * reduced * 4
                for q in 0..<4 {
                    // Output cell (2y + dy, 2x + dx) from kernel tap q = dy·2 + dx, ReLU, then the 1×1 logit.
                    var logit = logitsBias.storage[label]
                    for (o, weight) in weights.enumerated() {
                        logit += weight * max(product[row + o * 4 + q] + upsampleBias.storage[o], 0)
                    }
                    result[(n * out + 2 * y + q / 2) * out + 2 * x + q % 2] = 1 / (1 + Foundation.exp(-logit))
                }
            }
        }
        return result
    }
}

/// `paste_masks_in_image(masks, boxes, (height, width), padding=1)` for one mask.
func pastedMask(_ mask: ArraySlice<Float>, resolution: Int, box: SIMD4<Float>, height: Int, width: Int) throws -> [Float] {
    let padded = resolution + 2
    var source = [Float](repeating: 0, count: padded * padded)
    for y in 0..<resolution {
        for x in 0..<resolution { source[(y + 1) * padded + x + 1] = mask[mask.startIndex + y * resolution + x] }
    }
    let scale = Float(padded) / Float(resolution)
    let halfWidth = (box.z - box.x) * 0.5 * scale, halfHeight = (box.w - box.y) * 0.5 * scale
    let centerX = (box.z + box.x) * 0.5, centerY = (box.w + box.y) * 0.5
    let expanded = SIMD4(centerX - halfWidth, centerY - halfHeight, centerX + halfWidth, centerY + halfHeight)
    // `.to(torch.int64)` truncates toward zero; a non-finite box pastes nothing.
    guard expanded.x.isFinite, expanded.y.isFinite, expanded.z.isFinite, expanded.w.isFinite,
          max(abs(expanded.x), abs(expanded.y), abs(expanded.z), abs(expanded.w)) < 1e7 else {
        return [Float](repeating: 0, count: height * width)
    }
    let (x0, y0, x1, y1) = (Int(expanded.x), Int(expanded.y), Int(expanded.z), Int(expanded.w))
    let boxWidth = max(x1 - x0 + 1, 1), boxHeight = max(y1 - y0 + 1, 1)
    var image = [Float](repeating: 0, count: height * width)
    let left = max(x0, 0), right = min(x1 + 1, width), top = max(y0, 0), bottom = min(y1 + 1, height)
    guard left < right, top < bottom else { return image }
    let resized = try resizedBilinear(source, planeCount: 1, height: padded, width: padded, outHeight: boxHeight, outWidth: boxWidth)
    for y in top..<bottom {
        for x in left..<right { image[y * width + x] = resized[(y - y0) * boxWidth + (x - x0)] }
    }
    return image
}
