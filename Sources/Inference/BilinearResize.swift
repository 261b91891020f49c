// `torch.nn.functional.interpolate(x, size, mode="bilinear", align_corners=False)` on
// float planes, as PyTorch's CPU kernel computes it: scale in/out, source index
// `(dst + 0.5)·scale − 0.5` clamped at 0, the right neighbour only while inside, and the
// height interpolation outside the width one.
import Foundation

/// One output index's two source indices and weights along an axis.
private struct LinearTap {
    var low: Int, high: Int
    var lowWeight: Float, highWeight: Float
}

private func linearTaps(input: Int, output: Int) -> [LinearTap] {
    let scale = Float(input) / Float(output)
    return (0..<output).map { dst in
        let source = max(scale * (Float(dst) + 0.5) - 0.5, 0)
        let low = Int(source)
        let high = low < input - 1 ? low + 1 : low
        let lambda = min(max(source - Float(low), 0), 1)
        return LinearTap(low: low, high: high, lowWeight: 1 - lambda, highWeight: lambda)
    }
}

/// `planes` is [planeCount, height, width]; the result is [planeCount, outHeight, outWidth].
public func resizedBilinear(_ planes: [Float], planeCount: Int, height: Int, width: Int,
                            outHeight: Int, outWidth: Int) throws -> [Float] {
    guard planeCount >= 0, height > 0, width > 0, outHeight > 0, outWidth > 0, planes.count == planeCount * height * width,
          let total = Tensor.elementCount([planeCount, outHeight, outWidth]), total <= BlockedFeatureMap.maximumFloats else {
        throw InferenceError.shapeMismatch(op: "resizedBilinear", expected: "\(planeCount)×\(height)×\(width) floats in, at most \(BlockedFeatureMap.maximumFloats) out",
                                           found: "\(planes.count) floats to \(planeCount)×\(outHeight)×\(outWidth)")
    }
    let rows = linearTaps(input: height, output: outHeight), columns = linearTaps(input: width, output: outWidth)
    var output = [Float](repeating: 0, count: total)
    planes.withUnsafeBufferPointer { source in
        output.withUnsafeMutableBufferPointer { target in
            let src = source.baseAddress!, dst = target.baseAddress!
            let work = { (range: Range<Int>) in
                for line in range {
                    let plane = line / outHeight, ty = rows[line % outHeight]
                    let top = src + (plane * height + ty.low) * width, bottom = src + (plane * height + ty.high) * width
                    let out = dst + line * outWidth
                    for x in 0..<outWidth {
                        let tx = columns[x]
                        out[x] = ty.lowWeight * (tx.lowWeight * top[tx.low] + tx.highWeight * top[tx.high])
                            + ty.highWeight * (tx.lowWeight * bottom[tx.low] + tx.highWeight * bottom[tx.high])
                    }
                }
            }
            let lines = planeCount * outHeight
            if total < 1 << 15 { work(0..<lines) } else { ComputeThreads.run(splitting: lines, work) }
        }
    }
    return output
}
