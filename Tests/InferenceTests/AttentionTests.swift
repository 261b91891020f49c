import XCTest
@testable import Inference

final class AttentionTests: XCTestCase {
    func testPaddedKeysAreIgnored() throws {
        // One sequence of 3 tokens, 2 heads of size 2; the last token is padding.
        let q = try Tensor(shape: [3, 4], storage: [1, 0, 0, 1, 0, 1, 1, 0, 1, 1, 1, 1])
        let k = try Tensor(shape: [3, 4], storage: [1, 0, 0, 1, 0, 1, 1, 0, 5, 5, 5, 5])
        var v = try Tensor(shape: [3, 4], storage: [1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 9])
        let a = try attention(query: q, key: k, value: v, batch: 1, sequence: 3, heads: 2, keyMask: [1, 1, 0])
        for i in 8..<12 { v[flat: i] = -100 }
        let b = try attention(query: q, key: k, value: v, batch: 1, sequence: 3, heads: 2, keyMask: [1, 1, 0])
        XCTAssertEqual(a, b)
        // Head 0 of token 0: scores q·k/√2 = [1/√2, 0] → weights softmax → context.
        let w0 = 1 / (1 + exp(-1 / Float(2).squareRoot()))
        XCTAssertEqual(a[flat: 0], w0 * 1 + (1 - w0) * 5, accuracy: 1e-5)
        XCTAssertEqual(a[flat: 1], w0 * 2 + (1 - w0) * 6, accuracy: 1e-5)
    }

    func testBatchesDoNotMix() throws {
        let single = try Tensor(shape: [2, 2], storage: [1, 2, 3, 4])
        let batch = try Tensor(shape: [4, 2], storage: [1, 2, 3, 4, 9, 9, 9, 9])
        let alone = try attention(query: single, key: single, value: single, batch: 1, sequence: 2, heads: 1, keyMask: [1, 1])
        let mixed = try attention(query: batch, key: batch, value: batch, batch: 2, sequence: 2, heads: 1, keyMask: [1, 1, 1, 1])
        XCTAssertEqual(Array(mixed.storage[0..<4]), alone.storage)
        XCTAssertThrowsError(try attention(query: single, key: single, value: single, batch: 1, sequence: 2, heads: 3, keyMask: [1, 1]))
        XCTAssertThrowsError(try attention(query: single, key: single, value: single, batch: 1, sequence: 2, heads: 1, keyMask: [1]))
    }
}
