// 2-D convolution on oneDNN's convolution primitive (C API, oneDNN 2.6), NCHW in and out.
//
// The convolution runs on oneDNN's blocked layout (nChw8c, AVX2's register width): the
// weights are reordered into the primitive's layout once per input shape, and the
// activations are reordered in and out around each call. Blocked convolutions are
// several times faster than plain-NCHW ones, and the reorders are memory-bound and cheap
// beside them. A leaky ReLU after the convolution runs fused as an eltwise post-op.
import CDNNL
import Foundation

/// What follows a convolution; `leaky(slope)` is darknet's `activation=leaky` (slope 0.1).
public enum ConvolutionActivation: Sendable, Equatable {
    case linear
    case leaky(slope: Float)
}

/// `torch.nn.functional.conv2d(x, weight, bias, stride, padding)` with square kernels,
/// symmetric padding and one group, followed by `activation`.
public final class Convolution2D: @unchecked Sendable {
    public let outChannels: Int, inChannels: Int, kernel: Int, stride: Int, padding: Int
    public let activation: ConvolutionActivation
    /// [out, in, k, k] and [out]: kept for the primitives made per input shape.
    public let weights: Tensor
    public let bias: Tensor

    private let lock = NSLock()
    private var plans: [[Int]: ConvolutionPlan] = [:]
    /// Winograd F(4×4, 3×3) for 3×3 stride-1 layers, unless the caller asked for direct.
    private let winograd: WinogradConvolution?

    public init(weights: Tensor, bias: Tensor, stride: Int, padding: Int, activation: ConvolutionActivation,
                allowWinograd: Bool = true) throws {
        guard weights.rank == 4, weights.shape[2] == weights.shape[3], weights.shape.allSatisfy({ $0 > 0 }) else {
            throw InferenceError.shapeMismatch(op: "conv2d weight", expected: "[out, in, k, k]", found: "\(weights.shape)")
        }
        try bias.requireShape([weights.shape[0]], op: "conv2d bias")
        guard stride > 0, padding >= 0 else {
            throw InferenceError.shapeMismatch(op: "conv2d", expected: "stride > 0, padding >= 0", found: "stride \(stride), padding \(padding)")
        }
        self.weights = weights
        self.bias = bias
        outChannels = weights.shape[0]
        inChannels = weights.shape[1]
        kernel = weights.shape[2]
        self.stride = stride
        self.padding = padding
        self.activation = activation
        let applies = allowWinograd && kernel == 3 && stride == 1 && padding == 1 && weights.shape[1] >= 8
        winograd = applies ? WinogradConvolution(weights: weights.storage, bias: bias.storage, inChannels: weights.shape[1],
                                                 outChannels: weights.shape[0], activation: activation) : nil
    }

    /// Whether this layer runs by Winograd's algorithm on an input of this size.
    public func usesWinograd(height: Int, width: Int) -> Bool { winograd?.pays(height: height, width: width) ?? false }

    /// The output height or width for an input of `size`, or nil when the kernel does not fit.
    public func outputSize(_ size: Int) -> Int? {
        let span = size + 2 * padding - kernel
        return span < 0 ? nil : span / stride + 1
    }

    /// `x` is [1, inChannels, h, w] (one image); the result is [1, outChannels, h', w'].
    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        guard x.rank == 4, x.shape[1] == inChannels, let height = outputSize(x.shape[2]), let width = outputSize(x.shape[3]),
              x.shape[0] == 1, height > 0, width > 0 else {
            throw InferenceError.shapeMismatch(op: "conv2d input", expected: "[1, \(inChannels), h ≥ \(max(1, kernel - 2 * padding)), w]",
                                               found: "\(x.shape)")
        }
        if let winograd, winograd.pays(height: height, width: width) { return try winograd(x) }
        var output = Tensor(zeros: [x.shape[0], outChannels, height, width])
        lock.lock(); defer { lock.unlock() }
        let plan: ConvolutionPlan
        if let cached = plans[x.shape] {
            plan = cached
        } else {
            plan = try ConvolutionPlan(convolution: self, inputShape: x.shape, outputShape: output.shape)
            plans[x.shape] = plan
        }
        try x.storage.withUnsafeBufferPointer { src in
            try output.storage.withUnsafeMutableBufferPointer { dst in
                guard let s = src.baseAddress, let d = dst.baseAddress else { return }
                try plan.execute(src: s, dst: d)
            }
        }
        return output
    }
}

/// The primitives for one input shape. The output channels are split into chunks (whole
/// blocks of 8), each a single-threaded oneDNN convolution writing its slice of the
/// output, and the chunks are handed to the cores as they come free. On a machine whose
/// cores are shared with other work this degrades gracefully, where oneDNN's own OpenMP
/// split stalls at every barrier for a descheduled thread.
private final class ConvolutionPlan {
    private let chunks: [ConvolutionChunk]
    /// nchw → nChw8c per block of 8 input channels, when the source is blocked.
    private let sourceReorders: [SourceReorder]
    private let blockedSource: UnsafeMutableRawPointer?

    init(convolution layer: Convolution2D, inputShape: [Int], outputShape: [Int]) throws {
        let runtime = try DNNLRuntime.shared()
        runtime.useOneThreadHere()
        let plane = inputShape[2] * inputShape[3]
        let blocked = layer.inChannels % 8 == 0
        if blocked {
            let bytes = layer.inChannels * plane * 4
            blockedSource = UnsafeMutableRawPointer.allocate(byteCount: max(bytes, 4), alignment: 64)
            let groups = min(layer.inChannels / 8, 2 * ProcessInfo.processInfo.activeProcessorCount)
            sourceReorders = try (0..<groups).map { g in
                let c0 = layer.inChannels / 8 * g / groups * 8, c1 = layer.inChannels / 8 * (g + 1) / groups * 8
                return try SourceReorder(channels: c0..<c1, height: inputShape[2], width: inputShape[3])
            }
        } else {
            blockedSource = nil
            sourceReorders = []
        }
        let blocks = (layer.outChannels + 7) / 8
        let work = layer.outChannels * layer.inChannels * layer.kernel * layer.kernel * outputShape[2] * outputShape[3]
        let count = work < 1 << 20 ? 1 : min(blocks, 2 * ProcessInfo.processInfo.activeProcessorCount)
        chunks = try (0..<count).map { i in
            let c0 = blocks * i / count * 8, c1 = min(layer.outChannels, blocks * (i + 1) / count * 8)
            return try ConvolutionChunk(layer, channels: c0..<c1, inputShape: inputShape, outputShape: outputShape,
                                        blockedSource: blocked)
        }
    }

    func execute(src: UnsafePointer<Float>, dst: UnsafeMutablePointer<Float>) throws {
        let runtime = try DNNLRuntime.shared()
        let failures = FailureBox()
        if let blockedSource {
            DispatchQueue.concurrentPerform(iterations: sourceReorders.count) { i in
                runtime.useOneThreadHere()
                failures.run { try sourceReorders[i].execute(from: src, to: blockedSource) }
            }
            try failures.check()
        }
        let source = blockedSource ?? UnsafeMutableRawPointer(mutating: src)
        DispatchQueue.concurrentPerform(iterations: chunks.count) { i in
            runtime.useOneThreadHere()
            failures.run { try chunks[i].execute(source: source, destination: dst) }
        }
        try failures.check()
    }

    deinit { blockedSource?.deallocate() }
}

/// The first error thrown on any worker, rethrown on the caller.
final class FailureBox: @unchecked Sendable {
    private let lock = NSLock()
    private var error: Error?
    func run(_ body: () throws -> Void) {
        do { try body() } catch {
            lock.lock(); if self.error == nil { self.error = error }; lock.unlock()
        }
    }
    func check() throws {
        lock.lock(); defer { lock.unlock() }
        if let error { throw error }
    }
}

/// Copies input channels `channels` (a whole number of blocks) from nchw into nChw8c.
private final class SourceReorder {
    private let reorder: dnnl_primitive_t, stream: dnnl_stream_t
    private let from: dnnl_memory_t, to: dnnl_memory_t
    private let fromOffset: Int, toOffset: Int

    init(channels: Range<Int>, height: Int, width: Int) throws {
        let shape = [1, channels.count, height, width]
        var plain = try DNNLRuntime.descriptor(shape, tag: dnnl_nchw)
        var blocked = try DNNLRuntime.descriptor(shape, tag: dnnl_nChw8c)
        reorder = try DNNLRuntime.reorder(from: &plain, to: &blocked)
        from = try DNNLRuntime.memory(&plain, allocate: false)
        to = try DNNLRuntime.memory(&blocked, allocate: false)
        stream = try DNNLRuntime.stream()
        // Within one image, a block-aligned channel range starts at the same float offset in both layouts.
        fromOffset = channels.lowerBound * height * width
        toOffset = fromOffset
    }

    func execute(from source: UnsafePointer<Float>, to destination: UnsafeMutableRawPointer) throws {
        try dnnlCheck(dnnl_memory_set_data_handle(from, UnsafeMutableRawPointer(mutating: source + fromOffset)), "set reorder src")
        try dnnlCheck(dnnl_memory_set_data_handle(to, destination + toOffset * 4), "set reorder dst")
        try DNNLRuntime.execute(reorder, on: stream, [(DNNL_ARG_FROM, from), (DNNL_ARG_TO, to)])
    }

    deinit {
        dnnl_primitive_destroy(reorder)
        dnnl_memory_destroy(from)
        dnnl_memory_destroy(to)
        dnnl_stream_destroy(stream)
    }
}

/// Output channels `channels` of one convolution: the primitive with its slice of the
/// weights (already in the primitive's layout), then a reorder of its nChw8c result into
/// the caller's nchw output.
private final class ConvolutionChunk {
    private let convolution: dnnl_primitive_t, outputReorder: dnnl_primitive_t
    private let stream: dnnl_stream_t
    private let source: dnnl_memory_t, weights: dnnl_memory_t, bias: dnnl_memory_t
    private let blockedResult: dnnl_memory_t, result: dnnl_memory_t
    private let resultOffset: Int

    init(_ layer: Convolution2D, channels: Range<Int>, inputShape: [Int], outputShape: [Int], blockedSource: Bool) throws {
        let count = channels.count
        let chunkOutput = [1, count, outputShape[2], outputShape[3]]
        let weightShape = [count, layer.inChannels, layer.kernel, layer.kernel]
        var sourceDesc = try DNNLRuntime.descriptor(inputShape, tag: blockedSource ? dnnl_nChw8c : dnnl_nchw)
        var resultDesc = try DNNLRuntime.descriptor(chunkOutput, tag: dnnl_nChw8c)
        var plainResultDesc = try DNNLRuntime.descriptor(chunkOutput, tag: dnnl_nchw)
        var userWeightsDesc = try DNNLRuntime.descriptor(weightShape, tag: dnnl_oihw)
        var anyWeights = try DNNLRuntime.descriptor(weightShape, tag: dnnl_format_tag_any)
        var biasDesc = try DNNLRuntime.descriptor([count], tag: dnnl_x)

        var opDesc = dnnl_convolution_desc_t()
        var strides = DNNLRuntime.dims([layer.stride, layer.stride])
        var padding = DNNLRuntime.dims([layer.padding, layer.padding])
        try dnnlCheck(withUnsafePointer(to: &strides) { s in
            withUnsafePointer(to: &padding) { p in
                s.withMemoryRebound(to: Int64.self, capacity: 12) { s64 in
                    p.withMemoryRebound(to: Int64.self, capacity: 12) { p64 in
                        dnnl_convolution_forward_desc_init(&opDesc, dnnl_forward_inference, dnnl_convolution_direct,
                                                           &sourceDesc, &anyWeights, &biasDesc, &resultDesc, s64, p64, p64)
                    }
                }
            }
        }, "dnnl_convolution_forward_desc_init")
        var attributes: dnnl_primitive_attr_t?
        try dnnlCheck(dnnl_primitive_attr_create(&attributes), "dnnl_primitive_attr_create")
        defer { dnnl_primitive_attr_destroy(attributes) }
        if case let .leaky(slope) = layer.activation {
            var postOps: dnnl_post_ops_t?
            try dnnlCheck(dnnl_post_ops_create(&postOps), "dnnl_post_ops_create")
            defer { dnnl_post_ops_destroy(postOps) }
            try dnnlCheck(dnnl_post_ops_append_eltwise(postOps, 1, dnnl_eltwise_relu, slope, 0), "dnnl_post_ops_append_eltwise")
            try dnnlCheck(dnnl_primitive_attr_set_post_ops(attributes, postOps), "dnnl_primitive_attr_set_post_ops")
        }
        let engine = try DNNLRuntime.shared().engine
        var primitiveDesc: dnnl_primitive_desc_t?
        try dnnlCheck(dnnl_primitive_desc_create(&primitiveDesc, &opDesc, attributes, engine, nil), "dnnl_primitive_desc_create(conv)")
        defer { dnnl_primitive_desc_destroy(primitiveDesc) }
        var primitive: dnnl_primitive_t?
        try dnnlCheck(dnnl_primitive_create(&primitive, primitiveDesc), "dnnl_primitive_create(conv)")
        guard let primitive, var weightsDesc = dnnl_primitive_desc_query_md(primitiveDesc, dnnl_query_weights_md, 0)?.pointee else {
            throw InferenceError.dnnl(call: "dnnl_primitive_create(conv)", status: -1)
        }
        convolution = primitive
        outputReorder = try DNNLRuntime.reorder(from: &resultDesc, to: &plainResultDesc)
        stream = try DNNLRuntime.stream()
        source = try DNNLRuntime.memory(&sourceDesc, allocate: false)
        weights = try DNNLRuntime.memory(&weightsDesc, allocate: true)
        bias = try DNNLRuntime.memory(&biasDesc, allocate: true)
        blockedResult = try DNNLRuntime.memory(&resultDesc, allocate: true)
        result = try DNNLRuntime.memory(&plainResultDesc, allocate: false)
        resultOffset = channels.lowerBound * outputShape[2] * outputShape[3]

        // The chunk's weights are rows channels of [out, in, k, k]: contiguous in OIHW.
        let perChannel = layer.inChannels * layer.kernel * layer.kernel
        let userWeights = try DNNLRuntime.memory(&userWeightsDesc, allocate: false)
        defer { dnnl_memory_destroy(userWeights) }
        let weightsReorder = try DNNLRuntime.reorder(from: &userWeightsDesc, to: &weightsDesc)
        defer { dnnl_primitive_destroy(weightsReorder) }
        try layer.weights.storage.withUnsafeBufferPointer { w in
            guard let base = w.baseAddress else { return }
            try dnnlCheck(dnnl_memory_set_data_handle(userWeights, UnsafeMutableRawPointer(mutating: base + channels.lowerBound * perChannel)),
                          "set weights")
            try DNNLRuntime.execute(weightsReorder, on: stream, [(DNNL_ARG_FROM, userWeights), (DNNL_ARG_TO, weights)])
        }
        var handle: UnsafeMutableRawPointer?
        try dnnlCheck(dnnl_memory_get_data_handle(bias, &handle), "get bias")
        guard let handle else { throw InferenceError.dnnl(call: "get bias", status: -1) }
        layer.bias.storage.withUnsafeBytes { raw in
            handle.copyMemory(from: raw.baseAddress! + channels.lowerBound * 4, byteCount: count * 4)
        }
    }

    func execute(source input: UnsafeMutableRawPointer, destination: UnsafeMutablePointer<Float>) throws {
        try dnnlCheck(dnnl_memory_set_data_handle(source, input), "set src")
        try dnnlCheck(dnnl_memory_set_data_handle(result, UnsafeMutableRawPointer(destination + resultOffset)), "set dst")
        try DNNLRuntime.execute(convolution, on: stream, [(DNNL_ARG_SRC, source), (DNNL_ARG_WEIGHTS, weights),
                                                          (DNNL_ARG_BIAS, bias), (DNNL_ARG_DST, blockedResult)])
        try DNNLRuntime.execute(outputReorder, on: stream, [(DNNL_ARG_FROM, blockedResult), (DNNL_ARG_TO, result)])
    }

    deinit {
        dnnl_primitive_destroy(convolution)
        dnnl_primitive_destroy(outputReorder)
        for memory in [source, weights, bias, blockedResult, result] { dnnl_memory_destroy(memory) }
        dnnl_stream_destroy(stream)
    }
}
