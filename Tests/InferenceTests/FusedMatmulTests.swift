// The matmul features attention and the feed-forward block lean on: a GELU fused into the
// product, batched products over strided heads with an output scale, products large enough
// to be split across cores, and attention's oneDNN softmax path. Each against a plain
// double-precision reference; tolerances are stated per assertion.
import Foundation
import XCTest
@testable import Inference

final class FusedMatmulTests: XCTestCase {
    private func random(_ count: Int, seed: inout UInt64) -> [Float] {
        (0..<count).map { _ in
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: seed >> 11) % 2000) / 1000 - 1
        }
    }

    func testLinearWithFusedGeluEqualsLinearThenGelu() throws {
        var seed: UInt64 = 7
        let x = try Tensor(shape: [9, 16], storage: random(144, seed: &seed))
        let w = try Tensor(shape: [24, 16], storage: random(384, seed: &seed))
        let b = try Tensor(shape: [24], storage: random(24, seed: &seed))
        var fused = Tensor(zeros: [0])
        try linear(x, weight: w, bias: b, activation: .geluErf, into: &fused)
        var separate = try linear(x, weight: w, bias: b)
        gelu(&separate)
        for i in 0..<fused.count { XCTAssertEqual(fused[flat: i], separate[flat: i], accuracy: 1e-5) } // oneDNN's erf vs libm's
    }

    func testSplitLargeProductMatchesNaiveProduct() throws {
        var seed: UInt64 = 11
        let (rows, inner, columns) = (131, 96, 200) // 2.5M multiply-adds: above the split threshold, odd row count
        XCTAssertGreaterThan(rows * inner * columns, DNNLMatmul.parallelThreshold)
        let x = try Tensor(shape: [rows, inner], storage: random(rows * inner, seed: &seed))
        let w = try Tensor(shape: [columns, inner], storage: random(columns * inner, seed: &seed))
        let y = try linear(x, weight: w, bias: nil)
        for r in stride(from: 0, to: rows, by: 13) {
            for c in stride(from: 0, to: columns, by: 7) {
                var expected = 0.0
                for k in 0..<inner { expected += Double(x.storage[r * inner + k]) * Double(w.storage[c * inner + k]) }
                XCTAssertEqual(Double(y.storage[r * columns + c]), expected, accuracy: 1e-4) // float32 sums of 96 terms
            }
        }
    }

    func testFewRowsSplitByColumnsKeepTheirBias() throws {
        var seed: UInt64 = 13
        let (rows, inner, columns) = (5, 300, 401) // 600k multiply-adds, few rows: split by columns, odd count
        XCTAssertGreaterThan(rows * inner * columns, DNNLMatmul.parallelThreshold / 4)
        let x = try Tensor(shape: [rows, inner], storage: random(rows * inner, seed: &seed))
        let w = try Tensor(shape: [columns, inner], storage: random(columns * inner, seed: &seed))
        let b = try Tensor(shape: [columns], storage: random(columns, seed: &seed))
        let y = try linear(x, weight: w, bias: b)
        for r in 0..<rows {
            for c in stride(from: 0, to: columns, by: 5) {
                var expected = Double(b.storage[c])
                for k in 0..<inner { expected += Double(x.storage[r * inner + k]) * Double(w.storage[c * inner + k]) }
                XCTAssertEqual(Double(y.storage[r * columns + c]), expected, accuracy: 2e-4) // float32 sums of 300 terms
            }
        }
    }

    func testBatchedScaledProductOverStridedHeads() throws {
        var seed: UInt64 = 3
        let (heads, rows, headSize, columns) = (3, 5, 4, 6)
        let width = heads * headSize
        let a = random(rows * width, seed: &seed) // [rows, heads·headSize], head h at columns h·headSize
        let b = random(heads * headSize * columns, seed: &seed) // per head [headSize, columns], contiguous
        var out = [Float](repeating: 0, count: heads * rows * columns)
        try a.withUnsafeBufferPointer { a in
            try b.withUnsafeBufferPointer { b in
                try out.withUnsafeMutableBufferPointer { out in
                    try DNNLMatmul.shared().multiply(
                        src: a.baseAddress!, .rowMajor(columns: width), rows: rows, inner: headSize,
                        weights: b.baseAddress!, .rowMajor(columns: columns), columns: columns, bias: nil,
                        dst: out.baseAddress!, .rowMajor(columns: columns),
                        batch: DNNLMatmul.Batch(count: heads, srcStride: headSize, weightsStride: headSize * columns,
                                                dstStride: rows * columns),
                        scale: 0.5)
                }
            }
        }
        for h in 0..<heads {
            for r in 0..<rows {
                for c in 0..<columns {
                    var expected = 0.0
                    for k in 0..<headSize {
                        expected += Double(a[r * width + h * headSize + k]) * Double(b[h * headSize * columns + k * columns + c])
                    }
                    XCTAssertEqual(Double(out[h * rows * columns + r * columns + c]), 0.5 * expected, accuracy: 1e-5)
                }
            }
        }
    }

    func testPackedQKVAttentionEqualsSeparateProjections() throws {
        var seed: UInt64 = 17
        let (batch, sequence, heads, width) = (2, 5, 2, 6)
        let rows = batch * sequence
        let parts = (0..<3).map { _ in random(rows * width, seed: &seed) }
        var packed = [Float]()
        for r in 0..<rows { for part in parts { packed += part[(r * width)..<((r + 1) * width)] } }
        let (q, k, v) = try (Tensor(shape: [rows, width], storage: parts[0]), Tensor(shape: [rows, width], storage: parts[1]),
                             Tensor(shape: [rows, width], storage: parts[2]))
        for mask in [[Int](repeating: 1, count: rows), [1, 1, 1, 0, 0, 1, 1, 1, 1, 1]] {
            let separate = try attention(query: q, key: k, value: v, batch: batch, sequence: sequence, heads: heads, keyMask: mask)
            var fused = Tensor(zeros: [0]), scores = Tensor(zeros: [0])
            try attention(packedQKV: Tensor(shape: [rows, 3 * width], storage: packed), batch: batch, sequence: sequence,
                          heads: heads, keyMask: mask, into: &fused, scores: &scores)
            XCTAssertEqual(fused.shape, separate.shape)
            for i in 0..<fused.count { XCTAssertEqual(fused[flat: i], separate[flat: i], accuracy: 1e-6) } // same products, other strides
        }
        var unused = Tensor(zeros: [0]), scores = Tensor(zeros: [0])
        XCTAssertThrowsError(try attention(packedQKV: Tensor(zeros: [rows, 3 * width + 1]), batch: batch, sequence: sequence,
                                           heads: heads, keyMask: [Int](repeating: 1, count: rows), into: &unused, scores: &scores))
    }

    func testUnmaskedAttentionMatchesReference() throws {
        var seed: UInt64 = 5
        let (sequence, heads, headSize) = (7, 2, 3)
        let width = heads * headSize
        let q = try Tensor(shape: [sequence, width], storage: random(sequence * width, seed: &seed))
        let k = try Tensor(shape: [sequence, width], storage: random(sequence * width, seed: &seed))
        let v = try Tensor(shape: [sequence, width], storage: random(sequence * width, seed: &seed))
        let context = try attention(query: q, key: k, value: v, batch: 1, sequence: sequence, heads: heads,
                                    keyMask: [Int](repeating: 1, count: sequence))
        for h in 0..<heads {
            for i in 0..<sequence {
                let scores = (0..<sequence).map { j in
                    (0..<headSize).reduce(0.0) { $0 + Double(q[flat: i * width + h * headSize + $1]) * Double(k[flat: j * width + h * headSize + $1]) }
                        / Double(headSize).squareRoot()
                }
                let top = scores.max() ?? 0
                let weights = scores.map { Foundation.exp($0 - top) }
                let total = weights.reduce(0, +)
                for d in 0..<headSize {
                    let expected = (0..<sequence).reduce(0.0) { $0 + weights[$1] / total * Double(v[flat: $1 * width + h * headSize + d]) }
                    XCTAssertEqual(Double(context[flat: i * width + h * headSize + d]), expected, accuracy: 1e-5)
                }
            }
        }
    }
}
