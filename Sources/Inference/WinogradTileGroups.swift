// Winograd convolution for layers with few channels and many tiles (YOLOv3-tiny's 16→32 at
// 208×208, 32→64 at 104×104): there the 36 products are tiny (16 or 32 deep) and the
// whole-image buffers of transformed tiles (tens of MB) make the layer memory-bound. So
// each core takes a group of tiles at a time, sized to stay in its L2 cache, and runs the
// input transform, one batched oneDNN matmul for all positions, and the output transform
// on it before the next group; the transformed weights are small enough to stay cached.
import Foundation

final class WinogradTileGroups {
    /// Transformed inputs and products of one group, per core: about half an L2 cache.
    static let groupBytes = 384 << 10

    let variant: WinogradVariant
    let groupTiles: Int, inner: Int, columns: Int
    private let workers: [Worker]
    /// Held by the image whose tiles are in the workers' buffers.
    let busy = NSLock()

    /// One core's batched matmul [positions, tiles, inner] · [positions, inner, columns] and its buffers.
    final class Worker {
        let product: MatmulWorker
        let inputs: UnsafeMutablePointer<Float>, outputs: UnsafeMutablePointer<Float>

        init(positions: Int, tiles: Int, inner: Int, columns: Int) throws {
            product = try MatmulWorker(batch: positions, rows: tiles, inner: inner, columns: columns)
            // Zeroed once: the rows of a last, partial group keep finite leftovers, never read back.
            inputs = .allocate(capacity: positions * tiles * inner)
            inputs.initialize(repeating: 0, count: positions * tiles * inner)
            outputs = .allocate(capacity: positions * tiles * columns)
        }

        deinit {
            inputs.deallocate()
            outputs.deallocate()
        }

        func multiply(weights u: UnsafePointer<Float>) throws { try product.multiply(inputs, u, into: outputs) }
    }

    /// Whether grouping pays for a layer: its transformed weights stay cached from group to group.
    static func suits(_ variant: WinogradVariant, inner: Int, columns: Int) -> Bool {
        variant.positions * inner * columns * 4 <= 2 << 20
    }

    init(_ variant: WinogradVariant, tiles: Int, inner: Int, columns: Int) throws {
        let groupTiles = max(8, min(tiles, WinogradTileGroups.groupBytes / (variant.positions * (inner + columns) * 4)))
        self.variant = variant
        self.groupTiles = groupTiles
        self.inner = inner
        self.columns = columns
        try DNNLRuntime.shared().useOneThreadHere()
        workers = try (0..<ComputeThreads.count).map { _ in try Worker(positions: variant.positions, tiles: groupTiles, inner: inner, columns: columns) }
    }

    /// Runs the layer over `x` into `output`, group by group on every core.
    func run(_ x: BlockedFeatureMap, into output: BlockedFeatureMap, weights u: UnsafePointer<Float>,
             bias: [SIMD8<Float>], slope: Float?) throws {
        let (variant, size) = (self.variant, self.variant.tile)
        let (height, width) = (x.height, x.width), tilesX = (width + size - 1) / size, tiles = ((height + size - 1) / size) * tilesX
        let groups = (tiles + groupTiles - 1) / groupTiles, groupTiles = self.groupTiles
        let (inBlocks, outBlocks, workers) = (x.blocks, output.blocks, self.workers)
        let source = UnsafeRawPointer(x.pointer), target = UnsafeMutableRawPointer(output.pointer)
        let next = WorkCounter(), failures = FailureBox(), runtime = try DNNLRuntime.shared()
        ComputeThreads.run(parts: workers.count) { part in
            runtime.useOneThreadHere()
            let worker = workers[part], v = UnsafeMutableRawPointer(worker.inputs), m = UnsafeRawPointer(worker.outputs)
            while let group = next.claim(below: groups) {
                let first = group * groupTiles, last = min(tiles, first + groupTiles)
                for tile in first..<last {
                    for block in 0..<inBlocks {
                        variant.inputTransform(source + block * x.blockFloats * 4, height: height, width: width,
                                               y0: (tile / tilesX) * size - 1, x0: (tile % tilesX) * size - 1,
                                               into: v + ((tile - first) * inBlocks + block) * 32, positionStride: groupTiles * inBlocks * 32)
                    }
                }
                failures.run { try worker.multiply(weights: u) }
                for tile in first..<last {
                    for block in 0..<outBlocks {
                        variant.outputTransform(m + ((tile - first) * outBlocks + block) * 32, positionStride: groupTiles * outBlocks * 32,
                                                bias: bias[block], slope: slope, into: target + block * output.blockFloats * 4,
                                                y0: (tile / tilesX) * size, x0: (tile % tilesX) * size, height: height, width: width)
                    }
                }
            }
        }
        try failures.check()
    }
}
