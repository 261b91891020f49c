// The tile transforms of Winograd's F(m×m, 3×3) on 8-channel blocks: one SIMD8 vector per
// tile cell, so each transform works on 8 channels at once and stores whole vectors.
// Matrices from Lavin & Gray (2016); F(4×4) uses the points 0, ±1, ±2, ∞ (as OpenCV and
// NNPACK do), F(2×2) the points 0, ±1, ∞.

typealias Vector = SIMD8<Float>

/// Which minimal filtering algorithm: F(4×4, 3×3) or F(2×2, 3×3), output tile `tile`×`tile`
/// from a `window`×`window` input tile.
public enum WinogradVariant: Sendable, Hashable {
    case f4x4, f2x2

    var tile: Int { self == .f4x4 ? 4 : 2 }
    var window: Int { tile + 2 }
    var positions: Int { window * window }
    /// G (window × 3), row-major: the kernel transform.
    var g: [Float] {
        switch self {
        case .f4x4: return [1.0 / 4, 0, 0, -1.0 / 6, -1.0 / 6, -1.0 / 6, -1.0 / 6, 1.0 / 6, -1.0 / 6,
                            1.0 / 24, 1.0 / 12, 1.0 / 6, 1.0 / 24, -1.0 / 12, 1.0 / 6, 0, 0, 1]
        case .f2x2: return [1, 0, 0, 0.5, 0.5, 0.5, 0.5, -0.5, 0.5, 0, 0, 1]
        }
    }

    /// Bᵀ d B for the input tile of one block whose top-left cell is (y0, x0) (zeros outside
    /// the map); position ξ's vector goes to `v + ξ·positionStride` (bytes).
    func inputTransform(_ plane: UnsafeRawPointer, height: Int, width: Int, y0: Int, x0: Int,
                        into v: UnsafeMutableRawPointer, positionStride: Int) {
        switch self {
        case .f4x4: inputTransform4(plane, height: height, width: width, y0: y0, x0: x0, into: v, positionStride: positionStride)
        case .f2x2: inputTransform2(plane, height: height, width: width, y0: y0, x0: x0, into: v, positionStride: positionStride)
        }
    }

    /// Aᵀ m A plus bias and leaky slope, into the output tile at (y0, x0), clipped to the map.
    func outputTransform(_ m: UnsafeRawPointer, positionStride: Int, bias: Vector, slope: Float?,
                         into plane: UnsafeMutableRawPointer, y0: Int, x0: Int, height: Int, width: Int) {
        switch self {
        case .f4x4: outputTransform4(m, positionStride: positionStride, bias: bias, slope: slope, into: plane,
                                     y0: y0, x0: x0, height: height, width: width)
        case .f2x2: outputTransform2(m, positionStride: positionStride, bias: bias, slope: slope, into: plane,
                                     y0: y0, x0: x0, height: height, width: width)
        }
    }
}

@inline(__always)
private func activate(_ value: Vector, _ slope: Float?) -> Vector {
    guard let slope else { return value }
    var result = value
    result.replace(with: value * slope, where: value .< 0)
    return result
}

/// F(4×4, 3×3): Bᵀ d B for one 6×6 tile of one 8-channel block (origin (y0, x0), zeros outside), each
/// of its 36 vectors stored at `v + ξ·positionStride` (bytes).
private func inputTransform4(_ plane: UnsafeRawPointer, height: Int, width: Int, y0: Int, x0: Int,
                            into v: UnsafeMutableRawPointer, positionStride: Int) {
    withUnsafeTemporaryAllocation(of: Vector.self, capacity: 36) { t in
        // t = Bᵀ d, a column at a time.
        for c in 0..<6 {
            let xx = x0 + c
            var d = (Vector(), Vector(), Vector(), Vector(), Vector(), Vector())
            if xx >= 0, xx < width {
                func load(_ r: Int) -> Vector {
                    let y = y0 + r
                    return y >= 0 && y < height ? plane.loadUnaligned(fromByteOffset: (y * width + xx) * 32, as: Vector.self) : Vector()
                }
                d = (load(0), load(1), load(2), load(3), load(4), load(5))
            }
            t[c] = 4 * d.0 - 5 * d.2 + d.4
            t[6 + c] = -4 * (d.1 + d.2) + d.3 + d.4
            t[12 + c] = 4 * (d.1 - d.2) - d.3 + d.4
            t[18 + c] = -2 * d.1 - d.2 + 2 * d.3 + d.4
            t[24 + c] = 2 * d.1 - d.2 - 2 * d.3 + d.4
            t[30 + c] = 4 * d.1 - 5 * d.3 + d.5
        }
        // then (Bᵀ d) B, a row at a time.
        for r in 0..<6 {
            let t0 = t[r * 6], t1 = t[r * 6 + 1], t2 = t[r * 6 + 2], t3 = t[r * 6 + 3], t4 = t[r * 6 + 4], t5 = t[r * 6 + 5]
            let row = v + r * 6 * positionStride
            row.storeBytes(of: 4 * t0 - 5 * t2 + t4, as: Vector.self)
            row.storeBytes(of: -4 * (t1 + t2) + t3 + t4, toByteOffset: positionStride, as: Vector.self)
            row.storeBytes(of: 4 * (t1 - t2) - t3 + t4, toByteOffset: 2 * positionStride, as: Vector.self)
            row.storeBytes(of: -2 * t1 - t2 + 2 * t3 + t4, toByteOffset: 3 * positionStride, as: Vector.self)
            row.storeBytes(of: 2 * t1 - t2 - 2 * t3 + t4, toByteOffset: 4 * positionStride, as: Vector.self)
            row.storeBytes(of: 4 * t1 - 5 * t3 + t5, toByteOffset: 5 * positionStride, as: Vector.self)
        }
    }
}

/// F(4×4, 3×3): Aᵀ m A for one tile of one 8-channel output block, plus the bias and leaky slope, into
/// the 4×4 outputs at (y0, x0) that fall inside the map.
private func outputTransform4(_ m: UnsafeRawPointer, positionStride: Int, bias: Vector, slope: Float?,
                             into plane: UnsafeMutableRawPointer, y0: Int, x0: Int, height: Int, width: Int) {
    withUnsafeTemporaryAllocation(of: Vector.self, capacity: 24) { t in
        // t = Aᵀ m: 4×6
        for c in 0..<6 {
            func load(_ r: Int) -> Vector { m.loadUnaligned(fromByteOffset: (r * 6 + c) * positionStride, as: Vector.self) }
            let m0 = load(0), m1 = load(1), m2 = load(2), m3 = load(3), m4 = load(4), m5 = load(5)
            t[c] = m0 + m1 + m2 + m3 + m4
            t[6 + c] = m1 - m2 + 2 * (m3 - m4)
            t[12 + c] = m1 + m2 + 4 * (m3 + m4)
            t[18 + c] = m1 - m2 + 8 * (m3 - m4) + m5
        }
        for r in 0..<min(4, height - y0) {
            let t0 = t[r * 6], t1 = t[r * 6 + 1], t2 = t[r * 6 + 2], t3 = t[r * 6 + 3], t4 = t[r * 6 + 4], t5 = t[r * 6 + 5]
            let row = (t0 + t1 + t2 + t3 + t4, t1 - t2 + 2 * (t3 - t4), t1 + t2 + 4 * (t3 + t4), t1 - t2 + 8 * (t3 - t4) + t5)
            let line = plane + ((y0 + r) * width + x0) * 32
            for c in 0..<min(4, width - x0) {
                let value = bias + (c == 0 ? row.0 : c == 1 ? row.1 : c == 2 ? row.2 : row.3)
                line.storeBytes(of: activate(value, slope), toByteOffset: c * 32, as: Vector.self)
            }
        }
    }
}


/// F(2×2, 3×3): Bᵀ d B for one 4×4 tile; Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1].
private func inputTransform2(_ plane: UnsafeRawPointer, height: Int, width: Int, y0: Int, x0: Int,
                             into v: UnsafeMutableRawPointer, positionStride: Int) {
    withUnsafeTemporaryAllocation(of: Vector.self, capacity: 16) { t in
        for c in 0..<4 {
            let xx = x0 + c
            var d = (Vector(), Vector(), Vector(), Vector())
            if xx >= 0, xx < width {
                func load(_ r: Int) -> Vector {
                    let y = y0 + r
                    return y >= 0 && y < height ? plane.loadUnaligned(fromByteOffset: (y * width + xx) * 32, as: Vector.self) : Vector()
                }
                d = (load(0), load(1), load(2), load(3))
            }
            t[c] = d.0 - d.2
            t[4 + c] = d.1 + d.2
            t[8 + c] = d.2 - d.1
            t[12 + c] = d.1 - d.3
        }
        for r in 0..<4 {
            let t0 = t[r * 4], t1 = t[r * 4 + 1], t2 = t[r * 4 + 2], t3 = t[r * 4 + 3]
            let row = v + r * 4 * positionStride
            row.storeBytes(of: t0 - t2, as: Vector.self)
            row.storeBytes(of: t1 + t2, toByteOffset: positionStride, as: Vector.self)
            row.storeBytes(of: t2 - t1, toByteOffset: 2 * positionStride, as: Vector.self)
            row.storeBytes(of: t1 - t3, toByteOffset: 3 * positionStride, as: Vector.self)
        }
    }
}

/// F(2×2, 3×3): Aᵀ m A for one tile; Aᵀ = [1 1 1 0; 0 1 −1 −1].
private func outputTransform2(_ m: UnsafeRawPointer, positionStride: Int, bias: Vector, slope: Float?,
                              into plane: UnsafeMutableRawPointer, y0: Int, x0: Int, height: Int, width: Int) {
    var t = (Vector(), Vector(), Vector(), Vector(), Vector(), Vector(), Vector(), Vector())
    func load(_ r: Int, _ c: Int) -> Vector { m.loadUnaligned(fromByteOffset: (r * 4 + c) * positionStride, as: Vector.self) }
    // t = Aᵀ m: 2×4, a column at a time.
    for c in 0..<4 {
        let m0 = load(0, c), m1 = load(1, c), m2 = load(2, c), m3 = load(3, c)
        let top = m0 + m1 + m2, bottom = m1 - m2 - m3
        switch c {
        case 0: t.0 = top; t.4 = bottom
        case 1: t.1 = top; t.5 = bottom
        case 2: t.2 = top; t.6 = bottom
        default: t.3 = top; t.7 = bottom
        }
    }
    func store(_ a: Vector, _ b: Vector, _ c: Vector, _ d: Vector, row r: Int) {
        guard y0 + r < height else { return }
        let line = plane + ((y0 + r) * width + x0) * 32
        line.storeBytes(of: activate(bias + a + b + c, slope), as: Vector.self)
        if x0 + 1 < width { line.storeBytes(of: activate(bias + b - c - d, slope), toByteOffset: 32, as: Vector.self) }
    }
    store(t.0, t.1, t.2, t.3, row: 0)
    store(t.4, t.5, t.6, t.7, row: 1)
}
