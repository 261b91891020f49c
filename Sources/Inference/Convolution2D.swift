// 2-D convolution on oneDNN's convolution primitive (C API, oneDNN 2.6), from and to
// blocked feature maps (nChw8c, AVX2's register width; see BlockedFeatureMap).
//
// Blocked convolutions are several times faster than plain-NCHW ones, and keeping the
// whole network blocked saves the reorders around each layer (on YOLOv3-tiny at 416×416
// those cost as much as the first convolutions themselves). The weights are reordered
// into the primitive's layout once per input shape. A leaky ReLU after the convolution
// runs fused as an eltwise post-op. The network's input image is the one plain-NCHW
// source: its 3 channels would waste 5 of every 8 lanes blocked.
import CDNNL
import Foundation

/// What follows a convolution; `leaky(slope)` is darknet's `activation=leaky` (slope 0.1).
public enum ConvolutionActivation: Sendable, Equatable {
    case linear
    case leaky(slope: Float)

    /// ReLU: oneDNN's relu eltwise with slope 0.
    public static let relu = ConvolutionActivation.leaky(slope: 0)
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
    /// Winograd's algorithm for 3×3 stride-1 layers, unless the caller asked for direct.
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
        let applies = allowWinograd && kernel == 3 && stride == 1 && padding == 1
        winograd = applies ? WinogradConvolution(weights: weights.storage, bias: bias.storage, inChannels: weights.shape[1],
                                                 outChannels: weights.shape[0], activation: activation) : nil
    }

    /// Which Winograd variant this layer runs on an input of this size; nil is oneDNN's direct convolution.
    public func winogradVariant(height: Int, width: Int) -> WinogradVariant? {
        winograd?.variant(height: height, width: width)
    }

    /// The output height or width for an input of `size`, or nil when the kernel does not fit.
    public func outputSize(_ size: Int) -> Int? {
        let span = size + 2 * padding - kernel
        return span < 0 ? nil : span / stride + 1
    }

    /// A blocked map of `inChannels` channels in, a blocked map of `outChannels` out.
    public func callAsFunction(_ x: BlockedFeatureMap, pool: FeatureMapPool = .unretained) throws -> BlockedFeatureMap {
        let (height, width) = try outputSize(channels: x.channels, height: x.height, width: x.width)
        if let winograd, let variant = winograd.variant(height: x.height, width: x.width) {
            return try winograd(x, variant: variant, pool: pool)
        }
        let output = try BlockedFeatureMap(channels: outChannels, height: height, width: width, pool: pool)
        try plan(height: x.height, width: x.width, blockedSource: true).execute(src: x.pointer, dst: output.pointer)
        return output
    }

    /// A plain NCHW image `x`, [1, inChannels, h, w], in (a network's input); a blocked map out.
    public func callAsFunction(_ x: Tensor, pool: FeatureMapPool = .unretained) throws -> BlockedFeatureMap {
        guard x.rank == 4, x.shape[0] == 1 else {
            throw InferenceError.shapeMismatch(op: "conv2d input", expected: "[1, \(inChannels), h, w]", found: "\(x.shape)")
        }
        let (height, width) = try outputSize(channels: x.shape[1], height: x.shape[2], width: x.shape[3])
        let output = try BlockedFeatureMap(channels: outChannels, height: height, width: width, pool: pool)
        try x.storage.withUnsafeBufferPointer { source in
            guard let base = source.baseAddress else { return }
            try plan(height: x.shape[2], width: x.shape[3], blockedSource: false).execute(src: base, dst: output.pointer)
        }
        return output
    }

    private func outputSize(channels: Int, height: Int, width: Int) throws -> (Int, Int) {
        guard channels == inChannels, let outHeight = outputSize(height), let outWidth = outputSize(width), outHeight > 0, outWidth > 0 else {
            throw InferenceError.shapeMismatch(op: "conv2d input", expected: "\(inChannels) channels, h and w ≥ \(max(1, kernel - 2 * padding))",
                                               found: "\(channels)×\(height)×\(width)")
        }
        return (outHeight, outWidth)
    }

    private func plan(height: Int, width: Int, blockedSource: Bool) throws -> ConvolutionPlan {
        lock.lock(); defer { lock.unlock() }
        let key = [height, width, blockedSource ? 1 : 0]
        if let cached = plans[key] { return cached }
        let plan = try ConvolutionPlan(convolution: self, height: height, width: width, blockedSource: blockedSource)
        plans[key] = plan
        return plan
    }
}

/// The primitives for one input shape. The output channels are split into chunks (whole
/// blocks of 8), each a single-threaded oneDNN convolution writing its own blocks of the
/// output, and the chunks are claimed by the cores as they come free. On a machine whose
/// cores are shared with other work this degrades gracefully, where oneDNN's own OpenMP
/// split stalls at every barrier for a descheduled thread.
private final class ConvolutionPlan {
    private let chunks: [ConvolutionChunk]
    private let outChannels: Int, outputPlane: Int
    /// The chunks' memory objects take one image's pointers at a time.
    private let busy = NSLock()

    init(convolution layer: Convolution2D, height: Int, width: Int, blockedSource: Bool) throws {
        try DNNLRuntime.shared().useOneThreadHere()
        let outHeight = layer.outputSize(height) ?? 1, outWidth = layer.outputSize(width) ?? 1
        let inputShape = [1, layer.inChannels, height, width], outputShape = [1, layer.outChannels, outHeight, outWidth]
        let blocks = (layer.outChannels + 7) / 8
        let work = layer.outChannels * layer.inChannels * layer.kernel * layer.kernel * outHeight * outWidth
        let count = work < 1 << 20 ? 1 : min(blocks, 2 * ComputeThreads.count)
        chunks = try (0..<count).map { i in
            let c0 = blocks * i / count * 8, c1 = min(layer.outChannels, blocks * (i + 1) / count * 8)
            return try ConvolutionChunk(layer, channels: c0..<c1, inputShape: inputShape, outputShape: outputShape,
                                        blockedSource: blockedSource)
        }
        outChannels = layer.outChannels
        outputPlane = outHeight * outWidth
    }

    func execute(src: UnsafePointer<Float>, dst: UnsafeMutablePointer<Float>) throws {
        let runtime = try DNNLRuntime.shared()
        busy.lock(); defer { busy.unlock() }
        let failures = FailureBox(), chunks = self.chunks
        ComputeThreads.run(parts: chunks.count) { i in
            runtime.useOneThreadHere()
            failures.run { try chunks[i].execute(source: src, destination: dst) }
        }
        try failures.check()
        // The padding lanes of a partial last block stay zero, whatever the primitive wrote there.
        let used = outChannels % 8
        if used != 0 {
            let last = dst + (outChannels / 8) * outputPlane * 8
            for i in 0..<outputPlane { (last + i * 8 + used).update(repeating: 0, count: 8 - used) }
        }
    }
}

/// Output channels `channels` (starting on a block) of one convolution: the primitive with
/// its slice of the weights, already in the primitive's layout. In nChw8c those channels
/// are one contiguous run of the output, so the chunk writes straight into it.
private final class ConvolutionChunk {
    private let convolution: dnnl_primitive_t
    private let stream: dnnl_stream_t
    private let source: dnnl_memory_t, weights: dnnl_memory_t, bias: dnnl_memory_t, result: dnnl_memory_t
    private let resultOffset: Int

    init(_ layer: Convolution2D, channels: Range<Int>, inputShape: [Int], outputShape: [Int], blockedSource: Bool) throws {
        let count = channels.count
        let chunkOutput = [1, count, outputShape[2], outputShape[3]]
        let weightShape = [count, layer.inChannels, layer.kernel, layer.kernel]
        var sourceDesc = try DNNLRuntime.descriptor(inputShape, tag: blockedSource ? dnnl_nChw8c : dnnl_nchw)
        var resultDesc = try DNNLRuntime.descriptor(chunkOutput, tag: dnnl_nChw8c)
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
        var weightsDesc = dnnl_memory_desc_t()
        let primitive = try DNNLRuntime.primitive(&opDesc, attributes: attributes, name: "conv") { primitiveDesc in
            guard let chosen = dnnl_primitive_desc_query_md(primitiveDesc, dnnl_query_weights_md, 0)?.pointee else {
                throw InferenceError.dnnl(call: "dnnl_primitive_desc_query_md(conv weights)", status: -1)
            }
            weightsDesc = chosen
        }
        convolution = primitive
        stream = try DNNLRuntime.stream()
        source = try DNNLRuntime.memory(&sourceDesc, allocate: false)
        weights = try DNNLRuntime.memory(&weightsDesc, allocate: true)
        bias = try DNNLRuntime.memory(&biasDesc, allocate: true)
        result = try DNNLRuntime.memory(&resultDesc, allocate: false)
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

    func execute(source input: UnsafePointer<Float>, destination: UnsafeMutablePointer<Float>) throws {
        try dnnlCheck(dnnl_memory_set_data_handle(source, UnsafeMutableRawPointer(mutating: input)), "set src")
        try dnnlCheck(dnnl_memory_set_data_handle(result, UnsafeMutableRawPointer(destination + resultOffset)), "set dst")
        try DNNLRuntime.execute(convolution, on: stream, [(DNNL_ARG_SRC, source), (DNNL_ARG_WEIGHTS, weights),
                                                          (DNNL_ARG_BIAS, bias), (DNNL_ARG_DST, result)])
    }

    deinit {
        dnnl_primitive_destroy(convolution)
        for memory in [source, weights, bias, result] { dnnl_memory_destroy(memory) }
        dnnl_stream_destroy(stream)
    }
}
