// Convolutional-network ops as small plain functions over blocked feature maps (nChw8c,
// see BlockedFeatureMap): each works on whole 8-channel vectors, splits its rows over the
// cores, and names the darknet / OpenCV DNN behaviour it matches.
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

/// darknet's `[maxpool]`: output size `(in + padding − size)/stride + 1`, windows starting at
/// `−padding/2`, cells outside the input ignored. darknet's default `padding = size − 1`
/// is what keeps `size=2 stride=1` at the input's size (OpenCV pads 0 before, 1 after).
public func maxPool2D(_ x: BlockedFeatureMap, size: Int, stride: Int, padding: Int? = nil,
                      pool: FeatureMapPool = .unretained) throws -> BlockedFeatureMap {
    let padding = padding ?? size - 1
    // Windows start padding/2 before the map: more padding than (size − 1)·2 leaves a window outside it.
    guard (1...1024).contains(size), stride > 0, padding >= 0, padding <= 2 * size - 2,
          x.height + padding >= size, x.width + padding >= size else {
        throw InferenceError.shapeMismatch(op: "maxPool2D", expected: "size 1...1024, stride > 0, 0 ≤ padding < 2·size − 1, h and w ≥ size − padding",
                                           found: "\(x.channels)×\(x.height)×\(x.width), size \(size), stride \(stride), padding \(padding)")
    }
    let offset = -(padding / 2), (height, width) = (x.height, x.width)
    let output = try BlockedFeatureMap(channels: x.channels, height: (height + padding - size) / stride + 1,
                                   width: (width + padding - size) / stride + 1, pool: pool)
    let (outHeight, outWidth) = (output.height, output.width)
    let source = UnsafeRawPointer(x.pointer), target = UnsafeMutableRawPointer(output.pointer)
    // Flat rows (block, oy), split over the cores.
    ComputeThreads.run(splitting: x.blocks * outHeight) { rows in
        for row in rows {
            let block = row / outHeight, oy = row % outHeight
            let y0 = max(0, offset + oy * stride), y1 = min(height, offset + oy * stride + size)
            let plane = source + block * x.blockFloats * 4, out = target + (block * outHeight + oy) * outWidth * 32
            for ox in 0..<outWidth {
                let x0 = max(0, offset + ox * stride), x1 = min(width, offset + ox * stride + size)
                var best = SIMD8<Float>(repeating: -.infinity)
                for y in y0..<y1 {
                    for xx in x0..<x1 {
                        // Not pointwiseMax: measured 4× slower here (it does not lower to maxps).
                        let value = plane.loadUnaligned(fromByteOffset: (y * width + xx) * 32, as: SIMD8<Float>.self)
                        best.replace(with: value, where: best .< value)
                    }
                }
                out.storeBytes(of: best, toByteOffset: ox * 32, as: SIMD8<Float>.self)
            }
        }
    }
    return output
}

/// darknet's `[upsample]` (OpenCV's nearest Resize): each value repeated `stride`×`stride`.
public func upsampleNearest(_ x: BlockedFeatureMap, stride: Int, pool: FeatureMapPool = .unretained) throws -> BlockedFeatureMap {
    let (outHeight, outWidth) = (x.height.multipliedReportingOverflow(by: stride), x.width.multipliedReportingOverflow(by: stride))
    guard stride > 0, !outHeight.overflow, !outWidth.overflow else {
        throw InferenceError.shapeMismatch(op: "upsampleNearest", expected: "stride > 0", found: "stride \(stride)")
    }
    let output = try BlockedFeatureMap(channels: x.channels, height: outHeight.partialValue, width: outWidth.partialValue, pool: pool)
    let (height, width) = (x.height, x.width), rowsOut = output.height, columnsOut = output.width
    let source = UnsafeRawPointer(x.pointer), target = UnsafeMutableRawPointer(output.pointer)
    ComputeThreads.run(splitting: x.blocks * rowsOut) { rows in
        for row in rows {
            let block = row / rowsOut, oy = row % rowsOut
            let line = source + ((block * height + oy / stride) * width) * 32, out = target + row * columnsOut * 32
            for ox in 0..<columnsOut {
                out.storeBytes(of: line.loadUnaligned(fromByteOffset: (ox / stride) * 32, as: SIMD8<Float>.self),
                               toByteOffset: ox * 32, as: SIMD8<Float>.self)
            }
        }
    }
    return output
}

/// darknet's `[route]` with several layers: the inputs stacked along channels.
public func concatChannels(_ inputs: [BlockedFeatureMap], pool: FeatureMapPool = .unretained) throws -> BlockedFeatureMap {
    guard let first = inputs.first else {
        throw InferenceError.shapeMismatch(op: "concatChannels", expected: "one or more maps", found: "none")
    }
    for input in inputs where input.height != first.height || input.width != first.width {
        throw InferenceError.shapeMismatch(op: "concatChannels", expected: "c×\(first.height)×\(first.width)",
                                           found: "\(input.channels)×\(input.height)×\(input.width)")
    }
    let output = try BlockedFeatureMap(channels: inputs.reduce(0) { $0 + $1.channels }, height: first.height, width: first.width, pool: pool)
    if inputs.dropLast().allSatisfy({ $0.channels % 8 == 0 }) {
        // Whole blocks: each input is one contiguous run of the output.
        var offset = 0
        for input in inputs {
            (output.pointer + offset).update(from: input.pointer, count: input.floatCount)
            offset += input.floatCount
        }
        return output
    }
    let plane = first.height * first.width
    output.pointer.update(repeating: 0, count: output.floatCount)
    var channel = 0
    for input in inputs {
        for c in 0..<input.channels {
            let from = input.pointer + (c / 8) * plane * 8 + c % 8
            let to = output.pointer + ((channel + c) / 8) * plane * 8 + (channel + c) % 8
            for i in 0..<plane { to[i * 8] = from[i * 8] }
        }
        channel += input.channels
    }
    return output
}

/// darknet's `[shortcut]` (OpenCV's Eltwise sum): `a + b`, elementwise; with `relu`, a
/// ResNet block's `relu(out + identity)` in the same pass.
public func adding(_ a: BlockedFeatureMap, _ b: BlockedFeatureMap, relu: Bool = false,
                   pool: FeatureMapPool = .unretained) throws -> BlockedFeatureMap {
    guard a.channels == b.channels, a.height == b.height, a.width == b.width else {
        throw InferenceError.shapeMismatch(op: "shortcut", expected: "\(a.channels)×\(a.height)×\(a.width)",
                                           found: "\(b.channels)×\(b.height)×\(b.width)")
    }
    let output = try BlockedFeatureMap(channels: a.channels, height: a.height, width: a.width, pool: pool)
    let (x, y, sum) = (UnsafeRawPointer(a.pointer), UnsafeRawPointer(b.pointer), UnsafeMutableRawPointer(output.pointer))
    ComputeThreads.run(splitting: a.floatCount / 8) { vectors in
        let floor = SIMD8<Float>(repeating: relu ? 0 : -.infinity)
        for v in vectors {
            var value = x.loadUnaligned(fromByteOffset: v * 32, as: SIMD8<Float>.self)
                + y.loadUnaligned(fromByteOffset: v * 32, as: SIMD8<Float>.self)
            value.replace(with: floor, where: value .< floor)
            sum.storeBytes(of: value, toByteOffset: v * 32, as: SIMD8<Float>.self)
        }
    }
    return output
}
