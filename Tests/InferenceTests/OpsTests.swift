// Each op alone against a plain double-precision reference. Tolerances are stated per test.
import Foundation
import XCTest
@testable import Inference

final class OpsTests: XCTestCase {
    private func random(_ count: Int, seed: inout UInt64) -> [Float] {
        (0..<count).map { _ in
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: seed >> 11) % 2000) / 1000 - 1
        }
    }

    func testLinearMatchesNaiveProductForSeveralShapes() throws {
        var seed: UInt64 = 42
        for (rows, inner, columns) in [(1, 3, 2), (5, 16, 7), (128, 64, 64), (3, 1, 4)] {
            let x = try Tensor(shape: [rows, inner], storage: random(rows * inner, seed: &seed))
            let w = try Tensor(shape: [columns, inner], storage: random(columns * inner, seed: &seed))
            let b = try Tensor(shape: [columns], storage: random(columns, seed: &seed))
            let y = try linear(x, weight: w, bias: b)
            XCTAssertEqual(y.shape, [rows, columns])
            for r in 0..<rows {
                for c in 0..<columns {
                    var expected = Double(b.storage[c])
                    for k in 0..<inner { expected += Double(x.storage[r * inner + k]) * Double(w.storage[c * inner + k]) }
                    XCTAssertEqual(Double(y.storage[r * columns + c]), expected, accuracy: 1e-4) // float32 sums of ≤64 terms
                }
            }
        }
    }

    func testPrimitivesAreCachedByShape() throws {
        let x = Tensor(zeros: [7, 9]), w = Tensor(zeros: [11, 9])
        _ = try linear(x, weight: w, bias: nil)
        let count = try DNNLMatmul.shared().cachedPrimitiveCount
        _ = try linear(x, weight: w, bias: nil)
        XCTAssertEqual(try DNNLMatmul.shared().cachedPrimitiveCount, count)
        _ = try linear(Tensor(zeros: [8, 9]), weight: w, bias: nil)
        XCTAssertEqual(try DNNLMatmul.shared().cachedPrimitiveCount, count + 1)
    }

    func testOpenMPIsSizedToTheCores() {
        XCTAssertEqual(try DNNLMatmul.shared().threadCount, ProcessInfo.processInfo.activeProcessorCount)
    }

    func testMatmulAndShapeErrors() throws {
        let a = try Tensor(shape: [2, 3], storage: [1, 2, 3, 4, 5, 6])
        let b = try Tensor(shape: [3, 2], storage: [7, 8, 9, 10, 11, 12])
        XCTAssertEqual(try matmul(a, b).storage, [58, 64, 139, 154])
        XCTAssertThrowsError(try matmul(a, a)) { XCTAssertTrue("\($0)".contains("matmul"), "\($0)") }
        XCTAssertThrowsError(try linear(a, weight: b, bias: nil)) {
            XCTAssertEqual("\($0)", "linear: expected weight [out, 3], found [3, 2]")
        }
    }

    func testLayerNorm() throws {
        var x = try Tensor(shape: [2, 4], storage: [1, 2, 3, 4, -1, -1, -1, -1])
        try layerNorm(&x, weight: Tensor(shape: [4], storage: [1, 1, 2, 1]), bias: Tensor(shape: [4], storage: [0, 0, 0, 0.5]), eps: 1e-12)
        let s = Float(1.25).squareRoot()
        let expected: [Float] = [-1.5 / s, -0.5 / s, 2 * 0.5 / s, 1.5 / s + 0.5, 0, 0, 0, 0.5]
        for (a, b) in zip(x.storage, expected) { XCTAssertEqual(a, b, accuracy: 1e-5) }
    }

    func testSoftmaxIsShiftInvariantAndHandlesMaskedEntries() throws {
        var x = try Tensor(shape: [2, 3], storage: [1, 2, 3, 1001, 1002, 1003])
        softmaxLastAxis(&x)
        for i in 0..<3 { XCTAssertEqual(x.storage[i], x.storage[i + 3], accuracy: 1e-6) }
        XCTAssertEqual(x.storage[0..<3].reduce(0, +), 1, accuracy: 1e-6)
        var masked: [Float] = [0.5, -Float.greatestFiniteMagnitude, 0.5]
        masked.withUnsafeMutableBufferPointer { softmax($0.baseAddress!, count: 3) }
        XCTAssertEqual(masked, [0.5, 0, 0.5])
    }

    func testGeluIsTheExactErfForm() throws {
        var x = try Tensor(shape: [4], storage: [0, 1, -1, 3])
        gelu(&x)
        // 0.5·x·(1 + erf(x/√2)) in double precision.
        let expected: [Float] = [0, 0.8413447460685429, -0.15865525393145707, 2.995950500057208]
        for (a, b) in zip(x.storage, expected) { XCTAssertEqual(a, b, accuracy: 1e-6) }
    }

    func testEmbeddingLookupChecksIDs() throws {
        let table = try Tensor(shape: [3, 2], storage: [0, 1, 10, 11, 20, 21])
        XCTAssertEqual(try embeddingLookup(table, ids: [2, 0]).storage, [20, 21, 0, 1])
        XCTAssertThrowsError(try embeddingLookup(table, ids: [3])) {
            XCTAssertEqual("\($0)", "embedding: index 3 is out of range 0..<3")
        }
        XCTAssertThrowsError(try embeddingLookup(table, ids: [-1]))
    }

    func testTensorShapesAreChecked() throws {
        XCTAssertThrowsError(try Tensor(shape: [2, 2], storage: [1, 2, 3]))
        XCTAssertThrowsError(try Tensor(shape: [-1, 2], storage: []))
        let t = try Tensor(shape: [2, 3], storage: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(try t.reshaped([3, 2]).shape, [3, 2])
        XCTAssertThrowsError(try t.reshaped([4, 2]))
        XCTAssertEqual(try t.rows(1..<2).storage, [4, 5, 6])
        XCTAssertNil(Tensor.elementCount([Int.max, 2]))
    }
}
