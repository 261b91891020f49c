// The registered handlers against the labs' wire formats, on the tiny fixture models.
// Scores are compared with the transformers goldens at tolerance 1e-4.
import Foundation
import Serving
import XCTest
@testable import Models

final class HandlerTests: XCTestCase {
    private func registry() -> HandlerRegistry {
        var registry = HandlerRegistry()
        registerModelHandlers(into: &registry)
        return registry
    }

    func testRegistryNamesEveryHandler() {
        let registry = registry()
        XCTAssertEqual(registry.modelHandlerNames, ["kobart", "korsts", "maskrcnn", "nsmc", "yolo-detect"])
        XCTAssertEqual(registry.functionHandlerNames, ["nsmc-lambda", "yolo-lambda"])
    }

    func testNSMCJSONLinesMatchGoldenSoftmax() throws {
        let handler = try registry().loadModel("nsmc", from: try offlineModelDirectory("nsmc"))
        let cases = (try golden("nsmc-logits.json")["cases"] as? [[String: Any]] ?? []).filter { $0["text"] is String }
        let body = cases.map { "{\"text\": [\(PythonJSON.quote($0["text"] as? String ?? ""))]}" }.joined(separator: "\n")
        let reply = try handler.invoke(body: Data(body.utf8), contentType: "application/jsonlines", accept: "application/jsonlines")
        XCTAssertEqual(reply.contentType, "application/jsonlines")
        let lines = String(decoding: reply.body, as: UTF8.self).components(separatedBy: "\n")
        XCTAssertEqual(lines.count, cases.count)
        for (line, item) in zip(lines, cases) {
            let logits = floats(item["logits"]).map(Double.init)
            let probabilities = logits.map { exp($0 - (logits.max() ?? 0)) }
            let best = probabilities[1] > probabilities[0] ? 1 : 0
            let expectedScore = probabilities[best] / probabilities.reduce(0, +)
            XCTAssertTrue(line.hasPrefix("{\"predicted_label\": \"\(["Neg", "Pos"][best])\", \"score\": "), line)
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            XCTAssertEqual((object?["score"] as? Double) ?? -1, expectedScore, accuracy: 1e-4)
        }
        // A long request runs in batches of 32 (ELECTRAClassifier.batchSize): every line reads as it does alone.
        let long = Array(repeating: body, count: 70 / max(1, cases.count) + 1).joined(separator: "\n")
        let longReply = try handler.invoke(body: Data(long.utf8), contentType: "application/jsonlines", accept: "application/jsonlines")
        let longLines = String(decoding: longReply.body, as: UTF8.self).components(separatedBy: "\n")
        XCTAssertGreaterThan(longLines.count, 64)
        for (index, line) in longLines.enumerated() {
            let alone = lines[index % lines.count]
            let score = { (text: String) in ((try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any])?["score"] as? Double ?? -1 }
            XCTAssertEqual(line.prefix(30), alone.prefix(30), "line \(index + 1)")
            XCTAssertEqual(score(line), score(alone), accuracy: 1e-6, "line \(index + 1)")
        }
    }

    func testKorSTSPairLinesMatchGoldenLogits() throws {
        let handler = try registry().loadModel("korsts", from: try offlineModelDirectory("korsts"))
        let cases = (try golden("korsts-logits.json")["cases"] as? [[String: Any]] ?? []).filter { $0["token_type_ids"] == nil }
        let body = cases.map { item -> String in
            let pair = item["text"] as? [String] ?? []
            return "{\"text\": [\(pair.map(PythonJSON.quote).joined(separator: ", "))]}"
        }.joined(separator: "\n") + "\n"
        let reply = try handler.invoke(body: Data(body.utf8), contentType: "application/jsonlines", accept: "application/jsonlines")
        let lines = String(decoding: reply.body, as: UTF8.self).components(separatedBy: "\n")
        XCTAssertEqual(lines.count, cases.count)
        for (line, item) in zip(lines, cases) {
            XCTAssertTrue(line.hasPrefix("{\"score\": "), line)
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            XCTAssertEqual((object?["score"] as? Double) ?? .nan, Double(floats(item["logits"]).first ?? .nan), accuracy: 1e-4)
        }
    }

    func testLambdaEventRoundTrip() throws {
        let function = try registry().loadFunction("nsmc-lambda", from: try offlineModelDirectory("nsmc"))
        let event = #"{"body": "{\"text\": \"이 영화 정말 재미있어요. 배우들의 연기가 최고입니다!\"}"}"#
        let context = LambdaContext(functionName: "f", memoryLimitInMB: 2048, requestID: "r", remainingTimeSeconds: 50)
        let reply = try function.handle(event: Data(event.utf8), context: context)
        let object = try JSONSerialization.jsonObject(with: reply) as? [String: Any]
        XCTAssertEqual(object?["statusCode"] as? Int, 200)
        XCTAssertEqual(object?["headers"] as? [String: String], ["Content-Type": "application/json", "Access-Control-Allow-Origin": "*"])
        let body = try JSONSerialization.jsonObject(with: Data((object?["body"] as? String ?? "").utf8)) as? [String: Any]
        let expected = try golden("nsmc-logits.json")["cases"] as? [[String: Any]] ?? []
        let logits = floats(expected.first?["logits"]).map(Double.init)
        let pos = 1 / (1 + exp(logits[0] - logits[1]))
        XCTAssertEqual(body?["predicted_label"] as? String, pos > 0.5 ? "Pos" : "Neg")
        XCTAssertEqual(body?["score"] as? Double ?? -1, max(pos, 1 - pos), accuracy: 1e-4)
        XCTAssertTrue(String(decoding: reply, as: UTF8.self).hasPrefix("{\"statusCode\": 200, \"body\": \"{\\\"predicted_label\\\": "))
    }

    func testMalformedRequestsAreBadInput() throws {
        let nsmc = try registry().loadModel("nsmc", from: try offlineModelDirectory("nsmc"))
        let korsts = try registry().loadModel("korsts", from: try offlineModelDirectory("korsts"))
        let bad: [(any InferenceHandler, String)] = [
            (nsmc, "not json"), (nsmc, "{\"txt\": [\"a\"]}"), (nsmc, "{\"text\": \"a string\"}"), (nsmc, "{\"text\": []}"),
            (nsmc, ""), (nsmc, "{\"text\": [\"a\"]}\n\n{\"text\": [\"b\"]}"), (nsmc, "[1, 2]"), (nsmc, "{\"text\": [1]}"),
            (korsts, "{\"text\": [\"only one\"]}"), (korsts, "{\"text\": [\"a\", \"b\", \"c\"]}"),
        ]
        for (handler, body) in bad {
            XCTAssertThrowsError(try handler.invoke(body: Data(body.utf8), contentType: "application/jsonlines", accept: "application/jsonlines")) {
                XCTAssertEqual(($0 as? HandlerError)?.statusCode, 400, "\(body): \($0)")
            }
        }
        XCTAssertThrowsError(try nsmc.invoke(body: Data([0xFF, 0xFE]), contentType: "application/jsonlines", accept: "")) {
            XCTAssertEqual(($0 as? HandlerError)?.statusCode, 400)
        }
        XCTAssertThrowsError(try nsmc.invoke(body: Data("{}".utf8), contentType: "text/csv", accept: "")) {
            XCTAssertEqual(($0 as? HandlerError)?.statusCode, 415)
        }
        let function = try registry().loadFunction("nsmc-lambda", from: try offlineModelDirectory("nsmc"))
        let context = LambdaContext(functionName: "f", memoryLimitInMB: 128, requestID: "r", remainingTimeSeconds: 3)
        for event in ["{}", "{\"body\": \"\"}", "{\"body\": {\"text\": \"x\"}}", "{\"body\": \"{\\\"text\\\": 3}\"}", "nope"] {
            XCTAssertThrowsError(try function.handle(event: Data(event.utf8), context: context)) {
                XCTAssertEqual(($0 as? HandlerError)?.statusCode, 400, event)
            }
        }
    }

    func testCRLFLinesAndMissingContentTypeAreAccepted() throws {
        let handler = try registry().loadModel("nsmc", from: try offlineModelDirectory("nsmc"))
        let body = "{\"text\": [\"좋아요\"]}\r\n{\"text\": [\"별로예요\"]}\r\n"
        let reply = try handler.invoke(body: Data(body.utf8), contentType: "", accept: "")
        XCTAssertEqual(String(decoding: reply.body, as: UTF8.self).components(separatedBy: "\n").count, 2)
        XCTAssertEqual(reply.contentType, "application/jsonlines")
    }

    func testWrongModelForHandlerFailsToLoadWithItsName() {
        XCTAssertThrowsError(try registry().loadModel("nsmc", from: (try? offlineModelDirectory("korsts")) ?? URL(fileURLWithPath: "/"))) {
            XCTAssertTrue("\($0)".contains("handler 'nsmc'"), "\($0)")
        }
        XCTAssertThrowsError(try registry().loadModel("korsts", from: URL(fileURLWithPath: "/nonexistent")))
    }

    func testPythonJSONFormatting() {
        XCTAssertEqual(PythonJSON.object([("predicted_label", .string("Pos")), ("score", .number(Double(Float(0.9876543))))]).encoded,
                       "{\"predicted_label\": \"Pos\", \"score\": 0.9876543283462524}")
        XCTAssertEqual(PythonJSON.quote("한\"\n"), "\"\\ud55c\\\"\\n\"")
        XCTAssertEqual(PythonJSON.number(1e-05).encoded, "1e-05")
    }
}
