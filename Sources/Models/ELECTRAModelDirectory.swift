// A fine-tuned ELECTRA classifier in the labs' model directory layout: `config.json`,
// `model.pth` or `model.safetensors` (or `pytorch_model.bin`), and `vocab/` with the
// tokenizer files, as `model_fn` in the labs' inference scripts reads it.
import Foundation
import Formats
import Inference

public struct ELECTRAClassifier: Sendable {
    public let model: ELECTRAForSequenceClassification
    public let tokenizer: WordPieceTokenizer
    public let directory: URL
    public let weightsFile: URL

    /// Weight files tried in order when the caller names none.
    public static let weightFileNames = ["model.safetensors", "model.pth", "pytorch_model.bin"]

    public init(directory: URL, weightsFileName: String? = nil) throws {
        let manager = FileManager.default
        let config = directory.appendingPathComponent("config.json")
        guard manager.fileExists(atPath: config.path) else {
            throw ModelSourceError.notAModelDirectory(directory.path, missing: "config.json")
        }
        let names = weightsFileName.map { [$0] } ?? ELECTRAClassifier.weightFileNames
        guard let weights = names.map({ directory.appendingPathComponent($0) }).first(where: { manager.fileExists(atPath: $0.path) }) else {
            throw ModelSourceError.notAModelDirectory(directory.path, missing: names.joined(separator: " or "))
        }
        let vocab = directory.appendingPathComponent("vocab")
        let tokenizerFolder = manager.fileExists(atPath: vocab.path) ? vocab : directory
        guard let tokenizerFile = ["tokenizer.json", "vocab.txt"].map({ tokenizerFolder.appendingPathComponent($0) })
            .first(where: { manager.fileExists(atPath: $0.path) }) else {
            throw ModelSourceError.notAModelDirectory(directory.path, missing: "vocab/tokenizer.json or vocab/vocab.txt")
        }
        self.directory = directory
        self.weightsFile = weights
        self.tokenizer = try WordPieceTokenizer(directory: tokenizerFolder)
        let modelConfig = try ELECTRAConfig(contentsOf: config)
        // Checked here, not at the first request: an id past the embedding would fail only then.
        guard tokenizer.largestID < modelConfig.vocabSize else {
            throw TokenizerError(location: tokenizerFile.path, message: "the tokenizer has ids up to \(tokenizer.largestID), but "
                                 + "\(config.lastPathComponent) says vocab_size \(modelConfig.vocabSize): the embedding has no row for them")
        }
        let loader = WeightLoader(tensors: try Checkpoint.read(contentsOf: weights))
        self.model = try ELECTRAForSequenceClassification(config: modelConfig, weights: loader, checkpointName: weights.path)
    }

    /// Logits for one text or pair, encoded as the labs do: padded to `maxLength`,
    /// truncated, and with no token type ids passed to the model.
    public func logits(_ text: String, pair: String? = nil, maxLength: Int = 128) throws -> [Float] {
        let encoding = try tokenizer.encode(text, pair: pair, maxLength: maxLength, padToMaxLength: true)
        return try model.logits(inputIDs: [encoding.inputIDs], attentionMask: [encoding.attentionMask]).storage
    }

    /// Sequences this many at a time share a forward, which bounds a long request's buffers.
    public static let batchSize = 32

    /// Logits `[encodings.count, labelCount]`, the encodings run in batches that share a
    /// forward: only their real tokens are computed, packed (see
    /// ELECTRAForSequenceClassification.logits), so each gets the logits it gets alone, to
    /// float rounding, and 12 layers' weights are read once a batch, not once a text.
    public func logits(of encodings: [WordPieceTokenizer.Encoding]) throws -> Tensor {
        var storage: [Float] = []
        storage.reserveCapacity(encodings.count * model.config.labelCount)
        for start in stride(from: 0, to: encodings.count, by: Self.batchSize) {
            let batch = encodings[start..<min(encodings.count, start + Self.batchSize)]
            storage += try model.logits(inputIDs: batch.map(\.inputIDs), attentionMask: batch.map(\.attentionMask)).storage
        }
        return try Tensor(shape: [encodings.count, model.config.labelCount], storage: storage)
    }
}
