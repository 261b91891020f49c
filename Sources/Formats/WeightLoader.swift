// Weights by dotted name with a path, as candle's VarBuilder: a model asks for
// `vb.pp("encoder").pp("layer.3").get([256, 256], "weight")` and gets the tensor or an
// error naming the full key and both shapes. The loader remembers which keys were used,
// so it can report missing and unexpected keys the way transformers does.
import Foundation
import Inference

public struct WeightLoader: Sendable {
    final class Usage: @unchecked Sendable {
        let lock = NSLock()
        var used: Set<String> = []
        var missing: [String] = []
    }

    public let tensors: [String: Tensor]
    public let prefix: String
    private let usage: Usage

    public init(tensors: [String: Tensor]) {
        self.tensors = tensors
        self.prefix = ""
        self.usage = Usage()
    }

    private init(tensors: [String: Tensor], prefix: String, usage: Usage) {
        self.tensors = tensors
        self.prefix = prefix
        self.usage = usage
    }

    /// A loader whose names all start with `component.` after this one's prefix.
    public func pp(_ component: String) -> WeightLoader {
        WeightLoader(tensors: tensors, prefix: fullName(component), usage: usage)
    }

    public func fullName(_ name: String) -> String { prefix.isEmpty ? name : "\(prefix).\(name)" }

    public func contains(_ name: String) -> Bool { tensors[fullName(name)] != nil }

    /// The tensor `name` with exactly `shape`. A missing key is recorded (all of them are
    /// reported together by `checkComplete`) and answered with an empty placeholder that
    /// must never be used: the caller finishes construction, then calls `checkComplete`.
    public func get(_ shape: [Int], _ name: String) throws -> Tensor {
        let key = fullName(name)
        usage.lock.lock(); defer { usage.lock.unlock() }
        guard let tensor = tensors[key] else {
            usage.missing.append(key)
            return Tensor(zeros: [0])
        }
        guard tensor.shape == shape else {
            throw CheckpointError(.shapeMismatch, key, "expected \(shape), found \(tensor.shape)")
        }
        // A NaN or infinite weight would run and answer NaN scores with exit 0: refuse it by name.
        if let index = tensor.firstNonFiniteIndex {
            throw CheckpointError(.malformed, key, "element \(index) is \(tensor.storage[index]); weights must be finite numbers")
        }
        usage.used.insert(key)
        return tensor
    }

    /// Keys the model asked for that the checkpoint lacks, in the order asked.
    public var missingKeys: [String] {
        usage.lock.lock(); defer { usage.lock.unlock() }
        return usage.missing
    }

    /// Keys in the checkpoint that nothing asked for, sorted, less those matching `ignoring`.
    public func unexpectedKeys(ignoring patterns: [String] = []) -> [String] {
        usage.lock.lock(); defer { usage.lock.unlock() }
        return tensors.keys.filter { key in
            !usage.used.contains(key) && !patterns.contains { key.hasSuffix($0) }
        }.sorted()
    }

    /// Throws when any requested key was missing, listing them all as transformers does.
    public func checkComplete(model: String, checkpoint: String) throws {
        let missing = missingKeys
        guard missing.isEmpty else {
            throw CheckpointError(.missingTensor, checkpoint,
                                  "Some weights of \(model) were not initialized from the model checkpoint at \(checkpoint): \(missing)")
        }
    }

    /// transformers' warning for unused checkpoint weights, or nil when all were used.
    public func unexpectedKeysWarning(model: String, checkpoint: String, ignoring patterns: [String] = []) -> String? {
        let unexpected = unexpectedKeys(ignoring: patterns)
        guard !unexpected.isEmpty else { return nil }
        return "Some weights of the model checkpoint at \(checkpoint) were not used when initializing \(model): \(unexpected)"
    }
}
