// Lab 5's Lambda container: the NSMC classifier behind `lambda_handler(event, context)`.
//
// Mirrors the lab's app.py: `body = json.loads(event['body'])`, the review is
// `body["text"]` (the notebook sends a string; a list's first element is taken as
// app.py's `text[0]` would), encoded and classified as model A, and the reply is
// `{"statusCode": 200, "body": json.dumps({"predicted_label": ..., "score": ...}),
// "headers": {"Content-Type": "application/json", "Access-Control-Allow-Origin": "*"}}`.
// The image holds the model in `model-nsmc/` (config.json, model.pth, vocab/), as the
// lab's Dockerfile copies it; a folder holding config.json directly works too.
import Foundation
import Serving

public struct NSMCLambdaHandler: LambdaFunctionHandler {
    public let model: NSMCClassifier

    public init(imageDirectory: URL) throws {
        let nested = imageDirectory.appendingPathComponent("model-nsmc")
        let directory = FileManager.default.fileExists(atPath: nested.appendingPathComponent("config.json").path) ? nested : imageDirectory
        model = try NSMCClassifier(directory: directory)
    }

    public func handle(event: Data, context: LambdaContext) throws -> Data {
        let text = try NSMCLambdaHandler.review(in: event)
        let prediction = try model.predict(text)
        let reply = PythonJSON.object([
            ("statusCode", .integer(200)),
            ("body", .string(NSMCHandler.line(prediction))),
            ("headers", .object([("Content-Type", .string("application/json")), ("Access-Control-Allow-Origin", .string("*"))])),
        ])
        return Data(reply.encoded.utf8)
    }

    static func review(in event: Data) throws -> String {
        guard let object = (try? JSONSerialization.jsonObject(with: event)) as? [String: Any] else {
            throw HandlerError.badInput("event is not a JSON object")
        }
        guard let body = object["body"] else { throw HandlerError.badInput("event has no \"body\"") }
        guard let bodyText = body as? String else { throw HandlerError.badInput("event \"body\" must be a JSON string, found \(body)") }
        guard !bodyText.isEmpty else { throw HandlerError.badInput("event \"body\" is empty") }
        guard let request = (try? JSONSerialization.jsonObject(with: Data(bodyText.utf8))) as? [String: Any] else {
            throw HandlerError.badInput("event \"body\" is not a JSON object: \(bodyText.prefix(80))")
        }
        switch request["text"] {
        case let text as String: return text
        case let list as [Any]:
            guard let first = list.first as? String else { throw HandlerError.badInput("\"text\" list must start with a string") }
            return first
        case nil: throw HandlerError.badInput("body has no \"text\"")
        case let other?: throw HandlerError.badInput("\"text\" must be a string, found \(other)")
        }
    }
}
