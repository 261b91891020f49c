// Model C of the multi-container lab: Korean news summarization with KoBART.
//
// Mirrors the lab's inference_kobart.py `transform_fn`: the body is split on "\n", each line
// `{"text": ["<article>"]}` is encoded with `tokenizer.encode(text)` (no truncation argument),
// and summarized by `model.generate(input_ids, bos_token_id=config.bos_token_id,
// eos_token_id=config.eos_token_id, length_penalty=2.0, max_length=512, min_length=32,
// num_beams=4)`; the other generation settings (no_repeat_ngram_size, forced_eos_token_id,
// decoder_start_token_id) come from the model's config. The reply line is
// `{"summary": decode(ids, skip_special_tokens=True)}`, written by `json.dumps`; lines are
// joined with "\n". Beam search scores hypotheses as the seed's transformers 4.12.5 did.
//
// Over-long input: the seed does not truncate, so an article longer than the model's
// positions fails inside the model there (an index error, a 500). Here it is rejected up
// front with a 400 that names the token count and the limit.
import Foundation
import Serving

public struct KoBARTHandler: InferenceHandler {
    public let summarizer: BARTSummarizer
    public let options: GenerationOptions

    public static let numBeams = 4, lengthPenalty = 2.0, minLength = 32, maxLength = 512

    public init(directory: URL) throws {
        summarizer = try BARTSummarizer(directory: directory)
        options = KoBARTHandler.seedOptions(summarizer)
    }

    /// The model's generation defaults with the seed's explicit arguments on top.
    public static func seedOptions(_ summarizer: BARTSummarizer) -> GenerationOptions {
        var options = summarizer.generationDefaults
        let config = summarizer.model.config
        options.beamScoring = .transformers4_12 // the seed's transformers==4.12.5
        options.numBeams = numBeams
        options.lengthPenalty = lengthPenalty
        options.minLength = minLength
        // A model with fewer positions (the tiny fixture may have) stops there instead of failing.
        options.maxLength = min(maxLength, config.maxPositionEmbeddings)
        options.bosTokenID = config.bosTokenID
        options.eosTokenIDs = config.eosTokenID.map { [$0] } ?? options.eosTokenIDs
        // transformers falls back to the BOS id when no decoder start is configured.
        options.decoderStartTokenID = config.decoderStartTokenID ?? options.decoderStartTokenID ?? config.bosTokenID
        return options
    }

    public func summarize(_ text: String) throws -> String {
        let ids: [Int]
        do { ids = try summarizer.tokenizer.encode(text).ids } catch {
            throw HandlerError.badInput("cannot tokenize the text: \(error)")
        }
        let limit = summarizer.model.config.maxPositionEmbeddings
        guard !ids.isEmpty else { throw HandlerError.badInput("the text encodes to no tokens; nothing to summarize") }
        guard ids.count <= limit else {
            throw HandlerError.badInput("the text is \(ids.count) tokens long; the model takes at most \(limit) (max_position_embeddings) and the handler does not truncate")
        }
        do {
            let output = try summarizer.generate(inputIDs: ids, options: options)
            return summarizer.tokenizer.decode(output, skipSpecialTokens: true)
        } catch {
            throw HandlerError.internalError("generation failed: \(error)")
        }
    }

    public func invoke(body: Data, contentType: String, accept: String) throws -> InvocationResponse {
        let objects = try JSONLines.objects(body, contentType: contentType)
        var lines: [String] = []
        for (index, object) in objects.enumerated() {
            guard let text = try JSONLines.texts(object, line: index + 1).first else {
                throw HandlerError.badInput("line \(index + 1): \"text\" is an empty list")
            }
            let summary: String
            do { summary = try summarize(text) } catch let error as HandlerError {
                throw HandlerError(statusCode: error.statusCode, "line \(index + 1): \(error.message)")
            }
            lines.append(PythonJSON.object([("summary", .string(summary))]).encoded)
        }
        return InvocationResponse(body: Data(lines.joined(separator: "\n").utf8), contentType: replyContentType(accept))
    }
}
