// The convolutional-network ops against direct reference loops written out here.
import XCTest
@testable import Inference

final class VisionOpsTests: XCTestCase {
    private func tensor(_ shape: [Int], seed: Int) throws -> Tensor {
        let count = shape.reduce(1, *)
        return try Tensor(shape: shape, storage: (0..<count).map { Float((($0 + seed) * 7919) % 201 - 100) / 100 })
    }

    /// conv2d written as the definition: sum over in-channels and the kernel window.
    private func referenceConvolution(_ x: Tensor, _ w: Tensor, _ b: Tensor, stride: Int, padding: Int) -> [Float] {
        let (c, h, wd) = (x.shape[1], x.shape[2], x.shape[3]), (o, k) = (w.shape[0], w.shape[2])
        let oh = (h + 2 * padding - k) / stride + 1, ow = (wd + 2 * padding - k) / stride + 1
        var out = [Float](repeating: 0, count: o * oh * ow)
        for oc in 0..<o { for oy in 0..<oh { for ox in 0..<ow {
            var sum = b.storage[oc]
            for ic in 0..<c { for ky in 0..<k { for kx in 0..<k {
                let iy = oy * stride - padding + ky, ix = ox * stride - padding + kx
                guard iy >= 0, iy < h, ix >= 0, ix < wd else { continue }
                sum += x.storage[(ic * h + iy) * wd + ix] * w.storage[((oc * c + ic) * k + ky) * k + kx]
            } } }
            out[(oc * oh + oy) * ow + ox] = sum
        } } }
        return out
    }

    func testConvolutionMatchesDefinitionWithStridePaddingAndLeaky() throws {
        for (stride, padding, kernel) in [(1, 1, 3), (2, 1, 3), (1, 0, 1)] {
            let x = try tensor([1, 5, 9, 7], seed: kernel)
            let w = try tensor([12, 5, kernel, kernel], seed: 3)
            let b = try tensor([12], seed: 11)
            let convolution = try Convolution2D(weights: w, bias: b, stride: stride, padding: padding, activation: .leaky(slope: 0.1))
            let y = try convolution(x)
            let expected = referenceConvolution(x, w, b, stride: stride, padding: padding).map { $0 > 0 ? $0 : 0.1 * $0 }
            XCTAssertEqual(y.shape, [1, 12, (9 + 2 * padding - kernel) / stride + 1, (7 + 2 * padding - kernel) / stride + 1])
            let worst = zip(y.storage, expected).map { abs($0 - $1) }.max() ?? 1
            XCTAssertLessThanOrEqual(worst, 1e-4, "stride \(stride) padding \(padding) kernel \(kernel)")
            XCTAssertEqual(try convolution(x), y, "a cached primitive gives the same result")
        }
    }

    /// Large enough to be split into channel chunks run in parallel; 37 outputs leave a
    /// partial last block, and 16 inputs take the blocked-source path.
    func testChunkedConvolutionMatchesDefinition() throws {
        let x = try tensor([1, 16, 24, 20], seed: 5)
        let w = try tensor([37, 16, 3, 3], seed: 8)
        let b = try tensor([37], seed: 2)
        let convolution = try Convolution2D(weights: w, bias: b, stride: 1, padding: 1, activation: .linear, allowWinograd: false)
        XCTAssertFalse(convolution.usesWinograd(height: 24, width: 20))
        let y = try convolution(x)
        let expected = referenceConvolution(x, w, b, stride: 1, padding: 1)
        XCTAssertEqual(y.shape, [1, 37, 24, 20])
        XCTAssertLessThanOrEqual(zip(y.storage, expected).map { abs($0 - $1) }.max() ?? 1, 1e-4)
    }

    /// Winograd F(4×4, 3×3) on sizes that are not whole tiles (25×23), with leaky ReLU.
    func testWinogradConvolutionMatchesDefinition() throws {
        let x = try tensor([1, 64, 25, 23], seed: 9)
        let w = try tensor([66, 64, 3, 3], seed: 4)
        let b = try tensor([66], seed: 6)
        let convolution = try Convolution2D(weights: w, bias: b, stride: 1, padding: 1, activation: .leaky(slope: 0.1))
        XCTAssertTrue(convolution.usesWinograd(height: 25, width: 23))
        XCTAssertFalse(convolution.usesWinograd(height: 13, width: 13))
        let y = try convolution(x)
        let expected = referenceConvolution(x, w, b, stride: 1, padding: 1).map { $0 > 0 ? $0 : 0.1 * $0 }
        XCTAssertEqual(y.shape, [1, 66, 25, 23])
        XCTAssertLessThanOrEqual(zip(y.storage, expected).map { abs($0 - $1) }.max() ?? 1, 1e-4)
    }

    func testConvolutionRejectsWrongChannels() throws {
        let convolution = try Convolution2D(weights: try tensor([2, 3, 3, 3], seed: 0), bias: try tensor([2], seed: 0),
                                            stride: 1, padding: 1, activation: .linear)
        XCTAssertThrowsError(try convolution(try tensor([1, 4, 5, 5], seed: 0)))
        XCTAssertThrowsError(try Convolution2D(weights: try tensor([2, 3, 3, 3], seed: 0), bias: try tensor([3], seed: 0),
                                               stride: 1, padding: 1, activation: .linear))
    }

    func testFoldBatchNormEqualsConvolutionThenNormalization() throws {
        var w = try tensor([2, 1, 1, 1], seed: 1)
        let original = w
        let shift = try Tensor(shape: [2], storage: [0.5, -1]), scale = try Tensor(shape: [2], storage: [2, 0.25])
        let mean = try Tensor(shape: [2], storage: [0.1, 0.3]), variance = try Tensor(shape: [2], storage: [4, 0.5])
        let bias = try foldBatchNorm(weights: &w, shift: shift, scale: scale, mean: mean, variance: variance, eps: 1e-6)
        for c in 0..<2 {
            let input: Float = 1.5
            let normalized = scale.storage[c] * (original.storage[c] * input - mean.storage[c]) / (variance.storage[c] + 1e-6).squareRoot()
                + shift.storage[c]
            XCTAssertEqual(w.storage[c] * input + bias.storage[c], normalized, accuracy: 1e-6)
        }
    }

    func testLeakyReLU() {
        var x = try! Tensor(shape: [4], storage: [-2, -0.5, 0, 3])
        leakyReLU(&x)
        XCTAssertEqual(x.storage, [-0.2, -0.05, 0, 3])
    }

    /// darknet's size 2 stride 1 keeps the size: windows [i, i+1], the last one clipped.
    func testMaxPoolSizeTwoStrideOneKeepsSize() throws {
        let x = try Tensor(shape: [1, 1, 2, 3], storage: [1, 5, 2,
                                                          4, 0, 3])
        let y = try maxPool2D(x, size: 2, stride: 1)
        XCTAssertEqual(y.shape, [1, 1, 2, 3])
        XCTAssertEqual(y.storage, [5, 5, 3,
                                   4, 3, 3])
    }

    func testMaxPoolSizeTwoStrideTwoOnOddSizeRoundsUp() throws {
        let x = try Tensor(shape: [1, 1, 3, 3], storage: [1, 2, 3, 4, 5, 6, 7, 8, -9])
        let y = try maxPool2D(x, size: 2, stride: 2)
        XCTAssertEqual(y.shape, [1, 1, 2, 2])
        XCTAssertEqual(y.storage, [5, 6, 8, -9])
    }

    func testUpsampleNearest() throws {
        let y = try upsampleNearest(try Tensor(shape: [1, 1, 1, 2], storage: [1, 2]), stride: 2)
        XCTAssertEqual(y.shape, [1, 1, 2, 4])
        XCTAssertEqual(y.storage, [1, 1, 2, 2, 1, 1, 2, 2])
    }

    func testConcatChannels() throws {
        let a = try Tensor(shape: [1, 1, 1, 2], storage: [1, 2]), b = try Tensor(shape: [1, 2, 1, 2], storage: [3, 4, 5, 6])
        let y = try concatChannels([a, b])
        XCTAssertEqual(y.shape, [1, 3, 1, 2])
        XCTAssertEqual(y.storage, [1, 2, 3, 4, 5, 6])
        XCTAssertThrowsError(try concatChannels([a, try Tensor(shape: [1, 1, 2, 2], storage: [0, 0, 0, 0])]))
    }
}
