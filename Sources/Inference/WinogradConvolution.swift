// 3×3, stride-1, padding-1 convolution by Winograd's minimal filtering F(4×4, 3×3)
// (Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks", 2016), the
// algorithm OpenCV DNN runs for such layers on AVX2 (oneDNN 2.6 has it only for AVX-512).
//
// Each 4×4 output tile comes from a 6×6 input tile: Y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A. Over all
// tiles and channels the elementwise product becomes 36 independent matrix products
// V[ξ] (tiles × in) · U[ξ] (in × out), one per position ξ of the 6×6 tile, run on oneDNN's
// matmul (single-threaded each, spread over the cores as they come free). It does 4× fewer
// multiplications than the direct convolution, at the price of transforms that are cheap
// memory passes.
import CDNNL
import Foundation

final class WinogradConvolution: @unchecked Sendable {
    static let tile = 4, window = 6, positions = 36

    let inChannels: Int, outChannels: Int
    let activation: ConvolutionActivation
    /// U: [36][in][out], the transformed weights (4× the direct ones), made on first use.
    private var transformed: [Float]?
    private let weights: [Float]
    private let bias: [Float]
    private let lock = NSLock()
    private var products: [Int: WinogradProducts] = [:]

    /// For 3×3 kernels, stride 1, padding 1: `weights` [out, in, 3, 3], `bias` [out].
    init(weights: [Float], bias: [Float], inChannels: Int, outChannels: Int, activation: ConvolutionActivation) {
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.activation = activation
        self.bias = bias
        self.weights = weights
    }

    /// G (6×3) g Gᵀ for every (out, in) kernel, stored [ξ][in][out].
    private static func transformWeights(_ weights: [Float], inChannels: Int, outChannels: Int) -> [Float] {
        let g: [Float] = [1.0 / 4, 0, 0, -1.0 / 6, -1.0 / 6, -1.0 / 6, -1.0 / 6, 1.0 / 6, -1.0 / 6,
                          1.0 / 24, 1.0 / 12, 1.0 / 6, 1.0 / 24, -1.0 / 12, 1.0 / 6, 0, 0, 1]
        var out = [Float](repeating: 0, count: positions * inChannels * outChannels)
        var temp = [Float](repeating: 0, count: 18) // G g: 6×3
        out.withUnsafeMutableBufferPointer { u in
            weights.withUnsafeBufferPointer { w in
                g.withUnsafeBufferPointer { g in
                    temp.withUnsafeMutableBufferPointer { temp in
                        for o in 0..<outChannels {
                            for i in 0..<inChannels {
                                let k = (o * inChannels + i) * 9
                                for r in 0..<6 {
                                    for c in 0..<3 {
                                        temp[r * 3 + c] = g[r * 3] * w[k + c] + g[r * 3 + 1] * w[k + 3 + c] + g[r * 3 + 2] * w[k + 6 + c]
                                    }
                                }
                                for r in 0..<6 {
                                    for c in 0..<6 {
                                        u[((r * 6 + c) * inChannels + i) * outChannels + o] =
                                            temp[r * 3] * g[c * 3] + temp[r * 3 + 1] * g[c * 3 + 1] + temp[r * 3 + 2] * g[c * 3 + 2]
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Winograd wins when each of the 36 products is compute-bound: enough tiles per
    /// transformed weight (which is 4× the direct weights) and enough channels to amortize
    /// the transforms. Measured on yolov3-tiny (AVX2): 64→128 at 52×52 and 384→256 at
    /// 26×26 gain; 16→32 at 208×208 and 512→1024 at 13×13 lose.
    func pays(height: Int, width: Int) -> Bool {
        ((height + 3) / 4) * ((width + 3) / 4) >= 36 && inChannels >= 64 && outChannels >= 64
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        let height = x.shape[2], width = x.shape[3]
        let tilesY = (height + 3) / 4, tilesX = (width + 3) / 4, tiles = tilesY * tilesX
        lock.lock(); defer { lock.unlock() }
        let gemm: WinogradProducts
        if let cached = products[tiles] {
            gemm = cached
        } else {
            gemm = try WinogradProducts(rows: tiles, inner: inChannels, columns: outChannels)
            products[tiles] = gemm
        }
        var output = Tensor(zeros: [1, outChannels, height, width])
        let inC = inChannels, outC = outChannels
        let workers = 2 * ProcessInfo.processInfo.activeProcessorCount
        // V: [ξ][tile][in]
        x.storage.withUnsafeBufferPointer { src in
            let source = src.baseAddress!, v = gemm.inputs
            DispatchQueue.concurrentPerform(iterations: min(workers, inC)) { chunk in
                for c in (inC * chunk / min(workers, inC))..<(inC * (chunk + 1) / min(workers, inC)) {
                    inputTransform(source + c * height * width, height: height, width: width, tilesX: tilesX, tiles: tiles,
                                   into: v + c, positionStride: tiles * inC, tileStride: inC)
                }
            }
        }
        let transformed = self.transformed ?? WinogradConvolution.transformWeights(weights, inChannels: inC, outChannels: outC)
        self.transformed = transformed
        try transformed.withUnsafeBufferPointer { u in
            try gemm.multiplyAll(weights: u.baseAddress!)
        }
        let bias = self.bias, activation = self.activation
        output.storage.withUnsafeMutableBufferPointer { dst in
            let destination = dst.baseAddress!, m = gemm.outputs
            DispatchQueue.concurrentPerform(iterations: min(workers, outC)) { chunk in
                for o in (outC * chunk / min(workers, outC))..<(outC * (chunk + 1) / min(workers, outC)) {
                    outputTransform(m + o, positionStride: tiles * outC, tileStride: outC, tilesX: tilesX, tiles: tiles,
                                    bias: bias[o], activation: activation, into: destination + o * height * width,
                                    height: height, width: width)
                }
            }
        }
        return output
    }
}

/// Bᵀ d B for each 6×6 tile (origin at (4·ty − 1, 4·tx − 1), zeros outside) of one channel.
private func inputTransform(_ plane: UnsafePointer<Float>, height: Int, width: Int, tilesX: Int, tiles: Int,
                            into v: UnsafeMutablePointer<Float>, positionStride: Int, tileStride: Int) {
    withUnsafeTemporaryAllocation(of: Float.self, capacity: 72) { scratch in
    let d = scratch.baseAddress!, t = d + 36
    for tileIndex in 0..<tiles {
        let y0 = (tileIndex / tilesX) * 4 - 1, x0 = (tileIndex % tilesX) * 4 - 1
        for r in 0..<6 {
            let y = y0 + r
            for c in 0..<6 {
                let xx = x0 + c
                d[r * 6 + c] = y >= 0 && y < height && xx >= 0 && xx < width ? plane[y * width + xx] : 0
            }
        }
        // t = Bᵀ d (columns), then Bᵀ t ᵀ (rows).
        for c in 0..<6 {
            let d0 = d[c], d1 = d[6 + c], d2 = d[12 + c], d3 = d[18 + c], d4 = d[24 + c], d5 = d[30 + c]
            t[c] = 4 * d0 - 5 * d2 + d4
            t[6 + c] = -4 * d1 - 4 * d2 + d3 + d4
            t[12 + c] = 4 * d1 - 4 * d2 - d3 + d4
            t[18 + c] = -2 * d1 - d2 + 2 * d3 + d4
            t[24 + c] = 2 * d1 - d2 - 2 * d3 + d4
            t[30 + c] = 4 * d1 - 5 * d3 + d5
        }
        let base = v + tileIndex * tileStride
        for r in 0..<6 {
            let t0 = t[r * 6], t1 = t[r * 6 + 1], t2 = t[r * 6 + 2], t3 = t[r * 6 + 3], t4 = t[r * 6 + 4], t5 = t[r * 6 + 5]
            base[(r * 6) * positionStride] = 4 * t0 - 5 * t2 + t4
            base[(r * 6 + 1) * positionStride] = -4 * t1 - 4 * t2 + t3 + t4
            base[(r * 6 + 2) * positionStride] = 4 * t1 - 4 * t2 - t3 + t4
            base[(r * 6 + 3) * positionStride] = -2 * t1 - t2 + 2 * t3 + t4
            base[(r * 6 + 4) * positionStride] = 2 * t1 - t2 - 2 * t3 + t4
            base[(r * 6 + 5) * positionStride] = 4 * t1 - 5 * t3 + t5
        }
    }
    }
}

/// Aᵀ m A for each tile of one output channel, plus the bias and the activation.
private func outputTransform(_ m: UnsafePointer<Float>, positionStride: Int, tileStride: Int, tilesX: Int, tiles: Int,
                             bias: Float, activation: ConvolutionActivation, into plane: UnsafeMutablePointer<Float>,
                             height: Int, width: Int) {
    let slope: Float? = if case let .leaky(s) = activation { s } else { nil }
    withUnsafeTemporaryAllocation(of: Float.self, capacity: 28) { scratch in
    let t = scratch.baseAddress!, row = t + 24
    for tileIndex in 0..<tiles {
        let base = m + tileIndex * tileStride
        // t = Aᵀ m: 4×6
        for c in 0..<6 {
            let m0 = base[c * positionStride], m1 = base[(6 + c) * positionStride], m2 = base[(12 + c) * positionStride]
            let m3 = base[(18 + c) * positionStride], m4 = base[(24 + c) * positionStride], m5 = base[(30 + c) * positionStride]
            t[c] = m0 + m1 + m2 + m3 + m4
            t[6 + c] = m1 - m2 + 2 * (m3 - m4)
            t[12 + c] = m1 + m2 + 4 * (m3 + m4)
            t[18 + c] = m1 - m2 + 8 * (m3 - m4) + m5
        }
        let y0 = (tileIndex / tilesX) * 4, x0 = (tileIndex % tilesX) * 4
        for r in 0..<4 where y0 + r < height {
            let t0 = t[r * 6], t1 = t[r * 6 + 1], t2 = t[r * 6 + 2], t3 = t[r * 6 + 3], t4 = t[r * 6 + 4], t5 = t[r * 6 + 5]
            row[0] = t0 + t1 + t2 + t3 + t4
            row[1] = t1 - t2 + 2 * (t3 - t4)
            row[2] = t1 + t2 + 4 * (t3 + t4)
            row[3] = t1 - t2 + 8 * (t3 - t4) + t5
            for c in 0..<min(4, width - x0) {
                var value = row[c] + bias
                if let slope, value < 0 { value *= slope }
                plane[(y0 + r) * width + x0 + c] = value
            }
        }
    }
    }
}

/// The 36 products M[ξ] = V[ξ] · U[ξ] for one tile count: buffers, and one single-threaded
/// oneDNN matmul per worker so that workers never share memory objects or streams.
private final class WinogradProducts {
    let rows: Int, inner: Int, columns: Int
    let inputs: UnsafeMutablePointer<Float>, outputs: UnsafeMutablePointer<Float>
    private var workers: [Worker]
    private let lock = NSLock()

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

    init(rows: Int, inner: Int, columns: Int) throws {
        self.rows = rows
        self.inner = inner
        self.columns = columns
        inputs = .allocate(capacity: WinogradConvolution.positions * rows * inner)
        outputs = .allocate(capacity: WinogradConvolution.positions * rows * columns)
        try DNNLRuntime.shared().useOneThreadHere()
        workers = try (0..<(2 * ProcessInfo.processInfo.activeProcessorCount)).map { _ in
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
        DispatchQueue.concurrentPerform(iterations: workers.count) { w in
            runtime.useOneThreadHere()
            let worker = workers[w]
            // Each worker takes the next product as it comes free.
            while true {
                lock.lock()
                let position = next
                next += 1
                lock.unlock()
                guard position < WinogradConvolution.positions else { break }
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
