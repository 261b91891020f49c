// Winograd's products for a whole image at once: all tiles' transforms in two buffers, and
// one oneDNN matmul per position ξ (tiles × in · in × out), single-threaded, handed to the
// cores as they come free. For layers with many channels, whose transformed weights are
// too large to re-read group by group (see WinogradTileGroups).
import CDNNL
import Foundation

/// The products M[ξ] = V[ξ] · U[ξ] for one tile count: buffers, and one single-threaded
/// oneDNN matmul per worker so that workers never share memory objects or streams.
final class WinogradProducts {
    let positions: Int, rows: Int, inner: Int, columns: Int
    let inputs: UnsafeMutablePointer<Float>, outputs: UnsafeMutablePointer<Float>
    private let workers: [MatmulWorker]
    private let lock = NSLock()
    /// Held by the image whose transforms are in `inputs` and `outputs`.
    let busy = NSLock()

    init(positions: Int, rows: Int, inner: Int, columns: Int) throws {
        // The transformed tiles are 2.25× (F(4×4)) to 4× (F(2×2)) the input map: the same limit applies.
        for (name, count) in [("inputs", Tensor.elementCount([positions, rows, inner])), ("products", Tensor.elementCount([positions, rows, columns]))]
        where (count ?? .max) > BlockedFeatureMap.maximumFloats {
            throw InferenceError.shapeMismatch(op: "Winograd \(name)", expected: "at most \(BlockedFeatureMap.maximumFloats) floats",
                                               found: "\(positions) × \(rows) tiles × \(name == "inputs" ? inner : columns) channels")
        }
        self.positions = positions
        self.rows = rows
        self.inner = inner
        self.columns = columns
        inputs = .allocate(capacity: positions * rows * inner)
        outputs = .allocate(capacity: positions * rows * columns)
        try DNNLRuntime.shared().useOneThreadHere()
        workers = try (0..<(2 * ComputeThreads.count)).map { _ in
            try MatmulWorker(batch: 1, rows: rows, inner: inner, columns: columns)
        }
    }

    deinit {
        inputs.deallocate()
        outputs.deallocate()
    }

    func multiplyAll(weights u: UnsafePointer<Float>) throws {
        let runtime = try DNNLRuntime.shared()
        let failures = FailureBox()
        var next = 0
        let (workers, lock, inputs, outputs) = (self.workers, self.lock, self.inputs, self.outputs)
        let (positions, rows, inner, columns) = (self.positions, self.rows, self.inner, self.columns)
        ComputeThreads.run(parts: workers.count) { w in
            runtime.useOneThreadHere()
            let worker = workers[w]
            // Each worker takes the next product as it comes free.
            while true {
                lock.lock()
                let position = next
                next += 1
                lock.unlock()
                guard position < positions else { break }
                failures.run {
                    try worker.multiply(inputs + position * rows * inner, u + position * inner * columns,
                                        into: outputs + position * rows * columns)
                }
            }
        }
        try failures.check()
    }
}
