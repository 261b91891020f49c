// Elementwise access for ops written outside this module (activations, incremental
// decoding): `storage`'s setter stays internal so no caller can break the shape invariant.
extension Tensor {
    /// Runs `body` over the elements, which it may change but not resize.
    public mutating func withUnsafeMutableElements<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        try storage.withUnsafeMutableBufferPointer { try body($0) }
    }
}
