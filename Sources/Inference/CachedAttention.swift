// Attention of a few query rows (one per beam, one position each) over cached keys and
// values: the incremental step of an autoregressive decoder. The products are tiny and of a
// new shape at every step (the cache grows by one), so they run as plain loops rather than
// as oneDNN primitives, which would be created anew per length.

/// Where one beam's cached rows live: beam `b`'s row `j` starts at `b * beamStride + j * rowStride`.
/// A `beamStride` of 0 shares one set of rows between all beams (cross-attention over one
/// encoder output).
public struct CacheLayout: Sendable, Equatable {
    public var beamStride: Int
    public var rowStride: Int
    public init(beamStride: Int, rowStride: Int) {
        self.beamStride = beamStride
        self.rowStride = rowStride
    }
}

/// `context[b] = softmax(q[b] · K_bᵀ · scale) · V_b` per head, for `rows` query rows of
/// `heads · headSize` floats each, over `length` cached rows. `query` and `context` are
/// packed `[rows, heads·headSize]`. `keyMask`, when given, holds `length` entries (0 masks a key).
public func cachedAttention(query: UnsafePointer<Float>, keys: UnsafePointer<Float>, values: UnsafePointer<Float>,
                            layout: CacheLayout, rows: Int, length: Int, heads: Int, headSize: Int, scale: Float,
                            keyMask: [Int]? = nil, context: UnsafeMutablePointer<Float>) throws {
    guard rows >= 0, length > 0, heads > 0, headSize > 0 else {
        throw InferenceError.shapeMismatch(op: "cachedAttention", expected: "rows ≥ 0, length > 0, heads > 0",
                                           found: "rows \(rows), length \(length), heads \(heads)")
    }
    if let keyMask, keyMask.count != length {
        throw InferenceError.shapeMismatch(op: "cachedAttention mask", expected: "\(length) entries", found: "\(keyMask.count)")
    }
    let width = heads * headSize
    let scores = UnsafeMutablePointer<Float>.allocate(capacity: length)
    defer { scores.deallocate() }
    for b in 0..<rows {
        let keyBase = keys + b * layout.beamStride, valueBase = values + b * layout.beamStride
        for h in 0..<heads {
            let q = query + b * width + h * headSize
            for j in 0..<length {
                let k = keyBase + j * layout.rowStride + h * headSize
                var dot: Float = 0
                for i in 0..<headSize { dot += q[i] * k[i] }
                scores[j] = (keyMask?[j] ?? 1) != 0 ? dot * scale : -Float.greatestFiniteMagnitude
            }
            softmax(scores, count: length)
            let out = context + b * width + h * headSize
            for i in 0..<headSize { out[i] = 0 }
            for j in 0..<length {
                let v = valueBase + j * layout.rowStride + h * headSize
                let p = scores[j]
                for i in 0..<headSize { out[i] += p * v[i] }
            }
        }
    }
}

/// `log_softmax` over each row of `[rows, width]` values, in place (max-shifted, as PyTorch).
public func logSoftmaxRows(_ values: UnsafeMutablePointer<Float>, rows: Int, width: Int) {
    guard width > 0 else { return }
    for r in 0..<rows {
        let row = values + r * width
        var maximum = -Float.infinity
        for i in 0..<width { maximum = max(maximum, row[i]) }
        var sum: Float = 0
        for i in 0..<width { sum += expf(row[i] - maximum) }
        let shift = maximum + logf(sum)
        for i in 0..<width { row[i] -= shift }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
