// Scaled dot-product self-attention with a key padding mask, as BERT/ELECTRA's
// `ElectraSelfAttention`: scores = QKᵀ/√d + (1 − mask)·min(float32), softmax, times V.
// Both products run on oneDNN, all heads in one batched call that reads each head's
// columns in place through strides; the softmax runs on oneDNN too when no key is masked.

/// Multi-head attention over packed projections. `query`, `key`, `value` are
/// `[batch·sequence, heads·headSize]` (the layout Linear produces); `keyMask` holds
/// `batch·sequence` entries, 1 for a real token and 0 for padding. Returns the context
/// in the same packed layout.
public func attention(query: Tensor, key: Tensor, value: Tensor, batch: Int, sequence: Int, heads: Int,
                      keyMask: [Int]) throws -> Tensor {
    var context = Tensor(zeros: [0])
    try attention(query: query, key: key, value: value, batch: batch, sequence: sequence, heads: heads, keyMask: keyMask,
                  into: &context)
    return context
}

/// As above, writing into `context` and reusing its storage when the size is unchanged.
public func attention(query: Tensor, key: Tensor, value: Tensor, batch: Int, sequence: Int, heads: Int,
                      keyMask: [Int], into context: inout Tensor) throws {
    var scores = Tensor(zeros: [0])
    try attention(query: query, key: key, value: value, batch: batch, sequence: sequence, heads: heads, keyMask: keyMask,
                  into: &context, scores: &scores)
}

/// As above, with `scores` as reusable scratch (`[heads, sequence, sequence]` after the call),
/// so a model running many layers allocates it once.
public func attention(query: Tensor, key: Tensor, value: Tensor, batch: Int, sequence: Int, heads: Int,
                      keyMask: [Int], into context: inout Tensor, scores: inout Tensor) throws {
    let width = query.lastDimension
    let expected = [batch * sequence, width]
    try query.requireShape(expected, op: "attention query")
    try key.requireShape(expected, op: "attention key")
    try value.requireShape(expected, op: "attention value")
    try query.storage.withUnsafeBufferPointer { q in
        try key.storage.withUnsafeBufferPointer { k in
            try value.storage.withUnsafeBufferPointer { v in
                try attention(AttentionInputs(query: q.baseAddress, key: k.baseAddress, value: v.baseAddress, rowStride: width, width: width),
                              lengths: Array(repeating: sequence, count: batch), heads: heads, keyMask: keyMask, into: &context, scores: &scores)
            }
        }
    }
}

/// Attention over sequences of their own lengths packed one after another without padding
/// (`qkv` is `[Σ lengths, 3·width]`, as `attention(packedQKV:batch:...)` takes it): each
/// sequence attends within its own rows, so a batch of short and long texts costs their tokens.
/// `keyMask` (one entry per row, 1 for a real token) defaults to every key real.
public func attention(packedQKV qkv: Tensor, lengths: [Int], heads: Int, keyMask: [Int]? = nil,
                      into context: inout Tensor, scores: inout Tensor) throws {
    let width = qkv.lastDimension / 3
    guard qkv.lastDimension % 3 == 0, lengths.allSatisfy({ $0 > 0 }) else {
        throw InferenceError.shapeMismatch(op: "attention packed QKV", expected: "3·width columns, sequences of at least one row",
                                           found: "\(qkv.lastDimension) columns, lengths \(lengths)")
    }
    let rows = lengths.reduce(0, +)
    try qkv.requireShape([rows, 3 * width], op: "attention packed QKV")
    try qkv.storage.withUnsafeBufferPointer { p in
        try attention(AttentionInputs(query: p.baseAddress, key: p.baseAddress.map { $0 + width }, value: p.baseAddress.map { $0 + 2 * width },
                                      rowStride: 3 * width, width: width),
                      lengths: lengths, heads: heads, keyMask: keyMask ?? Array(repeating: 1, count: rows), into: &context, scores: &scores)
    }
}

/// Attention over one fused projection: each row of `qkv` (`[batch·sequence, 3·width]`)
/// holds the query, key and value side by side, as a Linear with the three weights
/// stacked produces them in one product.
public func attention(packedQKV qkv: Tensor, batch: Int, sequence: Int, heads: Int,
                      keyMask: [Int], into context: inout Tensor, scores: inout Tensor) throws {
    let width = qkv.lastDimension / 3
    guard qkv.lastDimension % 3 == 0 else {
        throw InferenceError.shapeMismatch(op: "attention packed QKV", expected: "3·width columns", found: "\(qkv.lastDimension)")
    }
    try qkv.requireShape([batch * sequence, 3 * width], op: "attention packed QKV")
    try qkv.storage.withUnsafeBufferPointer { p in
        try attention(AttentionInputs(query: p.baseAddress, key: p.baseAddress.map { $0 + width }, value: p.baseAddress.map { $0 + 2 * width },
                                      rowStride: 3 * width, width: width),
                      lengths: Array(repeating: sequence, count: batch), heads: heads, keyMask: keyMask, into: &context, scores: &scores)
    }
}

/// Where query, key and value rows live: row r of each starts at `r · rowStride`.
private struct AttentionInputs {
    var query: UnsafePointer<Float>?, key: UnsafePointer<Float>?, value: UnsafePointer<Float>?
    var rowStride: Int, width: Int
}

/// The sequences lie one after another: sequence i has `lengths[i]` rows; `keyMask` has one
/// entry per row.
private func attention(_ inputs: AttentionInputs, lengths: [Int], heads: Int,
                       keyMask: [Int], into context: inout Tensor, scores: inout Tensor) throws {
    let width = inputs.width, stride = inputs.rowStride
    guard heads > 0, width % heads == 0 else {
        throw InferenceError.shapeMismatch(op: "attention", expected: "width divisible by \(heads) heads", found: "\(width)")
    }
    let rowCount = lengths.reduce(0, +), longest = lengths.max() ?? 0
    guard keyMask.count == rowCount else {
        throw InferenceError.shapeMismatch(op: "attention mask", expected: "\(rowCount) entries", found: "\(keyMask.count)")
    }
    context.resize(to: [rowCount, width])
    guard rowCount > 0, width > 0 else { return }
    guard let q0 = inputs.query, let k0 = inputs.key, let v0 = inputs.value else { return }
    scores.resize(to: [heads, longest, longest])
    let headSize = width / heads
    let rows = DNNLMatmul.Layout.rowMajor(columns: stride), packed = DNNLMatmul.Layout.rowMajor(columns: width)
    let engine = try DNNLMatmul.shared(), scale = 1 / Float(headSize).squareRoot()
    let vectorSoftmax = try DNNLSoftmax.shared()
    try context.storage.withUnsafeMutableBufferPointer { out in
        try scores.storage.withUnsafeMutableBufferPointer { s in
            guard let out0 = out.baseAddress, let s0 = s.baseAddress else { return }
            var first = 0
            for sequence in lengths {
                defer { first += sequence }
                let start = first * stride, square = sequence * sequence
                let scoreLayout = DNNLMatmul.Layout.rowMajor(columns: sequence)
                // One call per product covers every head: head h starts h·headSize columns in.
                let scoreHeads = DNNLMatmul.Batch(count: heads, srcStride: headSize, weightsStride: headSize, dstStride: square)
                let contextHeads = DNNLMatmul.Batch(count: heads, srcStride: square, weightsStride: headSize, dstStride: headSize)
                // With masked keys the scalar softmax runs: oneDNN's did not reproduce
                // transformers' beam searches on the BART goldens with padding inside
                // the input, where masked keys must get exactly zero weight.
                let mask = keyMask[first..<(first + sequence)]
                let masked = mask.contains(0)
                // scores = Q_h · K_hᵀ / √d: Kᵀ is K read with swapped strides.
                try engine.multiply(src: q0 + start, rows, rows: sequence, inner: headSize,
                                    weights: k0 + start, DNNLMatmul.Layout(rowStride: 1, columnStride: stride),
                                    columns: sequence, bias: nil, dst: s0, scoreLayout, batch: scoreHeads,
                                    scale: masked ? 1 : scale)
                if masked {
                    for row in 0..<(heads * sequence) {
                        let scores = s0 + row * sequence
                        for j in 0..<sequence {
                            // HF adds the most negative float for masked keys rather than −∞.
                            scores[j] = scores[j] * scale + (mask[first + j] != 0 ? 0 : -Float.greatestFiniteMagnitude)
                        }
                        softmax(scores, count: sequence)
                    }
                } else {
                    try vectorSoftmax(s0, rows: heads * sequence, columns: sequence)
                }
                try engine.multiply(src: s0, scoreLayout, rows: sequence, inner: sequence,
                                    weights: v0 + start, rows, columns: headSize,
                                    bias: nil, dst: out0 + first * width, packed, batch: contextHeads)
            }
        }
    }
}
