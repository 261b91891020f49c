// Transformer ops as small plain functions over tensors (llm.c style): each is testable
// alone and matches the PyTorch op named beside it.
import Foundation

/// `torch.nn.functional.linear`: `x[..., in] · weight[out, in]ᵀ + bias[out]`, on oneDNN,
/// optionally followed by an activation oneDNN applies as it stores the product (one pass
/// over the output instead of two). Writes into `output`, reusing its storage when the
/// size is unchanged.
public func linear(_ x: Tensor, weight: Tensor, bias: Tensor?, activation: DNNLMatmul.Activation = .none,
                   into output: inout Tensor) throws {
    guard weight.rank == 2, weight.shape[1] == x.lastDimension else {
        throw InferenceError.shapeMismatch(op: "linear", expected: "weight [out, \(x.lastDimension)]", found: "\(weight.shape)")
    }
    let outFeatures = weight.shape[0]
    if let bias { try bias.requireShape([outFeatures], op: "linear bias") }
    output.resize(to: Array(x.shape.dropLast()) + [outFeatures])
    let rows = x.rowCount, inner = x.lastDimension
    try x.storage.withUnsafeBufferPointer { src in
        try weight.storage.withUnsafeBufferPointer { w in
            try output.storage.withUnsafeMutableBufferPointer { dst in
                guard let srcBase = src.baseAddress, let wBase = w.baseAddress, let dstBase = dst.baseAddress else { return }
                func run(_ biasBase: UnsafePointer<Float>?) throws {
                    try DNNLMatmul.shared().multiply(src: srcBase, .rowMajor(columns: inner), rows: rows, inner: inner,
                                                   weights: wBase, DNNLMatmul.Layout(rowStride: 1, columnStride: inner),
                                                   columns: outFeatures, bias: biasBase, dst: dstBase,
                                                   .rowMajor(columns: outFeatures), activation: activation)
                }
                if let bias { try bias.storage.withUnsafeBufferPointer { try run($0.baseAddress) } } else { try run(nil) }
            }
        }
    }
}

public func linear(_ x: Tensor, weight: Tensor, bias: Tensor?) throws -> Tensor {
    var output = Tensor(zeros: [0])
    try linear(x, weight: weight, bias: bias, into: &output)
    return output
}

/// `torch.matmul` of two matrices `a[m, k] · b[k, n]`, on oneDNN.
public func matmul(_ a: Tensor, _ b: Tensor) throws -> Tensor {
    guard a.rank == 2, b.rank == 2, a.shape[1] == b.shape[0] else {
        throw InferenceError.shapeMismatch(op: "matmul", expected: "[m, k] · [k, n]", found: "\(a.shape) · \(b.shape)")
    }
    var output = Tensor(zeros: [a.shape[0], b.shape[1]])
    try a.storage.withUnsafeBufferPointer { src in
        try b.storage.withUnsafeBufferPointer { w in
            try output.storage.withUnsafeMutableBufferPointer { dst in
                guard let s = src.baseAddress, let wb = w.baseAddress, let d = dst.baseAddress else { return }
                try DNNLMatmul.shared().multiply(src: s, rows: a.shape[0], inner: a.shape[1], weights: wb, columns: b.shape[1],
                                               weightsTransposed: false, bias: nil, dst: d)
            }
        }
    }
    return output
}

/// `torch.nn.LayerNorm(x + residual)` over the last axis, in place: the post-norm step of
/// BERT-style layers (`LayerNorm(hidden + input)`) in one pass over memory; without
/// `residual`, plain LayerNorm. Rows are split over the cores; within a row, 8 lanes at a
/// time (the mean and variance are two-pass, as PyTorch computes them).
public func layerNorm(_ x: inout Tensor, adding residual: Tensor? = nil, weight: Tensor, bias: Tensor, eps: Float) throws {
    let width = x.lastDimension
    try weight.requireShape([width], op: "layerNorm weight")
    try bias.requireShape([width], op: "layerNorm bias")
    if let residual { try residual.requireShape(x.shape, op: "layerNorm residual") }
    guard width > 0 else { return }
    let rows = x.rowCount
    x.storage.withUnsafeMutableBufferPointer { data in
        weight.storage.withUnsafeBufferPointer { gamma in
            bias.storage.withUnsafeBufferPointer { beta in
                guard let base = data.baseAddress, let g = gamma.baseAddress, let b = beta.baseAddress else { return }
                func run(_ added: UnsafePointer<Float>?) {
                    let normalize = { (range: Range<Int>) in
                        for r in range {
                            normalizeRow(base + r * width, adding: added.map { $0 + r * width }, width: width, gamma: g, beta: b, eps: eps)
                        }
                    }
                    // Below ~16K values a hand-off costs more than the rows do.
                    if rows * width < 1 << 14 { normalize(0..<rows) } else { ComputeThreads.run(splitting: rows, normalize) }
                }
                if let residual {
                    residual.storage.withUnsafeBufferPointer { run($0.baseAddress) }
                } else {
                    run(nil)
                }
            }
        }
    }
}

private func normalizeRow(_ row: UnsafeMutablePointer<Float>, adding added: UnsafePointer<Float>?, width: Int,
                          gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, eps: Float) {
    typealias Lanes = SIMD8<Float>
    let vectors = width / 8, raw = UnsafeMutableRawPointer(row)
    func load(_ p: UnsafeRawPointer, _ v: Int) -> Lanes { p.loadUnaligned(fromByteOffset: v * 32, as: Lanes.self) }
    if let added {
        for v in 0..<vectors { raw.storeBytes(of: load(raw, v) + load(UnsafeRawPointer(added), v), toByteOffset: v * 32, as: Lanes.self) }
        for i in (vectors * 8)..<width { row[i] += added[i] }
    }
    var sum = Lanes()
    for v in 0..<vectors { sum += load(raw, v) }
    var total = sum.sum()
    for i in (vectors * 8)..<width { total += row[i] }
    let mean = total / Float(width)
    var squares = Lanes()
    for v in 0..<vectors {
        let d = load(raw, v) - mean
        squares += d * d
    }
    var variance = squares.sum()
    for i in (vectors * 8)..<width { variance += (row[i] - mean) * (row[i] - mean) }
    let inverse = 1 / (variance / Float(width) + eps).squareRoot()
    for v in 0..<vectors {
        let value = (load(raw, v) - mean) * inverse * load(UnsafeRawPointer(gamma), v) + load(UnsafeRawPointer(beta), v)
        raw.storeBytes(of: value, toByteOffset: v * 32, as: Lanes.self)
    }
    for i in (vectors * 8)..<width { row[i] = (row[i] - mean) * inverse * gamma[i] + beta[i] }
}

/// `torch.softmax(dim=-1)` over `count` contiguous values at `values`, in place.
public func softmax(_ values: UnsafeMutablePointer<Float>, count: Int) {
    guard count > 0 else { return }
    var maximum = -Float.infinity
    for i in 0..<count { maximum = max(maximum, values[i]) }
    var sum: Float = 0
    for i in 0..<count {
        values[i] = Foundation.exp(values[i] - maximum)
        sum += values[i]
    }
    for i in 0..<count { values[i] /= sum }
}

/// Softmax over the last axis of `x`, in place.
public func softmaxLastAxis(_ x: inout Tensor) {
    let width = x.lastDimension, rows = x.rowCount
    x.storage.withUnsafeMutableBufferPointer { data in
        guard let base = data.baseAddress else { return }
        for r in 0..<rows { softmax(base + r * width, count: width) }
    }
}

/// transformers' "gelu": the exact form `x · Φ(x) = 0.5 x (1 + erf(x / √2))`, in place.
public func gelu(_ x: inout Tensor) {
    let inverseRoot2 = Float(1 / 2.0.squareRoot())
    x.storage.withUnsafeMutableBufferPointer { data in
        for i in data.indices { data[i] = 0.5 * data[i] * (1 + Foundation.erf(data[i] * inverseRoot2)) }
    }
}

/// `a += b` elementwise; both tensors must have the same shape.
public func add(_ a: inout Tensor, _ b: Tensor) throws {
    try b.requireShape(a.shape, op: "add")
    a.storage.withUnsafeMutableBufferPointer { left in
        b.storage.withUnsafeBufferPointer { right in
            guard let l = left.baseAddress, let r = right.baseAddress else { return }
            for i in 0..<left.count { l[i] += r[i] }
        }
    }
}

/// `torch.nn.Embedding`: the rows of `table[vocab, width]` named by `ids`, as `[ids.count, width]`.
public func embeddingLookup(_ table: Tensor, ids: [Int]) throws -> Tensor {
    guard table.rank == 2 else {
        throw InferenceError.shapeMismatch(op: "embedding", expected: "[vocab, width]", found: "\(table.shape)")
    }
    let vocab = table.shape[0], width = table.shape[1]
    if let bad = ids.first(where: { $0 < 0 || $0 >= vocab }) {
        throw InferenceError.indexOutOfRange(op: "embedding", index: bad, bound: vocab)
    }
    var storage = [Float]()
    storage.reserveCapacity(ids.count * width)
    for id in ids { storage.append(contentsOf: table.storage[(id * width)..<((id + 1) * width)]) }
    return try Tensor(shape: [ids.count, width], storage: storage)
}

/// `torch.relu`, in place.
public func relu(_ x: inout Tensor) {
    x.storage.withUnsafeMutableBufferPointer { data in
        for i in data.indices where data[i] < 0 { data[i] = 0 }
    }
}
