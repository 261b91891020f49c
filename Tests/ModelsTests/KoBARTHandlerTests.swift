// The `kobart` handler's JSON Lines contract (the seed's transform_fn): one
// {"summary": ...} line per {"text": [...]} line, written as Python's json.dumps writes it,
// with the summaries transformers generated for the same model and arguments.
import Foundation
import XCTest
import Serving
@testable import Models

final class KoBARTHandlerTests: XCTestCase {
    static let handler = Result { try KoBARTHandler(directory: try TinyModels.fixture("models/kobart-tiny")) }

    func testSeedArgumentsOnTopOfTheConfig() throws {
        let options = try KoBARTHandlerTests.handler.get().options
        XCTAssertEqual(options.numBeams, 4)
        XCTAssertEqual(options.lengthPenalty, 2.0)
        XCTAssertEqual(options.minLength, 32)
        XCTAssertEqual(options.maxLength, 512)
        XCTAssertEqual(options.eosTokenIDs, [1])
        XCTAssertEqual(options.bosTokenID, 0)
        XCTAssertEqual(options.earlyStopping, .heuristic)
    }

    func testTwoLinesGiveTheGoldenSummaries() throws {
        let handler = try KoBARTHandlerTests.handler.get()
        // transformers 4.12.5's outputs (the seed's version), decoded by the tokenizer checked against tokenizers.
        let cases = (try golden("bart-generate-seed.json")["cases"] as? [[String: Any]] ?? []).filter { ($0["variant"] as? String) == "seed" }
        let chosen = Array(cases.prefix(2))
        XCTAssertEqual(chosen.count, 2)
        let body = chosen.map { "{\"text\": [\(PythonJSON.quote($0["text"] as? String ?? ""))]}" }.joined(separator: "\n")
        let response = try handler.invoke(body: Data(body.utf8), contentType: "application/jsonlines", accept: "application/jsonlines")
        let expected = chosen.map { item in
            PythonJSON.object([("summary", .string(handler.summarizer.tokenizer.decode(ints(item["output_ids"]))))]).encoded
        }.joined(separator: "\n")
        XCTAssertEqual(String(decoding: response.body, as: UTF8.self), expected)
        XCTAssertEqual(response.contentType, "application/jsonlines")
        XCTAssertTrue(expected.hasPrefix("{\"summary\": \"\\u"), "non-ASCII is escaped as json.dumps does: \(expected.prefix(30))")
    }

    func testBadLinesAreClearErrors() throws {
        let handler = try KoBARTHandlerTests.handler.get()
        func failure(_ body: String) -> HandlerError? {
            do { _ = try handler.invoke(body: Data(body.utf8), contentType: "application/jsonlines", accept: "*/*"); return nil } catch {
                return error as? HandlerError
            }
        }
        XCTAssertEqual(failure("{\"text\": []}")?.statusCode, 400)
        XCTAssertTrue(failure("{\"text\": [\"기사\"]}\nnot json")?.message.contains("line 2") ?? false)
        XCTAssertTrue(failure("{\"article\": \"기사\"}")?.message.contains("missing \"text\"") ?? false)
        let long = String(repeating: "서울시는 내년부터 시내버스 노선을 개편한다. ", count: 120)
        let tooLong = failure("{\"text\": [\"\(long)\"]}")
        XCTAssertEqual(tooLong?.statusCode, 400)
        XCTAssertTrue(tooLong?.message.contains("max_position_embeddings") ?? false, tooLong?.message ?? "no error")
        XCTAssertEqual((try? handler.invoke(body: Data("{}".utf8), contentType: "text/csv", accept: "*/*")) == nil, true)
    }

    func testModelReferencesResolve() throws {
        let fixture = try bartModelDirectory(for: "kobart")
        XCTAssertEqual(fixture.lastPathComponent, "kobart-tiny")
        XCTAssertEqual(try bartModelDirectory(for: fixture.path), fixture)
        XCTAssertThrowsError(try bartModelDirectory(for: "kogpt")) { XCTAssertTrue("\($0)".contains("kobart-tiny"), "\($0)") }
        XCTAssertThrowsError(try bartModelDirectory(for: "hf://gogamza")) { error in
            XCTAssertEqual(error as? ModelSourceError, .badHubReference("hf://gogamza"))
        }
        // A complete hub cache folder is used without any download.
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("kobart-hub-\(UUID())")
        defer { try? FileManager.default.removeItem(at: cache) }
        let hub = HuggingFaceHub(cacheDirectory: cache)
        let reference = try HuggingFaceHub.Reference("hf://gogamza/kobart-summarization")
        let folder = hub.cacheFolder(reference)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("vocab"), withIntermediateDirectories: true)
        for name in ["config.json", "model.safetensors", "vocab/tokenizer.json"] {
            try FileManager.default.copyItem(at: fixture.appendingPathComponent(name), to: folder.appendingPathComponent(name))
        }
        let resolved = try bartModelDirectory(for: "hf://gogamza/kobart-summarization", hub: hub)
        XCTAssertEqual(resolved.standardizedFileURL.path, folder.standardizedFileURL.path)
        XCTAssertEqual(try BARTSummarizer(directory: resolved).model.config.eosTokenID, 1)
    }

    func testRegisteredAsKobart() throws {
        var registry = HandlerRegistry()
        registerModelHandlers(into: &registry)
        XCTAssertTrue(registry.modelHandlerNames.contains("kobart"))
        XCTAssertThrowsError(try registry.loadModel("kobart", from: URL(fileURLWithPath: "/nonexistent"))) { error in
            XCTAssertTrue("\(error)".contains("config.json"), "\(error)")
        }
    }
}
