// RoIAlign (He et al., "Mask R-CNN", 2017) over a blocked feature map, as torchvision's
// CPU kernel `roi_align_forward_kernel_impl` computes it with `aligned=False`:
// - a box's corners are scaled by `spatialScale` with no half-pixel offset, and its size
//   is at least 1 cell;
// - each output bin averages `samplingRatio`² bilinear samples at the centres of a
//   regular grid inside the bin;
// - a sample more than one cell outside the map reads 0; one inside that margin is
//   clamped to the edge (torchvision's `bilinear_interpolate`).
// Bilinear weights depend on y and x separately, so they are computed once per box and
// row or column; the 8 channels of a block are interpolated as one vector.
import Foundation

/// One sample coordinate along an axis: the two cells it reads and their weights, or
/// `nil` when the sample is outside the map (it then contributes 0).
private struct SampleTap {
    var low: Int, high: Int
    var lowWeight: Float, highWeight: Float
}

/// torchvision's `bilinear_interpolate` along one axis of length `size`.
private func sampleTap(_ position: Float, size: Int) -> SampleTap? {
    if position < -1.0 || position > Float(size) { return nil }
    var p = max(position, 0)
    var low = Int(p), high: Int
    if low >= size - 1 {
        low = size - 1
        high = low
        p = Float(low)
    } else {
        high = low + 1
    }
    let l = p - Float(low)
    return SampleTap(low: low, high: high, lowWeight: 1 - l, highWeight: l)
}

/// The sample taps of one box along one axis: `output × samplingRatio` of them, bin-major.
private func axisTaps(start: Float, end: Float, output: Int, samplingRatio: Int, size: Int) -> [SampleTap?] {
    let length = max(end - start, 1)
    let bin = length / Float(output)
    var taps: [SampleTap?] = []
    taps.reserveCapacity(output * samplingRatio)
    for p in 0..<output {
        for i in 0..<samplingRatio {
            let position = start + Float(p) * bin + (Float(i) + 0.5) * bin / Float(samplingRatio)
            taps.append(sampleTap(position, size: size))
        }
    }
    return taps
}

/// `torchvision.ops.roi_align(map, boxes, output, spatialScale, samplingRatio, aligned=False)`
/// for one image: `boxes` is [k, 4] (x1, y1, x2, y2 in image pixels); the result is
/// [k, channels, output, output], the layout `flatten(start_dim=1)` and the mask head read.
public func roiAlign(_ map: BlockedFeatureMap, boxes: [SIMD4<Float>], output: Int, spatialScale: Float,
                     samplingRatio: Int) throws -> Tensor {
    guard output > 0, samplingRatio > 0, map.height > 0, map.width > 0 else {
        throw InferenceError.shapeMismatch(op: "roiAlign", expected: "output > 0, samplingRatio > 0, a non-empty map",
                                           found: "output \(output), samplingRatio \(samplingRatio), map \(map.height)×\(map.width)")
    }
    let channels = map.channels, bins = output * output
    guard let total = Tensor.elementCount([boxes.count, channels, bins]), total <= BlockedFeatureMap.maximumFloats else {
        throw InferenceError.shapeMismatch(op: "roiAlign", expected: "at most \(BlockedFeatureMap.maximumFloats) floats",
                                           found: "\(boxes.count) boxes × \(channels) channels × \(bins) bins")
    }
    var result = [Float](repeating: 0, count: total)
    let count = Float(samplingRatio * samplingRatio)
    let (height, width, blocks, planeFloats) = (map.height, map.width, map.blocks, map.height * map.width * 8)
    let source = UnsafeRawPointer(map.pointer)
    result.withUnsafeMutableBufferPointer { out in
        let target = out.baseAddress!
        ComputeThreads.run(splitting: boxes.count) { range in
            for k in range {
                let box = boxes[k] * spatialScale
                let ys = axisTaps(start: box.y, end: box.w, output: output, samplingRatio: samplingRatio, size: height)
                let xs = axisTaps(start: box.x, end: box.z, output: output, samplingRatio: samplingRatio, size: width)
                for block in 0..<blocks {
                    let plane = source + block * planeFloats * 4
                    func cell(_ y: Int, _ x: Int) -> SIMD8<Float> {
                        plane.loadUnaligned(fromByteOffset: (y * width + x) * 32, as: SIMD8<Float>.self)
                    }
                    for ph in 0..<output {
                        for pw in 0..<output {
                            var sum = SIMD8<Float>(repeating: 0)
                            for iy in 0..<samplingRatio {
                                guard let ty = ys[ph * samplingRatio + iy] else { continue }
                                for ix in 0..<samplingRatio {
                                    guard let tx = xs[pw * samplingRatio + ix] else { continue }
                                    // torchvision's order: w1·v1 + w2·v2 + w3·v3 + w4·v4.
                                    let w1 = ty.lowWeight * tx.lowWeight, w2 = ty.lowWeight * tx.highWeight
                                    let w3 = ty.highWeight * tx.lowWeight, w4 = ty.highWeight * tx.highWeight
                                    sum += w1 * cell(ty.low, tx.low) + w2 * cell(ty.low, tx.high)
                                        + w3 * cell(ty.high, tx.low) + w4 * cell(ty.high, tx.high)
                                }
                            }
                            let mean = sum / count
                            for lane in 0..<min(8, channels - block * 8) {
                                target[(k * channels + block * 8 + lane) * bins + ph * output + pw] = mean[lane]
                            }
                        }
                    }
                }
            }
        }
    }
    return try Tensor(shape: [boxes.count, channels, output, output], storage: result)
}
