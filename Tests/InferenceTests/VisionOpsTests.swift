// The convolutional-network ops against direct reference loops written out here.
import Foundation
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

    private func maxDifference(_ a: [Float], _ b: [Float]) -> Float {
        a.count == b.count ? zip(a, b).map { abs($0 - $1) }.max() ?? 0 : .infinity
    }

    /// The image path (plain NCHW in) and the blocked path give the definition's result.
    func testConvolutionMatchesDefinitionWithStridePaddingAndLeaky() throws {
        for (stride, padding, kernel) in [(1, 1, 3), (2, 1, 3), (1, 0, 1)] {
            let x = try tensor([1, 5, 9, 7], seed: kernel)
            let w = try tensor([12, 5, kernel, kernel], seed: 3)
            let b = try tensor([12], seed: 11)
            let convolution = try Convolution2D(weights: w, bias: b, stride: stride, padding: padding, activation: .leaky(slope: 0.1))
            let y = try convolution(x).tensor()
            let expected = referenceConvolution(x, w, b, stride: stride, padding: padding).map { $0 > 0 ? $0 : 0.1 * $0 }
            XCTAssertEqual(y.shape, [1, 12, (9 + 2 * padding - kernel) / stride + 1, (7 + 2 * padding - kernel) / stride + 1])
            XCTAssertLessThanOrEqual(maxDifference(y.storage, expected), 1e-4, "stride \(stride) padding \(padding) kernel \(kernel)")
            XCTAssertEqual(try convolution(x).tensor(), y, "a cached primitive gives the same result")
            XCTAssertLessThanOrEqual(maxDifference(try convolution(BlockedFeatureMap(x)).tensor().storage, expected), 1e-4, "blocked source")
        }
    }

    /// Large enough to be split into channel chunks run in parallel; 20 inputs and 37
    /// outputs leave partial blocks, whose padding lanes must come out zero even in a
    /// recycled buffer full of garbage.
    func testChunkedConvolutionMatchesDefinitionAndKeepsPaddingZero() throws {
        let x = try tensor([1, 20, 24, 20], seed: 5)
        let w = try tensor([37, 20, 3, 3], seed: 8)
        let b = try tensor([37], seed: 2)
        let convolution = try Convolution2D(weights: w, bias: b, stride: 1, padding: 1, activation: .linear, allowWinograd: false)
        XCTAssertNil(convolution.winogradVariant(height: 24, width: 20))
        let pool = FeatureMapPool(retainedBytes: 1 << 20)
        do {
            let dirty = try BlockedFeatureMap(channels: 37, height: 24, width: 20, pool: pool)
            dirty.pointer.update(repeating: .nan, count: dirty.floatCount)
        }
        let y = try convolution(BlockedFeatureMap(x), pool: pool)
        XCTAssertEqual(y.tensor().shape, [1, 37, 24, 20])
        XCTAssertLessThanOrEqual(maxDifference(y.tensor().storage, referenceConvolution(x, w, b, stride: 1, padding: 1)), 1e-4)
        let lastBlock = y.pointer + 4 * y.blockFloats
        XCTAssertTrue((0..<(24 * 20)).allSatisfy { i in (5..<8).allSatisfy { lastBlock[i * 8 + $0] == 0 } })
    }

    /// Winograd against the definition: F(4×4) tile groups (few channels), on sizes that
    /// are not whole tiles, with leaky ReLU and partial channel blocks.
    func testWinogradTileGroupsMatchDefinition() throws {
        let x = try tensor([1, 20, 25, 23], seed: 9)
        let w = try tensor([18, 20, 3, 3], seed: 4)
        let b = try tensor([18], seed: 6)
        let convolution = try Convolution2D(weights: w, bias: b, stride: 1, padding: 1, activation: .leaky(slope: 0.1))
        XCTAssertEqual(convolution.winogradVariant(height: 25, width: 23), .f4x4)
        XCTAssertNil(convolution.winogradVariant(height: 13, width: 13))
        let y = try convolution(BlockedFeatureMap(x)).tensor()
        let expected = referenceConvolution(x, w, b, stride: 1, padding: 1).map { $0 > 0 ? $0 : 0.1 * $0 }
        XCTAssertEqual(y.shape, [1, 18, 25, 23])
        XCTAssertLessThanOrEqual(maxDifference(y.storage, expected), 1e-4)
    }

    /// The whole-image schedules, F(4×4) (128 channels: weights too big to regroup) and
    /// F(2×2) (256 channels on a 13×11 map), against oneDNN's direct convolution, which the
    /// tests above hold to the definition. Tolerance 1e-3: sums of 1,152 and 2,304 products of
    /// values up to 1 in magnitude, where the two algorithms round differently.
    func testWinogradWholeImageMatchesDirectConvolution() throws {
        for (channels, height, width, variant) in [(128, 23, 25, WinogradVariant.f4x4), (256, 13, 11, .f2x2)] {
            let x = try tensor([1, channels, height, width], seed: 3)
            let w = try Tensor(shape: [channels, channels, 3, 3], storage: try tensor([channels, channels, 3, 3], seed: 7).storage.map { $0 / 16 })
            let b = try tensor([channels], seed: 1)
            let winograd = try Convolution2D(weights: w, bias: b, stride: 1, padding: 1, activation: .leaky(slope: 0.1))
            let direct = try Convolution2D(weights: w, bias: b, stride: 1, padding: 1, activation: .leaky(slope: 0.1), allowWinograd: false)
            XCTAssertEqual(winograd.winogradVariant(height: height, width: width), variant)
            let input = try BlockedFeatureMap(x)
            let difference = maxDifference(try winograd(input).tensor().storage, try direct(input).tensor().storage)
            XCTAssertLessThanOrEqual(difference, 1e-3, "\(variant)")
        }
    }

    /// One layer called from several threads at once (both Winograd schedules and the
    /// direct one): each call gets the result a lone call gets.
    func testConcurrentCallsOnOneLayerAgree() throws {
        for (channels, size, winograd) in [(16, 24, true), (128, 23, true), (16, 24, false)] {
            let w = try Tensor(shape: [channels, channels, 3, 3], storage: try tensor([channels, channels, 3, 3], seed: 2).storage.map { $0 / 8 })
            let layer = try Convolution2D(weights: w, bias: try tensor([channels], seed: 1), stride: 1, padding: 1,
                                          activation: .leaky(slope: 0.1), allowWinograd: winograd)
            let inputs = try (0..<3).map { try BlockedFeatureMap(try tensor([1, channels, size, size], seed: $0)) }
            let expected = try inputs.map { try layer($0).tensor() }
            let lock = NSLock()
            var results = [Tensor?](repeating: nil, count: 9)
            DispatchQueue.concurrentPerform(iterations: 9) { i in
                let result = try? layer(inputs[i % 3]).tensor()
                lock.lock(); results[i] = result; lock.unlock()
            }
            for i in 0..<9 { XCTAssertEqual(results[i], expected[i % 3], "\(channels) channels, winograd \(winograd), call \(i)") }
        }
    }

    func testConvolutionRejectsWrongChannels() throws {
        let convolution = try Convolution2D(weights: try tensor([2, 3, 3, 3], seed: 0), bias: try tensor([2], seed: 0),
                                            stride: 1, padding: 1, activation: .linear)
        XCTAssertThrowsError(try convolution(try tensor([1, 4, 5, 5], seed: 0)))
        XCTAssertThrowsError(try convolution(try BlockedFeatureMap(try tensor([1, 4, 5, 5], seed: 0))))
        XCTAssertThrowsError(try convolution(try tensor([2, 3, 5, 5], seed: 0)), "one image at a time")
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

    private func blocked(_ shape: [Int], _ values: [Float]) throws -> BlockedFeatureMap {
        try BlockedFeatureMap(try Tensor(shape: shape, storage: values))
    }

    func testBlockedFeatureMapRoundTripsAndZeroesPadding() throws {
        let x = try tensor([1, 11, 3, 5], seed: 2)
        let map = try BlockedFeatureMap(x)
        XCTAssertEqual(map.blocks, 2)
        XCTAssertEqual(map.tensor(), x)
        XCTAssertEqual(map.pointer[(1 * 3 * 5 + 0) * 8 + 2], x.storage[10 * 15], "channel 10 is lane 2 of block 1")
        XCTAssertTrue((0..<15).allSatisfy { i in (3..<8).allSatisfy { map.pointer[(15 + i) * 8 + $0] == 0 } })
        XCTAssertThrowsError(try BlockedFeatureMap(try tensor([2, 1, 2, 2], seed: 0)))
    }

    func testPoolRecyclesBuffersAndHugeMapsAreErrors() throws {
        let pool = FeatureMapPool(retainedBytes: 8 * 4 * 4)
        var first: UnsafeMutablePointer<Float>?
        do { first = try BlockedFeatureMap(channels: 8, height: 2, width: 2, pool: pool).pointer }
        XCTAssertEqual(try BlockedFeatureMap(channels: 3, height: 2, width: 2, pool: pool).pointer, first, "same size: reused")
        // 1024 channels at darknet's largest input (8192²): 256 GB, refused before allocating.
        XCTAssertThrowsError(try BlockedFeatureMap(channels: 1024, height: 8192, width: 8192, pool: pool))
        XCTAssertThrowsError(try BlockedFeatureMap(channels: Int.max, height: 2, width: 2, pool: pool))
    }

    /// darknet's size 2 stride 1 keeps the size: windows [i, i+1], the last one clipped.
    func testMaxPoolSizeTwoStrideOneKeepsSize() throws {
        let y = try maxPool2D(try blocked([1, 1, 2, 3], [1, 5, 2,
                                                           4, 0, 3]), size: 2, stride: 1).tensor()
        XCTAssertEqual(y.shape, [1, 1, 2, 3])
        XCTAssertEqual(y.storage, [5, 5, 3,
                                   4, 3, 3])
    }

    func testMaxPoolSizeTwoStrideTwoOnOddSizeRoundsUp() throws {
        let y = try maxPool2D(try blocked([1, 1, 3, 3], [1, 2, 3, 4, 5, 6, 7, 8, -9]), size: 2, stride: 2).tensor()
        XCTAssertEqual(y.shape, [1, 1, 2, 2])
        XCTAssertEqual(y.storage, [5, 6, 8, -9])
    }

    /// Every channel of a 10-channel map pools on its own (lanes and blocks do not mix).
    func testMaxPoolKeepsChannelsApart() throws {
        let x = try tensor([1, 10, 4, 4], seed: 1)
        let y = try maxPool2D(try BlockedFeatureMap(x), size: 2, stride: 2).tensor()
        for c in 0..<10 {
            let plane = Array(x.storage[(c * 16)..<((c + 1) * 16)])
            XCTAssertEqual(Array(y.storage[(c * 4)..<((c + 1) * 4)]),
                           [0, 2, 8, 10].map { max(plane[$0], plane[$0 + 1], plane[$0 + 4], plane[$0 + 5]) })
        }
        XCTAssertThrowsError(try maxPool2D(try BlockedFeatureMap(x), size: 2, stride: 2, padding: 1 << 40))
        XCTAssertThrowsError(try maxPool2D(try BlockedFeatureMap(x), size: 1, stride: 1, padding: 4), "a window would hold no cell")
        XCTAssertThrowsError(try maxPool2D(try BlockedFeatureMap(x), size: 2, stride: 1, padding: Int.max))
    }

    func testUpsampleNearest() throws {
        let y = try upsampleNearest(try blocked([1, 1, 1, 2], [1, 2]), stride: 2).tensor()
        XCTAssertEqual(y.shape, [1, 1, 2, 4])
        XCTAssertEqual(y.storage, [1, 1, 2, 2, 1, 1, 2, 2])
        XCTAssertThrowsError(try upsampleNearest(try blocked([1, 1, 1, 2], [1, 2]), stride: Int.max))
    }

    /// Whole blocks concatenate as runs of memory; a partial first block goes channel by channel.
    func testConcatChannels() throws {
        let a = try tensor([1, 8, 2, 3], seed: 1), b = try tensor([1, 3, 2, 3], seed: 2), c = try tensor([1, 2, 2, 3], seed: 3)
        for inputs in [[a, b], [b, c, a]] {
            let y = try concatChannels(try inputs.map { try BlockedFeatureMap($0) }).tensor()
            XCTAssertEqual(y.shape, [1, inputs.reduce(0) { $0 + $1.shape[1] }, 2, 3])
            XCTAssertEqual(y.storage, inputs.flatMap(\.storage))
        }
        XCTAssertThrowsError(try concatChannels([try BlockedFeatureMap(a), try blocked([1, 1, 2, 2], [0, 0, 0, 0])]))
    }

    func testAddingIsElementwise() throws {
        let a = try tensor([1, 9, 2, 2], seed: 1), b = try tensor([1, 9, 2, 2], seed: 5)
        let y = try adding(try BlockedFeatureMap(a), try BlockedFeatureMap(b))
        XCTAssertEqual(y.tensor().storage, zip(a.storage, b.storage).map(+))
        XCTAssertTrue((0..<4).allSatisfy { i in (1..<8).allSatisfy { y.pointer[(4 + i) * 8 + $0] == 0 } })
        XCTAssertThrowsError(try adding(try BlockedFeatureMap(a), try BlockedFeatureMap(try tensor([1, 8, 2, 2], seed: 0))))
    }
}
