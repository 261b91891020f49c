// 3×3, stride-1, padding-1 convolution by Winograd's minimal filtering F(m×m, 3×3)
// (Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks", 2016), the
// algorithm OpenCV DNN runs for such layers on AVX2 (oneDNN 2.6 has it only for AVX-512).
//
// Each m×m output tile comes from an (m+2)×(m+2) input tile: Y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A.
// Over all tiles and channels the elementwise product becomes one matrix product per
// position ξ of the input tile, V[ξ] (tiles × in) · U[ξ] (in × out), run on oneDNN's
// matmul. F(4×4) does 4× fewer multiplications than the direct convolution, F(2×2) 2.25×;
// the transforms in between are cheap passes over 8-channel vectors (WinogradTransforms).
// Which variant and which schedule a layer gets depends on its size (`variant(height:width:)`).
import Foundation

final class WinogradConvolution: @unchecked Sendable {
    let inChannels: Int, outChannels: Int
    let activation: ConvolutionActivation
    private let weights: [Float]
    /// The bias by output block, zero past `outChannels`.
    private let paddedBias: [SIMD8<Float>]
    private let lock = NSLock()
    /// U per variant: [ξ][in][out], made on first use.
    private var transformed: [WinogradVariant: UnsafeMutablePointer<Float>] = [:]
    private var products: [Schedule: WinogradProducts] = [:]
    private var groups: [Schedule: WinogradTileGroups] = [:]

    private struct Schedule: Hashable {
        let variant: WinogradVariant, tiles: Int
    }

    /// For 3×3 kernels, stride 1, padding 1: `weights` [out, in, 3, 3], `bias` [out].
    init(weights: [Float], bias: [Float], inChannels: Int, outChannels: Int, activation: ConvolutionActivation) {
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.activation = activation
        paddedBias = (0..<(outChannels + 7) / 8).map { block in
            SIMD8<Float>((0..<8).map { lane in block * 8 + lane < outChannels ? bias[block * 8 + lane] : 0 })
        }
        self.weights = weights
    }

    deinit { for pointer in transformed.values { pointer.deallocate() } }

    /// The variant that beats oneDNN's direct convolution on an input of this size, or nil.
    /// Measured on YOLOv3-tiny (AVX2, 2 cores): F(4×4) wins from 16 channels once there are
    /// enough tiles (16→32 at 208×208: 3.7 → 2.5 ms, 384→256 at 26×26); on 13×13 maps, where
    /// 4×4 tiles are too few for the products to run well, F(2×2) wins from 256 channels.
    func variant(height: Int, width: Int) -> WinogradVariant? {
        func tiles(_ size: Int) -> Int { ((height + size - 1) / size) * ((width + size - 1) / size) }
        if tiles(4) >= 36, inChannels >= 16, outChannels >= 16 { return .f4x4 }
        if tiles(2) >= 36, inChannels >= 256, outChannels >= 256 { return .f2x2 }
        return nil
    }

    func callAsFunction(_ x: BlockedFeatureMap, variant: WinogradVariant, pool: FeatureMapPool) throws -> BlockedFeatureMap {
        let size = variant.tile, tilesX = (x.width + size - 1) / size, tiles = ((x.height + size - 1) / size) * tilesX
        let inner = x.blocks * 8, columns = (outChannels + 7) / 8 * 8
        let slope: Float? = if case let .leaky(s) = activation { s } else { nil }
        let u = transformedWeights(variant)
        let output = try BlockedFeatureMap(channels: outChannels, height: x.height, width: x.width, pool: pool)
        let schedule = Schedule(variant: variant, tiles: tiles)
        if WinogradTileGroups.suits(variant, inner: inner, columns: columns) {
            let groups = try cached(\.groups, schedule) { try WinogradTileGroups(variant, tiles: tiles, inner: inner, columns: columns) }
            groups.busy.lock(); defer { groups.busy.unlock() }
            try groups.run(x, into: output, weights: u, bias: paddedBias, slope: slope)
        } else {
            let gemm = try cached(\.products, schedule) {
                try WinogradProducts(positions: variant.positions, rows: tiles, inner: inner, columns: columns)
            }
            gemm.busy.lock(); defer { gemm.busy.unlock() }
            try wholeImage(x, into: output, variant: variant, gemm: gemm, weights: u, slope: slope, pool: pool)
        }
        return output
    }

    /// All tiles' input transforms, then the products, then all output transforms.
    private func wholeImage(_ x: BlockedFeatureMap, into output: BlockedFeatureMap, variant: WinogradVariant,
                            gemm: WinogradProducts, weights u: UnsafePointer<Float>, slope: Float?, pool: FeatureMapPool) throws {
        let (height, width, size) = (x.height, x.width, variant.tile)
        let tilesX = (width + size - 1) / size, tiles = gemm.rows, inBlocks = x.blocks, outBlocks = output.blocks
        // The transformed tiles are 2.25× (F(4×4)) to 4× (F(2×2)) the input map; the maps' limit applies.
        guard let vCount = Tensor.elementCount([gemm.positions, tiles, gemm.inner]), vCount <= BlockedFeatureMap.maximumFloats,
              let mCount = Tensor.elementCount([gemm.positions, tiles, gemm.columns]), mCount <= BlockedFeatureMap.maximumFloats else {
            throw InferenceError.shapeMismatch(op: "Winograd tiles", expected: "at most \(BlockedFeatureMap.maximumFloats) floats",
                                               found: "\(gemm.positions) × \(tiles) tiles × \(max(gemm.inner, gemm.columns)) channels")
        }
        let transformedInputs = pool.buffer(floats: vCount), products = pool.buffer(floats: mCount)
        // V: [ξ][tile][in], by (block, tile) pairs over the cores.
        let source = UnsafeRawPointer(x.pointer), v = UnsafeMutableRawPointer(transformedInputs.pointer)
        ComputeThreads.run(splitting: inBlocks * tiles) { pairs in
            for pair in pairs {
                let block = pair / tiles, tile = pair % tiles
                variant.inputTransform(source + block * x.blockFloats * 4, height: height, width: width,
                                       y0: (tile / tilesX) * size - 1, x0: (tile % tilesX) * size - 1,
                                       into: v + (tile * inBlocks + block) * 32, positionStride: tiles * inBlocks * 32)
            }
        }
        try gemm.multiplyAll(transformedInputs.pointer, weights: u, into: products.pointer)
        let m = UnsafeRawPointer(products.pointer), target = UnsafeMutableRawPointer(output.pointer), bias = paddedBias
        ComputeThreads.run(splitting: outBlocks * tiles) { pairs in
            for pair in pairs {
                let block = pair / tiles, tile = pair % tiles
                variant.outputTransform(m + (tile * outBlocks + block) * 32, positionStride: tiles * outBlocks * 32,
                                        bias: bias[block], slope: slope, into: target + block * output.blockFloats * 4,
                                        y0: (tile / tilesX) * size, x0: (tile % tilesX) * size, height: height, width: width)
            }
        }
        // The buffers go back to the pool only now, after the last pass that reads them.
        withExtendedLifetime((transformedInputs, products)) {}
    }

    /// The cache entry for `key`, made on first use; the whole lookup is under `lock`.
    private func cached<T>(_ cache: ReferenceWritableKeyPath<WinogradConvolution, [Schedule: T]>, _ key: Schedule,
                           make: () throws -> T) throws -> T {
        lock.lock(); defer { lock.unlock() }
        if let found = self[keyPath: cache][key] { return found }
        let made = try make()
        self[keyPath: cache][key] = made
        return made
    }

    private func transformedWeights(_ variant: WinogradVariant) -> UnsafePointer<Float> {
        lock.lock(); defer { lock.unlock() }
        if let found = transformed[variant] { return UnsafePointer(found) }
        let made = WinogradConvolution.transformWeights(weights, variant: variant, inChannels: inChannels, outChannels: outChannels)
        let pointer = UnsafeMutablePointer<Float>.allocate(capacity: made.count)
        pointer.initialize(from: made, count: made.count)
        transformed[variant] = pointer
        return UnsafePointer(pointer)
    }

    /// G g Gᵀ for every (out, in) kernel, stored [ξ][in][out] with both channel counts padded
    /// to whole blocks of 8 (the padding rows and columns are zero).
    private static func transformWeights(_ weights: [Float], variant: WinogradVariant, inChannels: Int, outChannels: Int) -> [Float] {
        let g = variant.g, window = variant.window
        let rows = (inChannels + 7) / 8 * 8, columns = (outChannels + 7) / 8 * 8
        var out = [Float](repeating: 0, count: variant.positions * rows * columns)
        var temp = [Float](repeating: 0, count: window * 3) // G g
        out.withUnsafeMutableBufferPointer { u in
            for o in 0..<outChannels {
                for i in 0..<inChannels {
                    let k = (o * inChannels + i) * 9
                    for r in 0..<window {
                        for c in 0..<3 {
                            temp[r * 3 + c] = g[r * 3] * weights[k + c] + g[r * 3 + 1] * weights[k + 3 + c] + g[r * 3 + 2] * weights[k + 6 + c]
                        }
                    }
                    for r in 0..<window {
                        for c in 0..<window {
                            u[((r * window + c) * rows + i) * columns + o] =
                                temp[r * 3] * g[c * 3] + temp[r * 3 + 1] * g[c * 3 + 1] + temp[r * 3 + 2] * g[c * 3 + 2]
                        }
                    }
                }
            }
        }
        return out
    }
}
