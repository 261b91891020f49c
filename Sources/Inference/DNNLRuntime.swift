// The one oneDNN engine every primitive runs on (matrix products, convolutions, softmax),
// and the small helpers each needs: streams, descriptors by format tag, memory objects,
// primitives from operation descriptors, reorders, execution.
import CDNNL
import Foundation
#if canImport(Glibc)
import Glibc
#endif

final class DNNLRuntime: @unchecked Sendable {
    private static let instance = Result { try DNNLRuntime() }
    static func shared() throws -> DNNLRuntime { try instance.get() }

    let engine: dnnl_engine_t

    private init() throws {
        var engine: dnnl_engine_t?
        try dnnlCheck(dnnl_engine_create(&engine, dnnl_cpu, 0), "dnnl_engine_create")
        guard let engine else { throw InferenceError.dnnl(call: "dnnl_engine_create", status: -1) }
        self.engine = engine
    }

    /// Runs `primitive` on `stream` (owned by one worker at a time) and waits for it.
    static func execute(_ primitive: dnnl_primitive_t, on stream: dnnl_stream_t, _ arguments: [(Int32, dnnl_memory_t)]) throws {
        var args = arguments.map { dnnl_exec_arg_t(arg: $0.0, memory: $0.1) }
        try dnnlCheck(dnnl_primitive_execute(primitive, stream, Int32(args.count), &args), "dnnl_primitive_execute")
        try dnnlCheck(dnnl_stream_wait(stream), "dnnl_stream_wait")
    }

    static func stream() throws -> dnnl_stream_t {
        var stream: dnnl_stream_t?
        try dnnlCheck(dnnl_stream_create(&stream, try shared().engine, dnnl_stream_default_flags.rawValue), "dnnl_stream_create")
        guard let stream else { throw InferenceError.dnnl(call: "dnnl_stream_create", status: -1) }
        return stream
    }

    /// Makes oneDNN calls from this thread single-threaded (OpenMP's thread count is a
    /// per-thread setting; libgomp arrives through libdnnl, so it is looked up at run time).
    func useOneThreadHere() { setThreads?(1) }

    private let setThreads: (@convention(c) (Int32) -> Void)? =
        dlsym(UnsafeMutableRawPointer(bitPattern: 0), "omp_set_num_threads").map { unsafeBitCast($0, to: (@convention(c) (Int32) -> Void).self) }

    static func dims(_ values: [Int]) -> dnnl_dims_t {
        var tuple = dnnl_dims_t(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &tuple) { raw in
            for (i, v) in values.prefix(12).enumerated() { raw.storeBytes(of: Int64(v), toByteOffset: i * 8, as: Int64.self) }
        }
        return tuple
    }

    static func descriptor(_ shape: [Int], tag: dnnl_format_tag_t) throws -> dnnl_memory_desc_t {
        var desc = dnnl_memory_desc_t()
        var tuple = dims(shape)
        let status = withUnsafePointer(to: &tuple) { pointer in
            pointer.withMemoryRebound(to: Int64.self, capacity: 12) { dnnl_memory_desc_init_by_tag(&desc, Int32(shape.count), $0, dnnl_f32, tag) }
        }
        try dnnlCheck(status, "dnnl_memory_desc_init_by_tag \(shape)")
        return desc
    }

    /// A memory object: library-allocated, or with no buffer yet (each call sets the handle).
    static func memory(_ desc: inout dnnl_memory_desc_t, allocate: Bool) throws -> dnnl_memory_t {
        var memory: dnnl_memory_t?
        // DNNL_MEMORY_ALLOCATE is ((void *)(size_t)-1); nil is DNNL_MEMORY_NONE.
        let handle = allocate ? UnsafeMutableRawPointer(bitPattern: Int(-1)) : nil
        try dnnlCheck(dnnl_memory_create(&memory, &desc, try shared().engine, handle), "dnnl_memory_create")
        guard let memory else { throw InferenceError.dnnl(call: "dnnl_memory_create", status: -1) }
        return memory
    }

    static func reorder(from source: inout dnnl_memory_desc_t, to destination: inout dnnl_memory_desc_t) throws -> dnnl_primitive_t {
        let engine = try shared().engine
        var desc: dnnl_primitive_desc_t?
        try dnnlCheck(dnnl_reorder_primitive_desc_create(&desc, &source, engine, &destination, engine, nil), "dnnl_reorder_primitive_desc_create")
        defer { dnnl_primitive_desc_destroy(desc) }
        var primitive: dnnl_primitive_t?
        try dnnlCheck(dnnl_primitive_create(&primitive, desc), "dnnl_primitive_create(reorder)")
        guard let primitive else { throw InferenceError.dnnl(call: "dnnl_primitive_create(reorder)", status: -1) }
        return primitive
    }
}

extension DNNLRuntime {
    /// The primitive an operation descriptor describes (`opDesc` points at one of oneDNN's
    /// `dnnl_*_desc_t`); `inspect` may query the primitive descriptor before it is freed.
    static func primitive(_ opDesc: UnsafeRawPointer, attributes: dnnl_primitive_attr_t? = nil, name: String,
                          inspect: (dnnl_primitive_desc_t?) throws -> Void = { _ in }) throws -> dnnl_primitive_t {
        var primitiveDesc: dnnl_primitive_desc_t?
        try dnnlCheck(dnnl_primitive_desc_create(&primitiveDesc, opDesc, attributes, try shared().engine, nil), "dnnl_primitive_desc_create(\(name))")
        defer { dnnl_primitive_desc_destroy(primitiveDesc) }
        try inspect(primitiveDesc)
        var primitive: dnnl_primitive_t?
        try dnnlCheck(dnnl_primitive_create(&primitive, primitiveDesc), "dnnl_primitive_create(\(name))")
        guard let primitive else { throw InferenceError.dnnl(call: "dnnl_primitive_create(\(name))", status: -1) }
        return primitive
    }
}

/// One single-threaded oneDNN matmul `dst[b] = src[b] · weights[b]` over `batch` row-major
/// products (`batch` 1: a plain matrix product), with its own stream and memory objects, so
/// that each core can own one; a call swaps in the three pointers.
final class MatmulWorker {
    private let primitive: dnnl_primitive_t, stream: dnnl_stream_t
    private let src: dnnl_memory_t, weights: dnnl_memory_t, dst: dnnl_memory_t

    init(batch: Int, rows: Int, inner: Int, columns: Int) throws {
        let (lead, tag) = batch == 1 ? ([Int](), dnnl_ab) : ([batch], dnnl_abc)
        var srcDesc = try DNNLRuntime.descriptor(lead + [rows, inner], tag: tag)
        var weightsDesc = try DNNLRuntime.descriptor(lead + [inner, columns], tag: tag)
        var dstDesc = try DNNLRuntime.descriptor(lead + [rows, columns], tag: tag)
        var opDesc = dnnl_matmul_desc_t()
        try dnnlCheck(dnnl_matmul_desc_init(&opDesc, &srcDesc, &weightsDesc, nil, &dstDesc), "dnnl_matmul_desc_init")
        primitive = try DNNLRuntime.primitive(&opDesc, name: "matmul")
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

    func multiply(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into c: UnsafeMutablePointer<Float>) throws {
        try dnnlCheck(dnnl_memory_set_data_handle(src, UnsafeMutableRawPointer(mutating: a)), "set src")
        try dnnlCheck(dnnl_memory_set_data_handle(weights, UnsafeMutableRawPointer(mutating: b)), "set weights")
        try dnnlCheck(dnnl_memory_set_data_handle(dst, c), "set dst")
        try DNNLRuntime.execute(primitive, on: stream, [(DNNL_ARG_SRC, src), (DNNL_ARG_WEIGHTS, weights), (DNNL_ARG_DST, dst)])
    }
}

func dnnlCheck(_ status: dnnl_status_t, _ call: String) throws {
    guard status == dnnl_success else { throw InferenceError.dnnl(call: call, status: Int(status.rawValue)) }
}
