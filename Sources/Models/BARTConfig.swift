// The fields of a Hugging Face BART (or mBART) `config.json` that BartForConditionalGeneration
// reads, with transformers' defaults. Special token ids are read, never assumed: KoBART's
// `</s>` is 1, not BART's usual 2.
import Foundation

public struct BARTConfig: Sendable, Equatable {
    public var vocabSize: Int
    public var dModel: Int
    public var encoderLayers: Int, decoderLayers: Int
    public var encoderHeads: Int, decoderHeads: Int
    public var encoderFFN: Int, decoderFFN: Int
    public var maxPositionEmbeddings: Int
    public var activation: String
    public var scaleEmbedding: Bool
    /// mBART's pre-LayerNorm layers, with a final `layer_norm` after each stack.
    public var normalizeBefore: Bool
    public var tieWordEmbeddings: Bool
    public var bosTokenID: Int?, eosTokenID: Int?, padTokenID: Int?
    public var decoderStartTokenID: Int?
    /// The generation settings config.json carries (the seed's transformers read them from here;
    /// a generation_config.json, when present, overrides them).
    public var generationDefaults = GenerationOptions()

    /// BART's learned positions start at 2 (fairseq's padding offset).
    public static let positionOffset = 2
    public static let activations = ["gelu", "relu", "gelu_new", "gelu_fast", "gelu_pytorch_tanh", "tanh", "silu", "swish"]
}


extension BARTConfig: ModelConfigFile {

    public init(json data: Data, location: String = "config.json") throws {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw ModelConfigError(location: location, message: "not a JSON object")
        }
        func int(_ key: String, _ fallback: Int? = nil, range: ClosedRange<Int> = 1...1_000_000) throws -> Int {
            guard let value = (object[key] as? NSNumber)?.intValue ?? fallback else {
                throw ModelConfigError(location: location, message: "\(key) is missing")
            }
            guard range.contains(value) else {
                throw ModelConfigError(location: location, message: "\(key) = \(value) is outside \(range)")
            }
            return value
        }
        func optionalID(_ key: String) -> Int? { (object[key] as? NSNumber)?.intValue }
        let modelType = object["model_type"] as? String ?? "bart"
        guard ["bart", "mbart"].contains(modelType) else {
            throw ModelConfigError(location: location, message: "model_type \(modelType) is not BART")
        }
        vocabSize = try int("vocab_size", 50265, range: 1...10_000_000)
        dModel = try int("d_model", 1024)
        encoderLayers = try int("encoder_layers", 12, range: 0...1000)
        decoderLayers = try int("decoder_layers", 12, range: 0...1000)
        encoderHeads = try int("encoder_attention_heads", 16)
        decoderHeads = try int("decoder_attention_heads", 16)
        encoderFFN = try int("encoder_ffn_dim", 4096)
        decoderFFN = try int("decoder_ffn_dim", 4096)
        maxPositionEmbeddings = try int("max_position_embeddings", 1024)
        activation = object["activation_function"] as? String ?? "gelu"
        guard BARTConfig.activations.contains(activation) else {
            throw ModelConfigError(location: location, message: "activation_function \(activation) is not implemented")
        }
        guard dModel % encoderHeads == 0, dModel % decoderHeads == 0 else {
            throw ModelConfigError(location: location, message: "d_model \(dModel) is not divisible by the attention heads")
        }
        scaleEmbedding = object["scale_embedding"] as? Bool ?? false
        normalizeBefore = object["normalize_before"] as? Bool ?? (modelType == "mbart")
        tieWordEmbeddings = object["tie_word_embeddings"] as? Bool ?? true
        bosTokenID = optionalID("bos_token_id")
        eosTokenID = optionalID("eos_token_id")
        padTokenID = optionalID("pad_token_id")
        decoderStartTokenID = optionalID("decoder_start_token_id")
        generationDefaults.overlay(object)
    }
}
