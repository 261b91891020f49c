// The fields of a Hugging Face `config.json` that ElectraForSequenceClassification reads.
import Formats
import Foundation

public struct ELECTRAConfig: Sendable, Equatable {
    public var vocabSize: Int
    public var embeddingSize: Int
    public var hiddenSize: Int
    public var hiddenLayers: Int
    public var attentionHeads: Int
    public var intermediateSize: Int
    public var maxPositionEmbeddings: Int
    public var typeVocabSize: Int
    public var layerNormEps: Float
    /// Label names by class index (`id2label`); one entry for regression.
    public var labels: [String]
    public var problemType: String?

    public var labelCount: Int { labels.count }
    public var isRegression: Bool { problemType == "regression" || labels.count == 1 }
}

public struct ModelConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public var location: String
    public var message: String
    public var description: String { "\(location): \(message)" }

    /// A JSON value as the message should show it: a string quoted and called one, so `"64"`
    /// does not read like the number it is not.
    static func shown(_ value: Any?) -> String {
        switch value {
        case nil, is NSNull: "nothing"
        case let text as String: "the string \"\(text)\""
        case let value?: "\(value)"
        }
    }
}

/// A model configuration read from a `config.json`.
public protocol ModelConfigFile {
    init(json data: Data, location: String) throws
}

extension ModelConfigFile {
    public init(contentsOf url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ModelConfigError(location: url.path, message: "cannot read: \(FileProblem.reason(error, at: url))")
        }
        try self.init(json: data, location: url.lastPathComponent)
    }
}

extension ELECTRAConfig: ModelConfigFile {

    /// Parses `config.json`, refusing settings this implementation does not compute
    /// (another activation, relative position embeddings) rather than ignoring them.
    public init(json data: Data, location: String = "config.json") throws {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw ModelConfigError(location: location, message: "not a JSON object")
        }
        func int(_ key: String, default fallback: Int? = nil) throws -> Int {
            // The cap keeps products of sizes far from overflow; real configs are below 300k.
            if let number = object[key] as? NSNumber, number.doubleValue == Double(number.intValue), number.intValue > 0,
               number.intValue <= 1 << 22 {
                return number.intValue
            }
            if object[key] == nil || object[key] is NSNull, let fallback { return fallback }
            throw ModelConfigError(location: location, message: "'\(key)' must be a positive integer up to 4194304, found \(ModelConfigError.shown(object[key]))")
        }
        if let type = object["model_type"] as? String, type != "electra" {
            throw ModelConfigError(location: location, message: "model_type '\(type)' is not electra")
        }
        let activation = object["hidden_act"] as? String ?? "gelu"
        guard activation == "gelu" else {
            throw ModelConfigError(location: location, message: "hidden_act '\(activation)' is not implemented (only exact erf 'gelu')")
        }
        let positions = object["position_embedding_type"] as? String ?? "absolute"
        guard positions == "absolute" else {
            throw ModelConfigError(location: location, message: "position_embedding_type '\(positions)' is not implemented")
        }
        hiddenSize = try int("hidden_size", default: 256)
        vocabSize = try int("vocab_size")
        embeddingSize = try int("embedding_size", default: 128)
        hiddenLayers = try int("num_hidden_layers")
        attentionHeads = try int("num_attention_heads")
        intermediateSize = try int("intermediate_size")
        maxPositionEmbeddings = try int("max_position_embeddings", default: 512)
        typeVocabSize = try int("type_vocab_size", default: 2)
        layerNormEps = try ELECTRAConfig.epsilon(object["layer_norm_eps"], location: location)
        problemType = object["problem_type"] as? String
        guard hiddenSize % attentionHeads == 0 else {
            throw ModelConfigError(location: location, message: "hidden_size \(hiddenSize) is not a multiple of num_attention_heads \(attentionHeads)")
        }
        labels = try ELECTRAConfig.labels(object, location: location)
    }

    /// `layer_norm_eps`: it keeps LayerNorm's division away from zero, so it is a small
    /// positive number (transformers' default 1e-12 when absent).
    private static func epsilon(_ value: Any?, location: String) throws -> Float {
        guard let value, !(value is NSNull) else { return 1e-12 }
        guard let number = JSONNumber.number(value), number.doubleValue.isFinite,
              number.doubleValue > 0, number.doubleValue < 1 else {
            throw ModelConfigError(location: location,
                                   message: "'layer_norm_eps' must be a small positive number such as 1e-12, found \(ModelConfigError.shown(value))")
        }
        return number.floatValue
    }

    private static func labels(_ object: [String: Any], location: String) throws -> [String] {
        if let id2label = object["id2label"] as? [String: Any], !id2label.isEmpty {
            var labels = [String](repeating: "", count: id2label.count)
            for (key, value) in id2label {
                guard let index = Int(key), index >= 0, index < labels.count, let name = value as? String else {
                    throw ModelConfigError(location: location, message: "id2label must map 0..<\(id2label.count) to names, found '\(key)'")
                }
                labels[index] = name
            }
            return labels
        }
        let count = (object["num_labels"] as? NSNumber)?.intValue ?? 2
        guard count > 0, count < 100_000 else { throw ModelConfigError(location: location, message: "num_labels \(count)") }
        return (0..<count).map { "LABEL_\($0)" }
    }
}
