// One image's feature maps in oneDNN's nChw8c layout, the layout a convolutional network
// stays in from its first convolution to its heads.
//
// Channels come in blocks of 8 (AVX2's register width), each block stored [h][w][8], so a
// convolution reads and writes whole vectors and never reorders between layers; pooling,
// upsampling, concatenation and sums work block by block on the same layout. The lanes past
// `channels` in the last block are always zero: every op here keeps them so.
import Foundation

public struct BlockedFeatureMap: @unchecked Sendable {
    public static let lanes = 8
    public let channels: Int, height: Int, width: Int
    let buffer: FeatureBuffer

    /// Floats one map may hold: 8 GB. A network file can ask for more (a wide layer at a
    /// large input size), which must be an error rather than a failed allocation.
    public static let maximumFloats = 1 << 31

    /// An uninitialized map from `pool`: the caller writes every float, padding lanes included.
    init(channels: Int, height: Int, width: Int, pool: FeatureMapPool) throws {
        guard channels >= 0, height >= 0, width >= 0,
              let floats = Tensor.elementCount([channels / 8 + (channels % 8 == 0 ? 0 : 1), height, width, 8]),
              floats <= Self.maximumFloats else {
            throw InferenceError.shapeMismatch(op: "feature map", expected: "at most \(Self.maximumFloats) floats",
                                               found: "\(channels) channels × \(height) × \(width)")
        }
        self.channels = channels
        self.height = height
        self.width = width
        buffer = pool.buffer(floats: floats)
    }

    /// `tensor` is [1, channels, height, width] (NCHW, one image).
    public init(_ tensor: Tensor, pool: FeatureMapPool = .unretained) throws {
        guard tensor.rank == 4, tensor.shape[0] == 1 else {
            throw InferenceError.shapeMismatch(op: "BlockedFeatureMap", expected: "[1, c, h, w]", found: "\(tensor.shape)")
        }
        try self.init(channels: tensor.shape[1], height: tensor.shape[2], width: tensor.shape[3], pool: pool)
        let plane = height * width, channels = self.channels, blocked = pointer
        tensor.storage.withUnsafeBufferPointer { source in
            for block in 0..<blocks {
                for lane in 0..<8 {
                    let c = block * 8 + lane, target = blocked + block * plane * 8 + lane
                    if c < channels {
                        for i in 0..<plane { target[i * 8] = source[c * plane + i] }
                    } else {
                        for i in 0..<plane { target[i * 8] = 0 }
                    }
                }
            }
        }
    }

    public var blocks: Int { (channels + 7) / 8 }
    /// Floats in one block of 8 channels.
    var blockFloats: Int { height * width * 8 }
    var floatCount: Int { blocks * blockFloats }
    var pointer: UnsafeMutablePointer<Float> { buffer.pointer }

    /// The map as a [1, channels, height, width] NCHW tensor.
    public func tensor() -> Tensor {
        var output = Tensor(zeros: [1, channels, height, width])
        let plane = height * width, blocked = pointer
        output.storage.withUnsafeMutableBufferPointer { target in
            for c in 0..<channels {
                let source = blocked + (c / 8) * plane * 8 + c % 8
                for i in 0..<plane { target[c * plane + i] = source[i * 8] }
            }
        }
        return output
    }
}

/// 64-byte-aligned floats that go back to their pool when the last map using them is gone.
final class FeatureBuffer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    let capacity: Int
    private let pool: FeatureMapPool

    fileprivate init(capacity: Int, pool: FeatureMapPool, reusing pointer: UnsafeMutablePointer<Float>?) {
        self.capacity = capacity
        self.pool = pool
        self.pointer = pointer ?? UnsafeMutableRawPointer.allocate(byteCount: max(capacity, 1) * 4, alignment: 64)
            .bindMemory(to: Float.self, capacity: max(capacity, 1))
    }

    deinit { pool.recycle(pointer, capacity: capacity) }
}

/// Keeps freed feature-map buffers for the next forward pass of the same network, so a
/// steady stream of same-sized images allocates (and page-faults) nothing after the first.
public final class FeatureMapPool: @unchecked Sendable {
    /// A pool that keeps nothing: every buffer is freed when its map goes.
    public static let unretained = FeatureMapPool(retainedBytes: 0)

    private let limit: Int
    private let lock = NSLock()
    private var free: [Int: [UnsafeMutablePointer<Float>]] = [:]
    private var retained = 0

    /// Keeps at most `retainedBytes` of free buffers; beyond that they are deallocated.
    public init(retainedBytes: Int) { limit = retainedBytes }

    func buffer(floats: Int) -> FeatureBuffer {
        lock.lock()
        let reused = free[floats]?.popLast()
        if reused != nil { retained -= floats * 4 }
        lock.unlock()
        return FeatureBuffer(capacity: floats, pool: self, reusing: reused)
    }

    fileprivate func recycle(_ pointer: UnsafeMutablePointer<Float>, capacity: Int) {
        lock.lock()
        if retained + capacity * 4 <= limit {
            free[capacity, default: []].append(pointer)
            retained += capacity * 4
            lock.unlock()
            return
        }
        lock.unlock()
        UnsafeMutableRawPointer(pointer).deallocate()
    }

    deinit {
        for pointers in free.values { for pointer in pointers { UnsafeMutableRawPointer(pointer).deallocate() } }
    }
}
