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
    guard heads > 0, width % heads == 0 else {
        throw InferenceError.shapeMismatch(op: "attention", expected: "width divisible by \(heads) heads", found: "\(width)")
    }
    let expected = [batch * sequence, width]
    try query.requireShape(expected, op: "attention query")
    try key.requireShape(expected, op: "attention key")
    try value.requireShape(expected, op: "attention value")
    guard keyMask.count == batch * sequence else {
        throw InferenceError.shapeMismatch(op: "attention mask", expected: "\(batch * sequence) entries", found: "\(keyMask.count)")
    }
    context.resize(to: expected)
    guard batch > 0, sequence > 0, width > 0 else { return }
    scores.resize(to: [heads, sequence, sequence])
    let headSize = width / heads, square = sequence * sequence
    let packed = DNNLMatmul.Layout.rowMajor(columns: width), scoreLayout = DNNLMatmul.Layout.rowMajor(columns: sequence)
    // One call per product covers every head: head h starts h·headSize columns in.
    let scoreHeads = DNNLMatmul.Batch(count: heads, srcStride: headSize, weightsStride: headSize, dstStride: square)
    let contextHeads = DNNLMatmul.Batch(count: heads, srcStride: square, weightsStride: headSize, dstStride: headSize)
    let engine = try DNNLMatmul.shared(), scale = 1 / Float(headSize).squareRoot()
    let vectorSoftmax = try DNNLSoftmax.shared()
    try query.storage.withUnsafeBufferPointer { q in
        try key.storage.withUnsafeBufferPointer { k in
            try value.storage.withUnsafeBufferPointer { v in
                try context.storage.withUnsafeMutableBufferPointer { out in
                    try scores.storage.withUnsafeMutableBufferPointer { s in
                        guard let q0 = q.baseAddress, let k0 = k.baseAddress, let v0 = v.baseAddress,
                              let out0 = out.baseAddress, let s0 = s.baseAddress else { return }
                        for b in 0..<batch {
                            let start = b * sequence * width
                            // With masked keys the scalar softmax runs: oneDNN's did not reproduce
                            // transformers' beam searches on the BART goldens with padding inside
                            // the input, where masked keys must get exactly zero weight.
                            let masked = keyMask[(b * sequence)..<((b + 1) * sequence)].contains(0)
                            // scores = Q_h · K_hᵀ / √d: Kᵀ is K read with swapped strides.
                            try engine.multiply(src: q0 + start, packed, rows: sequence, inner: headSize,
                                                weights: k0 + start, DNNLMatmul.Layout(rowStride: 1, columnStride: width),
                                                columns: sequence, bias: nil, dst: s0, scoreLayout, batch: scoreHeads,
                                                scale: masked ? 1 : scale)
                            if masked {
                                for row in 0..<(heads * sequence) {
                                    let scores = s0 + row * sequence
                                    for j in 0..<sequence {
                                        // HF adds the most negative float for masked keys rather than −∞.
                                        scores[j] = scores[j] * scale + (keyMask[b * sequence + j] != 0 ? 0 : -Float.greatestFiniteMagnitude)
                                    }
                                    softmax(scores, count: sequence)
                                }
                            } else {
                                try vectorSoftmax(s0, rows: heads * sequence, columns: sequence)
                            }
                            try engine.multiply(src: s0, scoreLayout, rows: sequence, inner: sequence,
                                                weights: v0 + start, packed, columns: headSize,
                                                bias: nil, dst: out0 + start, packed, batch: contextHeads)
                        }
                    }
                }
            }
        }
    }
}
