// Attention of a few query rows (one per beam, one position each) over cached keys and
// values: the incremental step of an autoregressive decoder. The products are tiny and of a
// new shape at every step (the cache grows by one), so they run as plain loops rather than
// as oneDNN primitives, which would be created anew per length.

/// Where one beam's cached rows live: beam `b`'s row `j` starts at `b * beamStride + j * rowStride`.
/// A `beamStride` of 0 shares one set of rows between all beams (cross-attention over one
/// encoder output). With `slots`, row `j` of beam `b` is instead cache row
/// `slots[b * slotsPerBeam + j]` (at that times `rowStride`): a beam search then reorders
/// its beams by copying these indices rather than the cached keys and values.
public struct CacheLayout {
    public var beamStride: Int
    public var rowStride: Int
    public var slots: UnsafePointer<Int32>?
    public var slotsPerBeam: Int

    public init(beamStride: Int, rowStride: Int) {
        self.beamStride = beamStride
        self.rowStride = rowStride
        slots = nil
        slotsPerBeam = 0
    }

    public init(slots: UnsafePointer<Int32>, slotsPerBeam: Int, rowStride: Int) {
        self.slots = slots
        self.slotsPerBeam = slotsPerBeam
        self.rowStride = rowStride
        beamStride = 0
    }

    /// The offset of beam `beam`'s row `row`.
    @inline(__always)
    func offset(beam: Int, row: Int) -> Int {
        if let slots { return Int(slots[beam * slotsPerBeam + row]) * rowStride }
        return beam * beamStride + row * rowStride
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
    // One (row, head) pair is one independent attention; enough of them go to all cores.
    let pairs = rows * heads, work = pairs * length * headSize
    let attend = { (range: Range<Int>) in
        let scores = UnsafeMutablePointer<Float>.allocate(capacity: length)
        defer { scores.deallocate() }
        for pair in range {
            let b = pair / heads, h = pair % heads
            let keyBase = keys + h * headSize, valueBase = values + h * headSize
            let q = query + b * width + h * headSize
            for j in 0..<length {
                let dot = dotProduct(q, keyBase + layout.offset(beam: b, row: j), count: headSize)
                scores[j] = (keyMask?[j] ?? 1) != 0 ? dot * scale : -Float.greatestFiniteMagnitude
            }
            softmax(scores, count: length)
            let out = context + b * width + h * headSize
            for i in 0..<headSize { out[i] = 0 }
            for j in 0..<length {
                let v = valueBase + layout.offset(beam: b, row: j)
                let p = scores[j]
                for i in 0..<headSize { out[i] += p * v[i] }
            }
        }
    }
    if work < 1 << 16 { attend(0..<pairs) } else { ComputeThreads.run(splitting: pairs, attend) }
}

/// `Σ a[i]·b[i]` in 8 lanes, then the lanes and the tail.
@inline(__always)
private func dotProduct(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
    let vectors = count / 8
    var lanes = SIMD8<Float>()
    let (x, y) = (UnsafeRawPointer(a), UnsafeRawPointer(b))
    for v in 0..<vectors {
        lanes += x.loadUnaligned(fromByteOffset: v * 32, as: SIMD8<Float>.self) * y.loadUnaligned(fromByteOffset: v * 32, as: SIMD8<Float>.self)
    }
    var sum = lanes.sum()
    for i in (vectors * 8)..<count { sum += a[i] * b[i] }
    return sum
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
