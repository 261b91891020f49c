// The `labbook` command as a user runs it: exit codes 0, 1 and 2, and located errors.
import Foundation
import XCTest

final class CLITests: XCTestCase {
    /// The binary `swift test` built beside the test bundle.
    var labbook: URL {
        // The test runner is products/labbookPackageTests.xctest; the command is beside it.
        let runner = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0]).standardizedFileURL
        let bundle = Bundle(for: CLITests.self).bundleURL
        return [runner.deletingLastPathComponent(), bundle, bundle.deletingLastPathComponent()]
            .map { $0.appendingPathComponent("labbook") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? runner.deletingLastPathComponent().appendingPathComponent("labbook")
    }

    func run(_ arguments: [String], stdin: Data? = nil) throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = labbook
        process.arguments = arguments
        process.currentDirectoryURL = LabBookTests.repository
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }

    func testExitCodes() throws {
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: labbook.path), "labbook not built at \(labbook.path)")
        let broken = "Tests/LabRunnerTests/BrokenBooks/04-unknown-step-key.yaml"
        let invalid = try run(["validate", broken])
        XCTAssertEqual(invalid.status, 2)
        XCTAssertTrue(invalid.err.contains("\(broken):7:5: unknown key 'ouput'"), invalid.err)

        XCTAssertEqual(try run(["validate", "labs/00-demo.yaml"]).status, 0)
        let unknownParameter = try run(["run", "labs/00-demo.yaml", "-p", "roundz=3", "--out", NSTemporaryDirectory()])
        XCTAssertEqual(unknownParameter.status, 2)
        XCTAssertTrue(unknownParameter.err.contains("unknown parameter 'roundz' (did you mean 'rounds'?)"), unknownParameter.err)

        let out = FileManager.default.temporaryDirectory.appendingPathComponent("labbook-cli-\(UUID())")
        defer { try? FileManager.default.removeItem(at: out) }
        // rounds=5 breaks the demo's own expectation that the last index is 19: a failed step, exit 1.
        let failing = try run(["run", "labs/00-demo.yaml", "-p", "rounds=5", "--out", out.path, "--junit", out.appendingPathComponent("j.xml").path])
        XCTAssertEqual(failing.status, 1, failing.err)
        XCTAssertTrue(failing.err.contains("expected 19, actual 4"), failing.err)
        let junit = try String(contentsOf: out.appendingPathComponent("j.xml"), encoding: .utf8)
        XCTAssertTrue(junit.contains("<failure message="))

        let listed = try run(["list", "labs/00-demo.yaml"])
        XCTAssertEqual(listed.status, 0)
        XCTAssertTrue(listed.out.contains("burst") && listed.out.contains("repeat"), listed.out)
    }

    func testPredictRunsAHandlerOnStandardInput() throws {
        let reply = try run(["predict", "--model-dir", "fixtures/models/nsmc-tiny", "--handler", "nsmc"],
                            stdin: Data("{\"text\": [\"재미있어요\"]}\n".utf8))
        XCTAssertEqual(reply.status, 0, reply.err)
        XCTAssertTrue(reply.out.contains("\"predicted_label\""), reply.out)
        let bad = try run(["predict", "--model-dir", "fixtures/models/nsmc-tiny", "--handler", "nsmc"], stdin: Data("{\"txt\": 1}".utf8))
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.err.contains("text"), bad.err)
        XCTAssertEqual(try run(["predict", "--model-dir", "x", "--handler", "nope"]).status, 2)
    }
}
