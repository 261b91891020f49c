// The oneDNN engine the vision primitives run on, and the small helpers every primitive
// needs (streams, descriptors by format tag, memory objects, reorders, execution).
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

func dnnlCheck(_ status: dnnl_status_t, _ call: String) throws {
    guard status == dnnl_success else { throw InferenceError.dnnl(call: call, status: Int(status.rawValue)) }
}
