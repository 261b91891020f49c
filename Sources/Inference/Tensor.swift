// A float32 tensor: a shape over contiguous row-major storage.
//
// Storage is a Swift array, so copies and reshapes share one buffer until someone writes
// (copy-on-write): `reshaped` is a view that costs no copy.

/// Failures of tensor ops: always name the op and both shapes.
public enum InferenceError: Error, Sendable, Equatable, CustomStringConvertible {
    case shapeMismatch(op: String, expected: String, found: String)
    case indexOutOfRange(op: String, index: Int, bound: Int)
    case dnnl(call: String, status: Int)
    /// A model whose inputs and feature maps would need more than MemoryBudget allows.
    case overBudget(what: String, needed: Int, budget: Int)

    public var description: String {
        switch self {
        case let .shapeMismatch(op, expected, found):
            return "\(op): expected \(expected), found \(found)"
        case let .indexOutOfRange(op, index, bound):
            return "\(op): index \(index) is out of range 0..<\(bound)"
        case let .dnnl(call, status):
            return "oneDNN \(call) failed with status \(status)"
        case let .overBudget(what, needed, budget):
            return "\(what) needs \(MemoryBudget.describe(needed)) of feature maps, over the memory budget of \(MemoryBudget.describe(budget)); lower the input size, or raise the budget with --max-memory"
        }
    }
}

public struct Tensor: Sendable, Equatable {
    public private(set) var shape: [Int]
    /// Row-major elements; `storage.count == shape.reduce(1, *)` always holds.
    public internal(set) var storage: [Float]

    /// Wraps `storage`, checking that it holds exactly the elements `shape` describes.
    public init(shape: [Int], storage: [Float]) throws {
        guard shape.allSatisfy({ $0 >= 0 }), let count = Tensor.elementCount(shape), count == storage.count else {
            throw InferenceError.shapeMismatch(op: "Tensor", expected: "\(Tensor.elementCount(shape) ?? -1) elements for \(shape)",
                                               found: "\(storage.count) elements")
        }
        self.shape = shape
        self.storage = storage
    }

    public init(zeros shape: [Int]) {
        self.shape = shape
        self.storage = [Float](repeating: 0, count: shape.reduce(1) { $0 * max($1, 0) })
    }

    /// The product of `shape`, or nil when it overflows `Int` (shapes come from files).
    public static func elementCount(_ shape: [Int]) -> Int? {
        var count = 1
        for dim in shape {
            guard dim >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: dim)
            if overflow { return nil }
            count = product
        }
        return count
    }

    public var count: Int { storage.count }
    public var rank: Int { shape.count }
    /// The size of the last axis; rows are everything before it.
    public var lastDimension: Int { shape.last ?? 1 }
    public var rowCount: Int { lastDimension == 0 ? 0 : count / lastDimension }

    /// The same elements under another shape with the same element count (no copy).
    public func reshaped(_ newShape: [Int]) throws -> Tensor {
        guard Tensor.elementCount(newShape) == count else {
            throw InferenceError.shapeMismatch(op: "reshape", expected: "\(count) elements", found: "\(newShape)")
        }
        var view = self
        view.shape = newShape
        return view
    }

    /// Resizes in place, keeping the allocation when the element count is unchanged.
    public mutating func resize(to newShape: [Int]) {
        let newCount = newShape.reduce(1) { $0 * max($1, 0) }
        if newCount != storage.count {
            storage = [Float](repeating: 0, count: newCount)
        }
        shape = newShape
    }

    /// Rows `range` of a tensor viewed as `[rowCount, lastDimension]`, copied out.
    public func rows(_ range: Range<Int>) throws -> Tensor {
        guard range.lowerBound >= 0, range.upperBound <= rowCount else {
            throw InferenceError.indexOutOfRange(op: "rows", index: range.upperBound, bound: rowCount + 1)
        }
        let width = lastDimension
        return try Tensor(shape: [range.count, width],
                          storage: Array(storage[(range.lowerBound * width)..<(range.upperBound * width)]))
    }

    public subscript(flat index: Int) -> Float {
        get { storage[index] }
        set { storage[index] = newValue }
    }

    func requireShape(_ expected: [Int], op: String) throws {
        guard shape == expected else {
            throw InferenceError.shapeMismatch(op: op, expected: "\(expected)", found: "\(shape)")
        }
    }
}

extension Tensor {
    /// The index of the first NaN or infinity, if any: weights must be finite numbers.
    public var firstNonFiniteIndex: Int? {
        storage.withUnsafeBufferPointer { buffer in
            for index in buffer.indices where !buffer[index].isFinite { return index }
            return nil
        }
    }
}
