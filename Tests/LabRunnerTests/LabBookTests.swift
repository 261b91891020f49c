// Every lab book in labs/ is a test: it must load and run with all its expectations met.
import Foundation
import XCTest
@testable import LabRunner

final class LabBookTests: XCTestCase {
    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    func testEveryLabBookPasses() async throws {
        let labs = Self.repository.appendingPathComponent("labs")
        let files = try LabEngine.expand([labs.path])
        XCTAssertFalse(files.isEmpty)
        let engine = LabEngine()
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("labbook-labs-\(UUID())")
        defer { try? FileManager.default.removeItem(at: out) }
        for file in files {
            let book = try engine.load(file)
            let outcome = try await engine.run([book], overrides: [:], options: RunOptions(outputRoot: out), progress: .silent)
            let failures = outcome.runs.flatMap(\.records).filter { $0.status == .failed }.compactMap(\.failure)
            XCTAssertEqual(outcome.exitCode, 0, "\(file.lastPathComponent):\n" + failures.joined(separator: "\n"))
            XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("\(book.id)/README.md").path))
        }
    }
}

final class ReadmeTests: XCTestCase {
    /// The README's table of step kinds must name every kind a book can use.
    func testReadmeListsEveryStepKind() throws {
        let readme = try String(contentsOf: LabBookTests.repository.appendingPathComponent("README.md"), encoding: .utf8)
        let missing = LabEngine().catalog.names.filter { !readme.contains("| `\($0)` |") }
        XCTAssertEqual(missing, [], "add these kinds to README.md")
    }
}
