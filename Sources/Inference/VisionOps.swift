// Convolutional-network ops over NCHW tensors, as small plain functions. Each names the
// darknet / OpenCV DNN behaviour it matches.
import Foundation

/// Folds inference-mode batch normalization into the convolution before it:
/// `scale·(conv(x) − mean)/√(variance + eps) + shift` becomes `conv'(x) + bias'` with
/// `w' = w·k`, `bias' = shift − mean·k`, `k = scale/√(variance + eps)` per output channel
/// (as OpenCV DNN fuses BatchNorm into Convolution).
public func foldBatchNorm(weights: inout Tensor, shift: Tensor, scale: Tensor, mean: Tensor, variance: Tensor,
                          eps: Float) throws -> Tensor {
    guard weights.rank >= 1, weights.shape[0] > 0 else {
        throw InferenceError.shapeMismatch(op: "foldBatchNorm", expected: "weights [out, ...]", found: "\(weights.shape)")
    }
    let channels = weights.shape[0]
    for (name, tensor) in [("shift", shift), ("scale", scale), ("mean", mean), ("variance", variance)] {
        try tensor.requireShape([channels], op: "foldBatchNorm \(name)")
    }
    let perChannel = weights.count / channels
    var bias = [Float](repeating: 0, count: channels)
    for c in 0..<channels {
        let k = scale.storage[c] / (variance.storage[c] + eps).squareRoot()
        bias[c] = shift.storage[c] - mean.storage[c] * k
        for i in (c * perChannel)..<((c + 1) * perChannel) { weights.storage[i] *= k }
    }
    return try Tensor(shape: [channels], storage: bias)
}

/// darknet's `leaky` activation (OpenCV's ReLU with negative_slope): `x > 0 ? x : slope·x`, in place.
public func leakyReLU(_ x: inout Tensor, slope: Float = 0.1) {
    x.storage.withUnsafeMutableBufferPointer { data in
        for i in data.indices where data[i] < 0 { data[i] *= slope }
    }
}

/// darknet's `[maxpool]`: output size `(in + padding − size)/stride + 1`, windows starting at
/// `−padding/2`, cells outside the input ignored. darknet's default `padding = size − 1`
/// is what keeps `size=2 stride=1` at the input's size (OpenCV pads 0 before, 1 after).
public func maxPool2D(_ x: Tensor, size: Int, stride: Int, padding: Int? = nil) throws -> Tensor {
    let padding = padding ?? size - 1
    guard x.rank == 4, size > 0, stride > 0, padding >= 0 else {
        throw InferenceError.shapeMismatch(op: "maxPool2D", expected: "[n, c, h, w], size > 0, stride > 0",
                                           found: "\(x.shape), size \(size), stride \(stride), padding \(padding)")
    }
    let planes = x.shape[0] * x.shape[1], height = x.shape[2], width = x.shape[3]
    let outHeight = (height + padding - size) / stride + 1, outWidth = (width + padding - size) / stride + 1
    guard height + padding >= size, width + padding >= size else {
        throw InferenceError.shapeMismatch(op: "maxPool2D", expected: "h, w ≥ \(size - padding)", found: "\(x.shape)")
    }
    let offset = -(padding / 2)
    var output = Tensor(zeros: [x.shape[0], x.shape[1], outHeight, outWidth])
    x.storage.withUnsafeBufferPointer { src in
        output.storage.withUnsafeMutableBufferPointer { dst in
            guard let source = src.baseAddress, let destination = dst.baseAddress else { return }
            // Planes are independent: split them over the cores.
            let chunks = min(planes, 2 * ProcessInfo.processInfo.activeProcessorCount)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                for p in (planes * chunk / chunks)..<(planes * (chunk + 1) / chunks) {
                    let input = source + p * height * width, out = destination + p * outHeight * outWidth
                    if size == 2, offset == 0 {
                        maxPoolPlane2x2(input, height: height, width: width, stride: stride, out, outHeight: outHeight, outWidth: outWidth)
                    } else {
                        maxPoolPlane(input, height: height, width: width, size: size, stride: stride, offset: offset,
                                     out, outHeight: outHeight, outWidth: outWidth)
                    }
                }
            }
        }
    }
    return output
}

/// The common darknet case (size 2, no leading padding): the window's second row and
/// column clamp to the last ones at the edge, which leaves the maximum unchanged.
private func maxPoolPlane2x2(_ input: UnsafePointer<Float>, height: Int, width: Int, stride: Int,
                             _ out: UnsafeMutablePointer<Float>, outHeight: Int, outWidth: Int) {
    for oy in 0..<outHeight {
        let row0 = input + min(oy * stride, height - 1) * width, row1 = input + min(oy * stride + 1, height - 1) * width
        let target = out + oy * outWidth
        for ox in 0..<outWidth {
            let x0 = min(ox * stride, width - 1), x1 = min(ox * stride + 1, width - 1)
            target[ox] = max(max(row0[x0], row0[x1]), max(row1[x0], row1[x1]))
        }
    }
}

private func maxPoolPlane(_ input: UnsafePointer<Float>, height: Int, width: Int, size: Int, stride: Int, offset: Int,
                          _ out: UnsafeMutablePointer<Float>, outHeight: Int, outWidth: Int) {
    for oy in 0..<outHeight {
        let y0 = max(0, offset + oy * stride), y1 = min(height, offset + oy * stride + size)
        for ox in 0..<outWidth {
            let x0 = max(0, offset + ox * stride), x1 = min(width, offset + ox * stride + size)
            var best = -Float.infinity
            for y in y0..<y1 {
                for x in x0..<x1 { best = max(best, input[y * width + x]) }
            }
            out[oy * outWidth + ox] = best
        }
    }
}

/// darknet's `[upsample]` (OpenCV's nearest Resize): each value repeated `stride`×`stride`.
public func upsampleNearest(_ x: Tensor, stride: Int) throws -> Tensor {
    guard x.rank == 4, stride > 0 else {
        throw InferenceError.shapeMismatch(op: "upsampleNearest", expected: "[n, c, h, w], stride > 0", found: "\(x.shape), stride \(stride)")
    }
    let planes = x.shape[0] * x.shape[1], height = x.shape[2], width = x.shape[3]
    let outHeight = height * stride, outWidth = width * stride
    var output = Tensor(zeros: [x.shape[0], x.shape[1], outHeight, outWidth])
    x.storage.withUnsafeBufferPointer { src in
        output.storage.withUnsafeMutableBufferPointer { dst in
            for p in 0..<planes {
                for oy in 0..<outHeight {
                    let row = p * height * width + (oy / stride) * width, outRow = (p * outHeight + oy) * outWidth
                    for ox in 0..<outWidth { dst[outRow + ox] = src[row + ox / stride] }
                }
            }
        }
    }
    return output
}

/// darknet's `[route]` with several layers: the inputs stacked along channels (axis 1).
public func concatChannels(_ inputs: [Tensor]) throws -> Tensor {
    guard let first = inputs.first, first.rank == 4 else {
        throw InferenceError.shapeMismatch(op: "concatChannels", expected: "one or more [n, c, h, w]", found: "\(inputs.map(\.shape))")
    }
    let batch = first.shape[0], height = first.shape[2], width = first.shape[3]
    for input in inputs where input.rank != 4 || input.shape[0] != batch || input.shape[2] != height || input.shape[3] != width {
        throw InferenceError.shapeMismatch(op: "concatChannels", expected: "[\(batch), c, \(height), \(width)]", found: "\(input.shape)")
    }
    let channels = inputs.reduce(0) { $0 + $1.shape[1] }
    var storage: [Float] = []
    storage.reserveCapacity(batch * channels * height * width)
    for n in 0..<batch {
        for input in inputs {
            let block = input.shape[1] * height * width
            storage.append(contentsOf: input.storage[(n * block)..<((n + 1) * block)])
        }
    }
    return try Tensor(shape: [batch, channels, height, width], storage: storage)
}
