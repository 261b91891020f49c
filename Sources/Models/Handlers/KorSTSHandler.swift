// Model B of the multi-container lab: KorSTS semantic textual similarity with KoELECTRA.
//
// Mirrors the lab's inference_korsts.py: each JSON line `{"text": ["<s1>", "<s2>"]}`
// goes to `encode_plus(text, max_length=128, padding="max_length", truncation=True,
// return_token_type_ids=False)`, which the fast tokenizer reads as the pair (s1, s2);
// the single regression logit is the reply `{"score": <float>}`.
import Foundation
import Serving

public struct KorSTSHandler: StagedInferenceHandler {
    public static let maxLength = 128
    public let classifier: ELECTRAClassifier

    public init(directory: URL) throws {
        classifier = try ELECTRAClassifier(directory: directory)
        guard classifier.model.config.labelCount == 1 else {
            throw HandlerError.internalError("KorSTS needs a 1-output regression model; config.json has \(classifier.model.config.labelCount) labels")
        }
    }

    public func inputFn(_ body: Data, contentType: String) throws -> [(String, String)] {
        try JSONLines.objects(body, contentType: contentType).enumerated().map { index, object in
            let texts = try JSONLines.texts(object, line: index + 1)
            guard texts.count == 2 else {
                throw HandlerError.badInput("line \(index + 1): \"text\" must hold exactly two sentences, found \(texts.count)")
            }
            return (texts[0], texts[1])
        }
    }

    /// The pairs share forwards (ELECTRAClassifier.logits(of:)), each scoring what it does alone.
    public func predictFn(_ pairs: [(String, String)]) throws -> [Float] {
        guard !pairs.isEmpty else { return [] }
        do {
            let encodings = try pairs.map { first, second in
                try classifier.tokenizer.encode(first, pair: second, maxLength: KorSTSHandler.maxLength, padToMaxLength: true)
            }
            return try classifier.logits(of: encodings).storage
        } catch {
            throw HandlerError.internalError("inference failed: \(error)")
        }
    }

    public func outputFn(_ scores: [Float], accept: String) throws -> InvocationResponse {
        let lines = scores.map { PythonJSON.object([("score", .number(Double($0)))]).encoded }
        return InvocationResponse(body: Data(lines.joined(separator: "\n").utf8), contentType: replyContentType(accept))
    }
}
