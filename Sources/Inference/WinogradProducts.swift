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
    private var workers: [Worker]
    private let lock = NSLock()
    /// Held by the image whose transforms are in `inputs` and `outputs`.
    let busy = NSLock()

    final class Worker {
        let primitive: dnnl_primitive_t, stream: dnnl_stream_t
        let src: dnnl_memory_t, weights: dnnl_memory_t, dst: dnnl_memory_t
        init(rows: Int, inner: Int, columns: Int) throws {
            var srcDesc = try DNNLRuntime.descriptor([rows, inner], tag: dnnl_ab)
            var weightsDesc = try DNNLRuntime.descriptor([inner, columns], tag: dnnl_ab)
            var dstDesc = try DNNLRuntime.descriptor([rows, columns], tag: dnnl_ab)
            var opDesc = dnnl_matmul_desc_t()
            try dnnlCheck(dnnl_matmul_desc_init(&opDesc, &srcDesc, &weightsDesc, nil, &dstDesc), "dnnl_matmul_desc_init")
            var primitiveDesc: dnnl_primitive_desc_t?
            try dnnlCheck(dnnl_primitive_desc_create(&primitiveDesc, &opDesc, nil, try DNNLRuntime.shared().engine, nil),
                          "dnnl_primitive_desc_create(matmul)")
            defer { dnnl_primitive_desc_destroy(primitiveDesc) }
            var primitive: dnnl_primitive_t?
            try dnnlCheck(dnnl_primitive_create(&primitive, primitiveDesc), "dnnl_primitive_create(matmul)")
            guard let primitive else { throw InferenceError.dnnl(call: "dnnl_primitive_create(matmul)", status: -1) }
            self.primitive = primitive
            stream = try DNNLRuntime.stream()
            src = try DNNLRuntime.memory(&srcDesc, allocate: false)
            weights = try DNNLRuntime.memory(&weightsDesc, allocate: false)
            dst = try DNNLRuntime.memory(&dstDesc, allocate: false)
        }
        deinit {
            dnnl_primitive_destroy(primitive)
            for memory in [src, weights, dst] { dnnl_memory_destroy(memory) }
            dnnl_stream_destroy(stream)
        }
    }

    init(positions: Int, rows: Int, inner: Int, columns: Int) throws {
        self.positions = positions
        self.rows = rows
        self.inner = inner
        self.columns = columns
        inputs = .allocate(capacity: positions * rows * inner)
        outputs = .allocate(capacity: positions * rows * columns)
        try DNNLRuntime.shared().useOneThreadHere()
        workers = try (0..<(2 * ComputeThreads.count)).map { _ in
            try Worker(rows: rows, inner: inner, columns: columns)
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
                    try dnnlCheck(dnnl_memory_set_data_handle(worker.src, inputs + position * rows * inner), "set src")
                    try dnnlCheck(dnnl_memory_set_data_handle(worker.weights, UnsafeMutableRawPointer(mutating: u + position * inner * columns)),
                                  "set weights")
                    try dnnlCheck(dnnl_memory_set_data_handle(worker.dst, outputs + position * rows * columns), "set dst")
                    try DNNLRuntime.execute(worker.primitive, on: worker.stream,
                                            [(DNNL_ARG_SRC, worker.src), (DNNL_ARG_WEIGHTS, worker.weights), (DNNL_ARG_DST, worker.dst)])
                }
            }
        }
        try failures.check()
    }
}
