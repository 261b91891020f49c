// Winograd's products for a whole image at once: all tiles' transforms in two buffers, and
// one oneDNN matmul per position ξ (tiles × in · in × out), single-threaded, handed to the
// cores as they come free. For layers with many channels, whose transformed weights are
// too large to re-read group by group (see WinogradTileGroups). The two buffers come from
// the network's FeatureMapPool for the call, so layers of one shape share them.
import CDNNL
import Foundation

/// The products M[ξ] = V[ξ] · U[ξ] for one tile count: one single-threaded oneDNN matmul per
/// worker, so that workers never share memory objects or streams.
final class WinogradProducts {
    let positions: Int, rows: Int, inner: Int, columns: Int
    private let workers: [MatmulWorker]
    /// Held by the image whose pointers the workers' memory objects hold.
    let busy = NSLock()

    init(positions: Int, rows: Int, inner: Int, columns: Int) throws {
        self.positions = positions
        self.rows = rows
        self.inner = inner
        self.columns = columns
        try DNNLRuntime.shared().useOneThreadHere()
        workers = try (0..<(2 * ComputeThreads.count)).map { _ in
            try MatmulWorker(batch: 1, rows: rows, inner: inner, columns: columns)
        }
    }

    /// `outputs[ξ] = inputs[ξ] · u[ξ]` for every position: [positions][rows][inner] · [positions][inner][columns].
    func multiplyAll(_ inputs: UnsafePointer<Float>, weights u: UnsafePointer<Float>, into outputs: UnsafeMutablePointer<Float>) throws {
        let runtime = try DNNLRuntime.shared()
        let failures = FailureBox(), next = WorkCounter(), workers = self.workers
        let (positions, rows, inner, columns) = (self.positions, self.rows, self.inner, self.columns)
        ComputeThreads.run(parts: workers.count) { w in
            runtime.useOneThreadHere()
            // Each worker takes the next product as it comes free.
            while let position = next.claim(below: positions) {
                failures.run {
                    try workers[w].multiply(inputs + position * rows * inner, u + position * inner * columns,
                                            into: outputs + position * rows * columns)
                }
            }
        }
        try failures.check()
    }
}
