// Softmax over the rows of a matrix on oneDNN's softmax primitive: its exp is vectorized,
// which matters for attention (heads · sequence² exponentials per layer). One primitive per
// shape, created on first use and cached, as DNNLMatmul does.
import CDNNL
import Foundation

final class DNNLSoftmax: @unchecked Sendable {
    private static let instance = Result { try DNNLSoftmax() }
    static func shared() throws -> DNNLSoftmax { try instance.get() }

    private struct Shape: Hashable { var rows: Int, columns: Int }
    private final class Entry {
        let primitive: dnnl_primitive_t, data: dnnl_memory_t
        init(primitive: dnnl_primitive_t, data: dnnl_memory_t) {
            self.primitive = primitive
            self.data = data
        }
        deinit {
            dnnl_primitive_destroy(primitive)
            dnnl_memory_destroy(data)
        }
    }

    private let lock = NSLock()
    private var cache: [Shape: Entry] = [:]
    private let stream: dnnl_stream_t

    private init() throws { stream = try DNNLRuntime.stream() }

    /// `torch.softmax(dim=-1)` of `rows` contiguous rows of `columns` values at `values`, in place.
    func callAsFunction(_ values: UnsafeMutablePointer<Float>, rows: Int, columns: Int) throws {
        guard rows > 0, columns > 0 else { return }
        let shape = Shape(rows: rows, columns: columns)
        lock.lock(); defer { lock.unlock() }
        let entry: Entry
        if let cached = cache[shape] {
            entry = cached
        } else {
            if cache.count >= DNNLMatmul.cacheCapacity { cache.removeAll() }
            entry = try makeEntry(shape)
            cache[shape] = entry
        }
        try dnnlCheck(dnnl_memory_set_data_handle(entry.data, UnsafeMutableRawPointer(values)), "set softmax data")
        var args = [dnnl_exec_arg_t(arg: DNNL_ARG_SRC, memory: entry.data), dnnl_exec_arg_t(arg: DNNL_ARG_DST, memory: entry.data)]
        try dnnlCheck(dnnl_primitive_execute(entry.primitive, stream, Int32(args.count), &args), "dnnl_primitive_execute(softmax)")
        try dnnlCheck(dnnl_stream_wait(stream), "dnnl_stream_wait(softmax)")
    }

    private func makeEntry(_ shape: Shape) throws -> Entry {
        var dataDesc = try DNNLRuntime.descriptor([shape.rows, shape.columns], tag: dnnl_ab)
        var opDesc = dnnl_softmax_desc_t()
        try dnnlCheck(dnnl_softmax_forward_desc_init(&opDesc, dnnl_forward_inference, &dataDesc, 1), "dnnl_softmax_forward_desc_init")
        let primitive = try DNNLRuntime.primitive(&opDesc, name: "softmax")
        return Entry(primitive: primitive, data: try DNNLRuntime.memory(&dataDesc, allocate: false))
    }
}
