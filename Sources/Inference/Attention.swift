// Scaled dot-product self-attention with a key padding mask, as BERT/ELECTRA's
// `ElectraSelfAttention`: scores = QKᵀ/√d + (1 − mask)·min(float32), softmax, times V.

/// Multi-head attention over packed projections. `query`, `key`, `value` are
/// `[batch·sequence, heads·headSize]` (the layout Linear produces); `keyMask` holds
/// `batch·sequence` entries, 1 for a real token and 0 for padding. Returns the context
/// in the same packed layout.
public func attention(query: Tensor, key: Tensor, value: Tensor, batch: Int, sequence: Int, heads: Int,
                      keyMask: [Int]) throws -> Tensor {
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
    let headSize = width / heads
    let scale = 1 / Float(headSize).squareRoot()
    var context = Tensor(zeros: expected)
    var scores = [Float](repeating: 0, count: sequence)
    query.storage.withUnsafeBufferPointer { q in
        key.storage.withUnsafeBufferPointer { k in
            value.storage.withUnsafeBufferPointer { v in
                context.storage.withUnsafeMutableBufferPointer { out in
                    for b in 0..<batch {
                        for h in 0..<heads {
                            let column = h * headSize
                            for i in 0..<sequence {
                                let qRow = (b * sequence + i) * width + column
                                for j in 0..<sequence {
                                    let kRow = (b * sequence + j) * width + column
                                    var dot: Float = 0
                                    for d in 0..<headSize { dot += q[qRow + d] * k[kRow + d] }
                                    // HF adds the most negative float for masked keys rather than −∞.
                                    scores[j] = dot * scale + (keyMask[b * sequence + j] != 0 ? 0 : -Float.greatestFiniteMagnitude)
                                }
                                scores.withUnsafeMutableBufferPointer { if let base = $0.baseAddress { softmax(base, count: sequence) } }
                                for j in 0..<sequence {
                                    let p = scores[j]
                                    let vRow = (b * sequence + j) * width + column
                                    for d in 0..<headSize { out[qRow + d] += p * v[vRow + d] }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    return context
}
