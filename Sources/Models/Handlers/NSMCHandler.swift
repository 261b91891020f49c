// Model A of the multi-container lab: NSMC movie-review sentiment with KoELECTRA.
//
// Mirrors the lab's inference_nsmc.py: each JSON line `{"text": ["<review>"]}` is
// encoded with `encode_plus(text[0], max_length=128, padding="max_length",
// truncation=True, return_token_type_ids=False)` (so the model sees no token type ids),
// the logits go through softmax, the argmax picks from classes ['Neg', 'Pos'] (the
// handler's list, not config.json's id2label), and the reply line is
// `{"predicted_label": ..., "score": <softmax probability of that label>}`; lines are
// joined with "\n".
import Foundation
import Inference
import Serving

public struct NSMCPrediction: Sendable, Equatable {
    public var label: String
    public var score: Float
}

/// The classifier both NSMC handlers share (SageMaker's and Lambda's).
public struct NSMCClassifier: Sendable {
    public static let classes = ["Neg", "Pos"]
    public static let maxLength = 128
    public let classifier: ELECTRAClassifier

    public init(directory: URL) throws {
        classifier = try ELECTRAClassifier(directory: directory)
        let labels = classifier.model.config.labelCount
        guard labels == NSMCClassifier.classes.count else {
            throw HandlerError.internalError("NSMC needs a 2-label classifier; \(directory.path)/config.json has \(labels)")
        }
    }

    public func predict(_ text: String) throws -> NSMCPrediction {
        try predict([text])[0]
    }

    /// One prediction per text, each encoded as the seed does (padded to 128); the reviews
    /// share forwards (ELECTRAClassifier.logits(of:)), giving what each gets alone.
    public func predict(_ texts: [String]) throws -> [NSMCPrediction] {
        guard !texts.isEmpty else { return [] }
        var logits: Tensor
        do {
            let encodings = try texts.map { try classifier.tokenizer.encode($0, maxLength: NSMCClassifier.maxLength, padToMaxLength: true) }
            logits = try classifier.logits(of: encodings)
        } catch {
            throw HandlerError.internalError("inference failed: \(error)")
        }
        softmaxLastAxis(&logits)
        let labels = NSMCClassifier.classes.count
        return (0..<texts.count).map { row in
            let probabilities = Array(logits.storage[(row * labels)..<((row + 1) * labels)])
            // torch.max returns the first index among equal maxima.
            var best = 0
            for (label, p) in probabilities.enumerated() where p > probabilities[best] { best = label }
            return NSMCPrediction(label: NSMCClassifier.classes[best], score: probabilities[best])
        }
    }
}

public struct NSMCHandler: StagedInferenceHandler {
    public let model: NSMCClassifier

    public init(directory: URL) throws { model = try NSMCClassifier(directory: directory) }

    public func inputFn(_ body: Data, contentType: String) throws -> [String] {
        try JSONLines.objects(body, contentType: contentType).enumerated().map { index, object in
            guard let first = try JSONLines.texts(object, line: index + 1).first else {
                throw HandlerError.badInput("line \(index + 1): \"text\" is an empty list")
            }
            return first
        }
    }

    public func predictFn(_ texts: [String]) throws -> [NSMCPrediction] {
        try model.predict(texts)
    }

    public func outputFn(_ predictions: [NSMCPrediction], accept: String) throws -> InvocationResponse {
        let lines = predictions.map { NSMCHandler.line($0) }
        return InvocationResponse(body: Data(lines.joined(separator: "\n").utf8), contentType: replyContentType(accept))
    }

    static func line(_ prediction: NSMCPrediction) -> String {
        PythonJSON.object([("predicted_label", .string(prediction.label)), ("score", .number(Double(prediction.score)))]).encoded
    }
}
