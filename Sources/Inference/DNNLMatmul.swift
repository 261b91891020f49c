// Matrix products on oneDNN's matmul primitive (C API, oneDNN 2.6).
//
// Creating a primitive costs far more than running a small one, so each distinct problem
// (rows, inner, columns, bias, weight layout) gets one primitive and one set of memory
// objects, created on first use and cached; a call only swaps data handles and executes.
// The cached memory objects are shared, so calls are serialized by a lock; a large product
// runs in parts on all cores (see `parallelThreshold`), oneDNN itself single-threaded.
import CDNNL
import Foundation
#if canImport(Glibc)
import Glibc
#endif

public final class DNNLMatmul: @unchecked Sendable {
    private static let instance = Result { try DNNLMatmul() }

    /// The process-wide product cache; the first use also sizes OpenMP to the cores.
    public static func shared() throws -> DNNLMatmul { try instance.get() }

    /// A matrix inside a buffer: element (r, c) is at `r * rowStride + c * columnStride`.
    public struct Layout: Hashable, Sendable {
        public var rowStride: Int, columnStride: Int
        public init(rowStride: Int, columnStride: Int) {
            self.rowStride = rowStride
            self.columnStride = columnStride
        }
        public static func rowMajor(columns: Int) -> Layout { Layout(rowStride: columns, columnStride: 1) }
    }

    /// An elementwise function oneDNN applies to the product (plus bias) before storing it.
    public enum Activation: Hashable, Sendable {
        case none
        /// transformers' exact "gelu", `0.5 x (1 + erf(x / √2))`.
        case geluErf
    }

    /// Several products of one shape at once: product `i` reads and writes at `i` times
    /// these strides from each base pointer (one call for all attention heads).
    public struct Batch: Hashable, Sendable {
        public var count: Int, srcStride: Int, weightsStride: Int, dstStride: Int
        public init(count: Int, srcStride: Int, weightsStride: Int, dstStride: Int) {
            self.count = count
            self.srcStride = srcStride
            self.weightsStride = weightsStride
            self.dstStride = dstStride
        }
        public static let single = Batch(count: 1, srcStride: 0, weightsStride: 0, dstStride: 0)
    }

    private struct Key: Hashable {
        var rows: Int, inner: Int, columns: Int
        var hasBias: Bool
        var src: Layout, weights: Layout, dst: Layout
        var batch: Batch, scale: Float, activation: Activation
        /// Which part of a split product this is: parts run at once, so each has its own memory objects.
        var slot = 0
    }

    private final class Entry {
        let primitive: dnnl_primitive_t
        let src: dnnl_memory_t, weights: dnnl_memory_t, bias: dnnl_memory_t?, dst: dnnl_memory_t
        init(primitive: dnnl_primitive_t, src: dnnl_memory_t, weights: dnnl_memory_t, bias: dnnl_memory_t?, dst: dnnl_memory_t) {
            self.primitive = primitive
            self.src = src
            self.weights = weights
            self.bias = bias
            self.dst = dst
        }

        deinit {
            dnnl_primitive_destroy(primitive)
            for memory in [src, weights, bias, dst].compactMap({ $0 }) { dnnl_memory_destroy(memory) }
        }
    }

    /// Distinct problems kept; past this the cache starts over (varying sequence lengths
    /// would otherwise grow it without bound).
    public static let cacheCapacity = 512

    /// One stream per part of a split product.
    private let streams: [dnnl_stream_t]
    private let lock = NSLock()
    private var cache: [Key: Entry] = [:]
    /// The cores this process may use: a large product is split into this many parts.
    public let threadCount: Int
    /// Products of at least this many multiply-adds are split by rows (or by batch) into
    /// `threadCount` parts that run on `ComputeThreads`, each single-threaded inside oneDNN
    /// (see that file for why not OpenMP or Dispatch). Smaller products stay whole: handing
    /// them out costs more than they do.
    public static let parallelThreshold = 1 << 21
    /// Products with at most this many rows are split by columns, from a quarter of the
    /// threshold: each part then reads (and oneDNN repacks) only its share of the weights,
    /// which dominate at few rows. Measured on ELECTRA-small: 12 tokens 6.1 → 4.4 ms; with
    /// many rows, splitting the rows is faster (128 tokens: 19.6 vs 27 ms split by columns).
    static let columnSplitRows = 32

    private init() throws {
        threadCount = DNNLMatmul.sizeOpenMPToCores()
        streams = try (0..<max(threadCount, 1)).map { _ in try DNNLRuntime.stream() }
    }

    /// Sets OpenMP's thread count to the cores this process may use and returns it.
    private static func sizeOpenMPToCores() -> Int {
        let cores = max(ProcessInfo.processInfo.activeProcessorCount, 1)
        OpenMP.setThreads(cores)
        return OpenMP.maxThreads ?? cores
    }

    /// Number of distinct primitives created so far (for tests of the cache).
    public var cachedPrimitiveCount: Int {
        lock.lock(); defer { lock.unlock() }
        return cache.count
    }

    /// `dst[rows, columns] = src[rows, inner] · W + bias`, where W is `weights` read as
    /// `[inner, columns]`, or as `[columns, inner]` transposed when `weightsTransposed`
    /// (PyTorch's Linear layout).
    public func multiply(src: UnsafePointer<Float>, rows: Int, inner: Int,
                         weights: UnsafePointer<Float>, columns: Int, weightsTransposed: Bool,
                         bias: UnsafePointer<Float>?, dst: UnsafeMutablePointer<Float>) throws {
        try multiply(src: src, .rowMajor(columns: inner), rows: rows, inner: inner,
                     weights: weights, weightsTransposed ? Layout(rowStride: 1, columnStride: inner) : .rowMajor(columns: columns),
                     columns: columns, bias: bias, dst: dst, .rowMajor(columns: columns))
    }

    /// The general form: `dst[rows, columns] = activation(scale · src[rows, inner] · weights[inner, columns] + bias)`,
    /// each matrix with its own strides (so attention can multiply one head's columns in
    /// place), `batch.count` times over (so it can multiply all heads in one call).
    /// `scale` is meant for products without bias (oneDNN applies it to the accumulator).
    public func multiply(src: UnsafePointer<Float>, _ srcLayout: Layout, rows: Int, inner: Int,
                         weights: UnsafePointer<Float>, _ weightsLayout: Layout, columns: Int,
                         bias: UnsafePointer<Float>?, dst: UnsafeMutablePointer<Float>, _ dstLayout: Layout,
                         batch: Batch = .single, scale: Float = 1, activation: Activation = .none) throws {
        guard batch.count > 0, rows > 0, columns > 0 else { return }
        guard inner > 0 else { // the product is empty: what is stored is the activated bias alone
            for i in 0..<batch.count {
                for r in 0..<rows {
                    for c in 0..<columns {
                        let x = bias?[c] ?? 0
                        dst[i * batch.dstStride + r * dstLayout.rowStride + c * dstLayout.columnStride] =
                            activation == .geluErf ? 0.5 * x * (1 + Foundation.erf(x / Float(2).squareRoot())) : x
                    }
                }
            }
            return
        }
        let key = Key(rows: rows, inner: inner, columns: columns, hasBias: bias != nil,
                      src: srcLayout, weights: weightsLayout, dst: dstLayout, batch: batch, scale: scale, activation: activation)
        lock.lock(); defer { lock.unlock() }
        let perProduct = rows.multipliedReportingOverflow(by: inner).partialValue.multipliedReportingOverflow(by: columns)
        let work = perProduct.partialValue.multipliedReportingOverflow(by: batch.count)
        let splitColumns = batch.count == 1 && rows <= DNNLMatmul.columnSplitRows
        let threshold = splitColumns ? DNNLMatmul.parallelThreshold / 4 : DNNLMatmul.parallelThreshold
        let large = perProduct.overflow || work.overflow || work.partialValue >= threshold
        let parts = large ? min(streams.count, batch.count > 1 ? batch.count : splitColumns ? columns : rows) : 1
        // oneDNN fixes a primitive's thread count when it is created: one, always.
        OpenMP.setThreads(1)
        var tasks: [Task] = []
        for part in 0..<parts {
            var partKey = key
            partKey.slot = part
            var task = Task(entry: nil, src: src, weights: weights, bias: bias, dst: dst)
            if batch.count > 1 { // split the batch: heads are independent products
                let range = DNNLMatmul.share(part, of: parts, count: batch.count)
                partKey.batch.count = range.count
                task.src += range.lowerBound * batch.srcStride
                task.weights += range.lowerBound * batch.weightsStride
                task.dst += range.lowerBound * batch.dstStride
            } else if splitColumns {
                let range = DNNLMatmul.share(part, of: parts, count: columns)
                partKey.columns = range.count
                task.weights += range.lowerBound * weightsLayout.columnStride
                task.dst += range.lowerBound * dstLayout.columnStride
                task.bias = bias.map { $0 + range.lowerBound }
            } else { // split the rows
                let range = DNNLMatmul.share(part, of: parts, count: rows)
                partKey.rows = range.count
                task.src += range.lowerBound * srcLayout.rowStride
                task.dst += range.lowerBound * dstLayout.rowStride
            }
            task.entry = try entry(partKey)
            tasks.append(task)
        }
        guard tasks.count > 1 else { return try run(tasks[0], on: streams[0]) }
        let failures = FailureBox()
        ComputeThreads.run(parts: tasks.count) { part in
            OpenMP.setThreads(1) // OpenMP's thread count is per thread; workers start at the default
            failures.run { try self.run(tasks[part], on: self.streams[part]) }
        }
        try failures.check()
    }

    /// One part of a product: its primitive and where it reads and writes.
    private struct Task {
        var entry: Entry?
        var src: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?
        var dst: UnsafeMutablePointer<Float>
    }

    /// Part `part` of `parts` nearly equal shares of `0..<count`.
    private static func share(_ part: Int, of parts: Int, count: Int) -> Range<Int> {
        (part * count / parts)..<((part + 1) * count / parts)
    }

    private func entry(_ key: Key) throws -> Entry {
        if let cached = cache[key] { return cached }
        if cache.count >= DNNLMatmul.cacheCapacity { cache.removeAll() }
        let entry = try makeEntry(key)
        cache[key] = entry
        return entry
    }

    private func run(_ task: Task, on stream: dnnl_stream_t) throws {
        guard let entry = task.entry else { return }
        try dnnlCheck(dnnl_memory_set_data_handle(entry.src, UnsafeMutableRawPointer(mutating: task.src)), "set src")
        try dnnlCheck(dnnl_memory_set_data_handle(entry.weights, UnsafeMutableRawPointer(mutating: task.weights)), "set weights")
        try dnnlCheck(dnnl_memory_set_data_handle(entry.dst, UnsafeMutableRawPointer(task.dst)), "set dst")
        var args = [dnnl_exec_arg_t(arg: DNNL_ARG_SRC, memory: entry.src),
                    dnnl_exec_arg_t(arg: DNNL_ARG_WEIGHTS, memory: entry.weights),
                    dnnl_exec_arg_t(arg: DNNL_ARG_DST, memory: entry.dst)]
        if let biasMemory = entry.bias, let bias = task.bias {
            try dnnlCheck(dnnl_memory_set_data_handle(biasMemory, UnsafeMutableRawPointer(mutating: bias)), "set bias")
            args.append(dnnl_exec_arg_t(arg: DNNL_ARG_BIAS, memory: biasMemory))
        }
        try dnnlCheck(dnnl_primitive_execute(entry.primitive, stream, Int32(args.count), &args), "dnnl_primitive_execute")
        try dnnlCheck(dnnl_stream_wait(stream), "dnnl_stream_wait")
    }

    private func makeEntry(_ key: Key) throws -> Entry {
        var srcDesc = dnnl_memory_desc_t(), weightsDesc = dnnl_memory_desc_t()
        var biasDesc = dnnl_memory_desc_t(), dstDesc = dnnl_memory_desc_t()
        // A batch of one is a plain 2-D problem; more get a leading batch axis.
        let batched = key.batch.count > 1
        func dims(_ rows: Int, _ columns: Int) -> [Int] { batched ? [key.batch.count, rows, columns] : [rows, columns] }
        func strides(_ layout: Layout, _ batchStride: Int) -> [Int] {
            batched ? [batchStride, layout.rowStride, layout.columnStride] : [layout.rowStride, layout.columnStride]
        }
        try descriptor(&srcDesc, dims(key.rows, key.inner), strides: strides(key.src, key.batch.srcStride))
        try descriptor(&weightsDesc, dims(key.inner, key.columns), strides: strides(key.weights, key.batch.weightsStride))
        try descriptor(&dstDesc, dims(key.rows, key.columns), strides: strides(key.dst, key.batch.dstStride))
        if key.hasBias {
            try descriptor(&biasDesc, batched ? [1, 1, key.columns] : [1, key.columns],
                           strides: batched ? [key.columns, key.columns, 1] : [key.columns, 1])
        }

        var opDesc = dnnl_matmul_desc_t()
        let status = key.hasBias
            ? dnnl_matmul_desc_init(&opDesc, &srcDesc, &weightsDesc, &biasDesc, &dstDesc)
            : dnnl_matmul_desc_init(&opDesc, &srcDesc, &weightsDesc, nil, &dstDesc)
        try dnnlCheck(status, "dnnl_matmul_desc_init")
        let attributes = try self.attributes(scale: key.scale, activation: key.activation)
        defer { if let attributes { dnnl_primitive_attr_destroy(attributes) } }
        let primitive = try DNNLRuntime.primitive(&opDesc, attributes: attributes, name: "matmul")
        // No buffers yet (DNNL_MEMORY_NONE): each call sets the real ones.
        return Entry(primitive: primitive, src: try DNNLRuntime.memory(&srcDesc, allocate: false),
                     weights: try DNNLRuntime.memory(&weightsDesc, allocate: false),
                     bias: key.hasBias ? try DNNLRuntime.memory(&biasDesc, allocate: false) : nil,
                     dst: try DNNLRuntime.memory(&dstDesc, allocate: false))
    }

    /// The output scale and activation as oneDNN attributes, or nil when there are none.
    private func attributes(scale: Float, activation: Activation) throws -> dnnl_primitive_attr_t? {
        guard scale != 1 || activation != .none else { return nil }
        var attributes: dnnl_primitive_attr_t?
        try dnnlCheck(dnnl_primitive_attr_create(&attributes), "dnnl_primitive_attr_create")
        if scale != 1 {
            var value = scale
            try dnnlCheck(dnnl_primitive_attr_set_output_scales(attributes, 1, 0, &value), "dnnl_primitive_attr_set_output_scales")
        }
        if activation == .geluErf {
            var postOps: dnnl_post_ops_t?
            try dnnlCheck(dnnl_post_ops_create(&postOps), "dnnl_post_ops_create")
            defer { dnnl_post_ops_destroy(postOps) }
            try dnnlCheck(dnnl_post_ops_append_eltwise(postOps, 1, dnnl_eltwise_gelu_erf, 0, 0), "dnnl_post_ops_append_eltwise")
            try dnnlCheck(dnnl_primitive_attr_set_post_ops(attributes, postOps), "dnnl_primitive_attr_set_post_ops")
        }
        return attributes
    }

    private func descriptor(_ desc: inout dnnl_memory_desc_t, _ dims: [Int], strides: [Int]) throws {
        var dimsTuple = dnnl_dims_t(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var stridesTuple = dimsTuple
        withUnsafeMutableBytes(of: &dimsTuple) { raw in
            for (i, d) in dims.enumerated() { raw.storeBytes(of: Int64(d), toByteOffset: i * 8, as: Int64.self) }
        }
        withUnsafeMutableBytes(of: &stridesTuple) { raw in
            for (i, s) in strides.enumerated() { raw.storeBytes(of: Int64(s), toByteOffset: i * 8, as: Int64.self) }
        }
        let status = withUnsafePointer(to: &dimsTuple) { dimsPointer in
            withUnsafePointer(to: &stridesTuple) { stridesPointer in
                dimsPointer.withMemoryRebound(to: Int64.self, capacity: 12) { d in
                    stridesPointer.withMemoryRebound(to: Int64.self, capacity: 12) { s in
                        dnnl_memory_desc_init_by_strides(&desc, Int32(dims.count), d, dnnl_f32, s)
                    }
                }
            }
        }
        try dnnlCheck(status, "dnnl_memory_desc_init_by_strides")
    }
}
