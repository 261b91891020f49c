// A BART summarizer in a model directory: `config.json` (+ `generation_config.json` when
// present, which overrides the config's generation settings as transformers does), the
// weights (`model.safetensors`, `model.pth` or `pytorch_model.bin`), and tokenizer.json
// under `vocab/` (the labs' layout and the hub cache's) or beside the config.
import Foundation
import Formats
import Inference

public struct BARTSummarizer: Sendable {
    public let model: BARTForConditionalGeneration
    public let tokenizer: BPETokenizer
    /// config.json's generation settings overlaid with generation_config.json's.
    public let generationDefaults: GenerationOptions
    public let directory: URL
    /// Named when an input id has no embedding row. Checked per input, not at load: BART
    /// checkpoints such as bart-large-cnn have a `<mask>` id one past vocab_size that
    /// summaries never use.
    public let tokenizerFile: URL

    public static let weightFileNames = ["model.safetensors", "model.pth", "pytorch_model.bin"]

    public init(directory: URL) throws {
        let manager = FileManager.default
        let configURL = directory.appendingPathComponent("config.json")
        guard manager.fileExists(atPath: configURL.path) else {
            throw ModelSourceError.notAModelDirectory(directory.path, missing: "config.json")
        }
        guard let weights = BARTSummarizer.weightFileNames.map({ directory.appendingPathComponent($0) })
            .first(where: { manager.fileExists(atPath: $0.path) }) else {
            throw ModelSourceError.notAModelDirectory(directory.path, missing: BARTSummarizer.weightFileNames.joined(separator: " or "))
        }
        let vocab = directory.appendingPathComponent("vocab")
        let tokenizerFolder = manager.fileExists(atPath: vocab.appendingPathComponent("tokenizer.json").path) ? vocab : directory
        guard manager.fileExists(atPath: tokenizerFolder.appendingPathComponent("tokenizer.json").path) else {
            throw ModelSourceError.notAModelDirectory(directory.path, missing: "vocab/tokenizer.json")
        }
        let config = try BARTConfig(contentsOf: configURL)
        var defaults = config.generationDefaults
        let generationURL = directory.appendingPathComponent("generation_config.json")
        if let data = try? Data(contentsOf: generationURL) {
            guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
                throw ModelConfigError(location: generationURL.path, message: "not a JSON object")
            }
            defaults.overlay(object)
        }
        generationDefaults = defaults
        tokenizer = try BPETokenizer(directory: tokenizerFolder)
        tokenizerFile = tokenizerFolder.appendingPathComponent("tokenizer.json")
        model = try BARTForConditionalGeneration(config: config, weights: WeightLoader(tensors: try Checkpoint.read(contentsOf: weights)),
                                                 checkpointName: weights.path)
        self.directory = directory
    }

    /// Generated ids (decoder start token first) for already-encoded input ids. Called without an
    /// attention mask, transformers 4.12 masks pad tokens found in the input (when pad differs from
    /// EOS); the current version attends to every token.
    public func generate(inputIDs: [Int], options: GenerationOptions) throws -> [Int] {
        var mask: [Int]?
        if options.beamScoring == .transformers4_12, let pad = options.padTokenID ?? model.config.padTokenID, inputIDs.contains(pad),
           !options.eosTokenIDs.contains(pad) {
            mask = inputIDs.map { $0 == pad ? 0 : 1 }
        }
        if let bad = inputIDs.first(where: { $0 < 0 || $0 >= model.config.vocabSize }) {
            throw TokenizerError(location: tokenizerFile.path, message: "token id \(bad) has no embedding row: config.json says "
                                 + "vocab_size \(model.config.vocabSize) (the tokenizer has \(tokenizer.vocabularySize) ids)")
        }
        let encoded = try model.encode(inputIDs, mask: mask)
        return try Generation.generate(options: options, vocabularySize: model.config.vocabSize) { rows in
            try model.decoderSession(encoderOutput: encoded, sourceMask: mask, rows: rows, maxLength: max(options.maxLength, 1))
        }
    }
}
