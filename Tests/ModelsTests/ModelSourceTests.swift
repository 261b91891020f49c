// Model directories: tiny fixtures, local folders, and the Hub cache (URL building and
// cache lookup only; downloads cannot run offline).
import Foundation
import XCTest
@testable import Models

final class ModelSourceTests: XCTestCase {
    func testTinyModelsAreFoundFromTheRepository() throws {
        for name in ["nsmc", "korsts", "nsmc-tiny"] {
            let folder = try offlineModelDirectory(name)
            XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("config.json").path))
        }
        XCTAssertThrowsError(try offlineModelDirectory("gpt-5")) { XCTAssertTrue("\($0)".contains("nsmc-tiny"), "\($0)") }
        XCTAssertTrue(Set(TinyModels.names).isSuperset(of: ["nsmc-tiny", "korsts-tiny"]))
        XCTAssertEqual(try modelDirectory(for: "nsmc"), try offlineModelDirectory("nsmc-tiny"))
        let local = try offlineModelDirectory("korsts").path
        XCTAssertEqual(try modelDirectory(for: local).path, local)
    }

    func testHubReferencesAndResolveURLs() throws {
        let reference = try HuggingFaceHub.Reference("hf://daekeun-ml/koelectra-small-v3-nsmc")
        XCTAssertEqual(reference.repository, "daekeun-ml/koelectra-small-v3-nsmc")
        XCTAssertEqual(reference.revision, "main")
        let hub = HuggingFaceHub(cacheDirectory: URL(fileURLWithPath: "/tmp/cache"))
        XCTAssertEqual(hub.resolveURL(reference, file: "config.json").absoluteString,
                       "https://huggingface.co/daekeun-ml/koelectra-small-v3-nsmc/resolve/main/config.json")
        XCTAssertEqual(try HuggingFaceHub.Reference("hf://a/b@v1.0").revision, "v1.0")
        for bad in ["hf://a", "hf://a/b/c", "hf://../b", "s3://a/b", "hf://a/b@", "hf://a b/c"] {
            XCTAssertThrowsError(try HuggingFaceHub.Reference(bad), bad)
        }
    }

    func testCacheLookupNeedsConfigWeightsAndTokenizer() throws {
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("labbook-hf-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: cache) }
        let hub = HuggingFaceHub(cacheDirectory: cache)
        let reference = try HuggingFaceHub.Reference("hf://owner/model@abc")
        let folder = hub.cacheFolder(reference)
        XCTAssertEqual(folder.path, cache.appendingPathComponent("owner--model/abc").path)
        XCTAssertNil(hub.cachedModelDirectory(reference))
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("vocab"), withIntermediateDirectories: true)
        let tiny = try offlineModelDirectory("nsmc")
        for file in ["config.json", "model.safetensors"] {
            try FileManager.default.copyItem(at: tiny.appendingPathComponent(file), to: folder.appendingPathComponent(file))
        }
        XCTAssertNil(hub.cachedModelDirectory(reference), "no tokenizer yet")
        try FileManager.default.copyItem(at: tiny.appendingPathComponent("vocab/tokenizer.json"),
                                         to: folder.appendingPathComponent("vocab/tokenizer.json"))
        XCTAssertEqual(hub.cachedModelDirectory(reference)?.path, folder.path)
        // A complete cache is used without any network access, and it loads as a model.
        XCTAssertEqual(try modelDirectory(for: "hf://owner/model@abc", hub: hub).path, folder.path)
        XCTAssertNoThrow(try ELECTRAClassifier(directory: folder))
    }
}
