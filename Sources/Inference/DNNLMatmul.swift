// Matrix products on oneDNN's matmul primitive (C API, oneDNN 2.6).
//
// Creating a primitive costs far more than running a small one, so each distinct problem
// (rows, inner, columns, bias, weight layout) gets one primitive and one set of memory
// objects, created on first use and cached; a call only swaps data handles and executes.
// The cached memory objects are shared, so execution is serialized by a lock; oneDNN
// parallelizes inside each call with OpenMP.
import CDNNL
import Foundation
#if canImport(Glibc)
import Glibc
#endif

public final class DNNLMatmul: @unchecked Sendable {
    private static let instance = Result { try DNNLMatmul() }

    /// The process-wide engine; the first use also sizes OpenMP to the cores.
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

    private struct Key: Hashable {
        var rows: Int, inner: Int, columns: Int
        var hasBias: Bool
        var src: Layout, weights: Layout, dst: Layout
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

    private let engine: dnnl_engine_t
    private let stream: dnnl_stream_t
    private let lock = NSLock()
    private var cache: [Key: Entry] = [:]
    /// OpenMP threads oneDNN runs with (Debian's libdnnl uses the GNU OpenMP runtime).
    public let threadCount: Int
    /// Products smaller than this many multiply-adds get one thread. Waking a sleeping
    /// OpenMP worker after the Swift-side ops costs more than they do (milliseconds when
    /// the cores are shared); measured: tiny ELECTRA forward 7 ms → 1.1 ms (release).
    public static let parallelThreshold = 1 << 21
    private let setThreads: (@convention(c) (Int32) -> Void)?

    private init() throws {
        typealias SetThreads = @convention(c) (Int32) -> Void
        setThreads = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "omp_set_num_threads").map { unsafeBitCast($0, to: SetThreads.self) }
        threadCount = DNNLMatmul.sizeOpenMPToCores()
        var engine: dnnl_engine_t?
        try check(dnnl_engine_create(&engine, dnnl_cpu, 0), "dnnl_engine_create")
        var stream: dnnl_stream_t?
        try check(dnnl_stream_create(&stream, engine, dnnl_stream_default_flags.rawValue), "dnnl_stream_create")
        guard let engine, let stream else { throw InferenceError.dnnl(call: "dnnl_engine_create", status: -1) }
        self.engine = engine
        self.stream = stream
    }

    /// Sets OpenMP's thread count to the cores this process may use and returns it. Looked up
    /// at run time because libgomp arrives through libdnnl and has no Swift module.
    private static func sizeOpenMPToCores() -> Int {
        let cores = max(ProcessInfo.processInfo.activeProcessorCount, 1)
        typealias SetThreads = @convention(c) (Int32) -> Void
        typealias GetThreads = @convention(c) () -> Int32
        guard let setter = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "omp_set_num_threads"),
              let getter = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "omp_get_max_threads") else { return cores }
        unsafeBitCast(setter, to: SetThreads.self)(Int32(cores))
        return Int(unsafeBitCast(getter, to: GetThreads.self)())
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

    /// The general form: `dst[rows, columns] = src[rows, inner] · weights[inner, columns] + bias`,
    /// each matrix with its own strides (so attention can multiply one head's columns in place).
    public func multiply(src: UnsafePointer<Float>, _ srcLayout: Layout, rows: Int, inner: Int,
                         weights: UnsafePointer<Float>, _ weightsLayout: Layout, columns: Int,
                         bias: UnsafePointer<Float>?, dst: UnsafeMutablePointer<Float>, _ dstLayout: Layout) throws {
        guard rows > 0, columns > 0, inner > 0 else {
            if rows > 0, columns > 0 { // inner 0: the product is the bias alone
                for r in 0..<rows {
                    for c in 0..<columns { dst[r * dstLayout.rowStride + c * dstLayout.columnStride] = bias?[c] ?? 0 }
                }
            }
            return
        }
        let key = Key(rows: rows, inner: inner, columns: columns, hasBias: bias != nil,
                      src: srcLayout, weights: weightsLayout, dst: dstLayout)
        lock.lock(); defer { lock.unlock() }
        // oneDNN fixes a primitive's thread count when it is created, so the count is set
        // before creation as well as before execution.
        let work = rows.multipliedReportingOverflow(by: inner).partialValue.multipliedReportingOverflow(by: columns)
        setThreads?(Int32(work.overflow || work.partialValue >= DNNLMatmul.parallelThreshold ? threadCount : 1))
        let entry: Entry
        if let cached = cache[key] {
            entry = cached
        } else {
            if cache.count >= DNNLMatmul.cacheCapacity { cache.removeAll() }
            entry = try makeEntry(key)
            cache[key] = entry
        }
        try check(dnnl_memory_set_data_handle(entry.src, UnsafeMutableRawPointer(mutating: src)), "set src")
        try check(dnnl_memory_set_data_handle(entry.weights, UnsafeMutableRawPointer(mutating: weights)), "set weights")
        try check(dnnl_memory_set_data_handle(entry.dst, UnsafeMutableRawPointer(dst)), "set dst")
        var args = [dnnl_exec_arg_t(arg: DNNL_ARG_SRC, memory: entry.src),
                    dnnl_exec_arg_t(arg: DNNL_ARG_WEIGHTS, memory: entry.weights),
                    dnnl_exec_arg_t(arg: DNNL_ARG_DST, memory: entry.dst)]
        if let biasMemory = entry.bias, let bias {
            try check(dnnl_memory_set_data_handle(biasMemory, UnsafeMutableRawPointer(mutating: bias)), "set bias")
            args.append(dnnl_exec_arg_t(arg: DNNL_ARG_BIAS, memory: biasMemory))
        }
        try check(dnnl_primitive_execute(entry.primitive, stream, Int32(args.count), &args), "dnnl_primitive_execute")
        try check(dnnl_stream_wait(stream), "dnnl_stream_wait")
    }

    private func makeEntry(_ key: Key) throws -> Entry {
        var srcDesc = dnnl_memory_desc_t(), weightsDesc = dnnl_memory_desc_t()
        var biasDesc = dnnl_memory_desc_t(), dstDesc = dnnl_memory_desc_t()
        try descriptor(&srcDesc, [key.rows, key.inner], strides: [key.src.rowStride, key.src.columnStride])
        try descriptor(&weightsDesc, [key.inner, key.columns], strides: [key.weights.rowStride, key.weights.columnStride])
        try descriptor(&dstDesc, [key.rows, key.columns], strides: [key.dst.rowStride, key.dst.columnStride])
        if key.hasBias { try descriptor(&biasDesc, [1, key.columns], strides: [key.columns, 1]) }

        var opDesc = dnnl_matmul_desc_t()
        let status = key.hasBias
            ? dnnl_matmul_desc_init(&opDesc, &srcDesc, &weightsDesc, &biasDesc, &dstDesc)
            : dnnl_matmul_desc_init(&opDesc, &srcDesc, &weightsDesc, nil, &dstDesc)
        try check(status, "dnnl_matmul_desc_init")
        var primitiveDesc: dnnl_primitive_desc_t?
        try check(dnnl_primitive_desc_create(&primitiveDesc, &opDesc, nil, engine, nil), "dnnl_primitive_desc_create")
        defer { dnnl_primitive_desc_destroy(primitiveDesc) }
        var primitive: dnnl_primitive_t?
        try check(dnnl_primitive_create(&primitive, primitiveDesc), "dnnl_primitive_create")
        guard let primitive else { throw InferenceError.dnnl(call: "dnnl_primitive_create", status: -1) }
        return Entry(primitive: primitive, src: try memory(&srcDesc), weights: try memory(&weightsDesc),
                     bias: key.hasBias ? try memory(&biasDesc) : nil, dst: try memory(&dstDesc))
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
        try check(status, "dnnl_memory_desc_init_by_strides")
    }

    private func memory(_ desc: inout dnnl_memory_desc_t) throws -> dnnl_memory_t {
        var memory: dnnl_memory_t?
        // A nil handle is DNNL_MEMORY_NONE: each call sets the real buffers.
        try check(dnnl_memory_create(&memory, &desc, engine, nil), "dnnl_memory_create")
        guard let memory else { throw InferenceError.dnnl(call: "dnnl_memory_create", status: -1) }
        return memory
    }
}

private func check(_ status: dnnl_status_t, _ call: String) throws {
    guard status == dnnl_success else { throw InferenceError.dnnl(call: call, status: Int(status.rawValue)) }
}
