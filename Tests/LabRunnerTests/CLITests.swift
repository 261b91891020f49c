// The `labbook` command as a user runs it: exit codes 0, 1 and 2, and located errors.
import Foundation
import XCTest
@testable import LabRunner

final class CLITests: XCTestCase {
    /// The binary `swift test` built beside the test bundle.
    var labbook: URL { Self.binary }

    static var binary: URL {
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
        let badFormat = try run(["run", "labs/00-demo.yaml", "--format", "md,docx", "--out", NSTemporaryDirectory()])
        XCTAssertEqual(badFormat.status, 2)
        XCTAssertTrue(badFormat.err.contains("--format takes md, html and pdf, comma-separated; 'docx' is none of them"), badFormat.err)

        let out = FileManager.default.temporaryDirectory.appendingPathComponent("labbook-cli-\(UUID())")
        defer { try? FileManager.default.removeItem(at: out) }
        // rounds=0 leaves the demo's repeat without times to take a maximum of: a failed step, exit 1.
        let failing = try run(["run", "labs/00-demo.yaml", "-p", "rounds=0", "--out", out.path, "--junit", out.appendingPathComponent("j.xml").path])
        XCTAssertEqual(failing.status, 1, failing.err)
        XCTAssertTrue(failing.err.contains("step 'burst': $.stats.max: has no key 'max' (at $.stats)"), failing.err)
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

    /// `--model-dir` takes a model as a book names it; an unknown one is a usage error naming the known ones.
    func testPredictTakesModelReferences() throws {
        let image = try Data(contentsOf: LabBookTests.repository.appendingPathComponent("fixtures/goldens/maskrcnn-input.png"))
        let reply = try run(["predict", "--model-dir", "fixture:maskrcnn-tiny", "--handler", "maskrcnn", "--content-type", "image/png",
                             "--accept", "application/json"], stdin: image)
        XCTAssertEqual(reply.status, 0, reply.err)
        XCTAssertTrue(reply.out.hasPrefix("[{\"boxes\": ["), String(reply.out.prefix(80)))
        let unknown = try run(["predict", "--model-dir", "fixture:nope", "--handler", "maskrcnn"])
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.err.contains("fixture:maskrcnn-demo"), unknown.err)
    }

    func testFramesWritesTheKeptFramesAsNumberedPNGs() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("labbook-frames-\(UUID())")
        defer { try? FileManager.default.removeItem(at: out) }
        let clip = "Tests/MediaTests/Goldens/video/tiny.mp4"
        let wrote = try run(["frames", clip, "--every", "5", "--size", "32x24", "--out", out.path])
        XCTAssertEqual(wrote.status, 0, wrote.err)
        XCTAssertTrue(wrote.out.contains("wrote 5 of 24 frames"), wrote.out)
        let names = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        XCTAssertEqual(names, (0..<5).map { String(format: "frame-%05d.png", $0) })

        // A second run keeping fewer frames leaves none of the first run's behind.
        XCTAssertEqual(try run(["frames", clip, "--every", "10", "--out", out.path]).status, 0)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path).count, 3)

        let usage = try run(["frames", clip, "--every", "0", "--out", out.path])
        XCTAssertEqual(usage.status, 2)
        XCTAssertTrue(usage.err.contains("every"), usage.err)
        XCTAssertEqual(try run(["frames", clip, "--size", "256", "--out", out.path]).status, 2)
        XCTAssertEqual(try run(["frames", "no/such.mp4", "--out", out.path]).status, 2)
        let notVideo = try run(["frames", "README.md", "--out", out.path])
        XCTAssertEqual(notVideo.status, 1)
        XCTAssertTrue(notVideo.err.contains("README.md is not a video"), notVideo.err)
    }

    func testModelsListsWhatEachModelIs() throws {
        let listed = try run(["models"])
        XCTAssertEqual(listed.status, 0, listed.err)
        XCTAssertTrue(listed.out.contains("fixture:nsmc-demo\n    a demo model the project trained · ElectraForSequenceClassification, 2 labels · handlers: nsmc, nsmc-lambda"), listed.out)
        XCTAssertTrue(listed.out.contains("fixture:nsmc-tiny\n    random test fixture: scores carry no meaning · ElectraForSequenceClassification"), listed.out)
        let korean = try run(["models", "--language", "ko"])
        XCTAssertTrue(korean.out.contains("프로젝트가 학습한 데모 모델 · "), korean.out)
    }

    func testUsageErrorsExitTwoAndVersionPrints() throws {
        let unknownOption = try run(["run", "labs/00-demo.yaml", "--no-such-option"])
        XCTAssertEqual(unknownOption.status, 2, unknownOption.err)
        XCTAssertTrue(unknownOption.err.contains("Unknown option '--no-such-option'"), unknownOption.err)
        let version = try run(["--version"])
        XCTAssertEqual(version.status, 0)
        XCTAssertTrue(version.out.hasPrefix("0."), version.out)
    }

    /// A run interrupted with Ctrl-C leaves the last complete handout as it was, and no
    /// staging folder behind.
    func testAnInterruptedRunKeepsTheLastHandout() throws {
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("labbook-swap-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "a\n".write(to: dir.appendingPathComponent("s.txt"), atomically: true, encoding: .utf8)
        let book = dir.appendingPathComponent("slow.yaml")
        try """
        id: slow
        title: Slow
        params: {n: {type: int, default: 1}}
        steps:
          - {kind: repeat, id: loop, times: "${params.n}", steps: [{kind: read-file, id: r, path: s.txt}]}
        """.write(to: book, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out")
        XCTAssertEqual(try run(["run", book.path, "--out", out.path]).status, 0)
        let readme = out.appendingPathComponent("slow/README.md")
        let before = try String(contentsOf: readme, encoding: .utf8)

        let process = Process()
        process.executableURL = labbook
        process.arguments = ["run", book.path, "--out", out.path, "-p", "n=100000"]
        process.standardError = FileHandle.nullDevice
        try process.run()
        Thread.sleep(forTimeInterval: 2)
        process.interrupt()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 130)
        XCTAssertEqual(try String(contentsOf: readme, encoding: .utf8), before, "the last handout is untouched")
        let left = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0.hasPrefix(".") }
        XCTAssertEqual(left, [], "no staging folder is left behind")
        let state = "labbook-state-slow-\(process.processIdentifier)"
        XCTAssertFalse(FileManager.default.fileExists(atPath: FileManager.default.temporaryDirectory.appendingPathComponent(state).path),
                       "the interrupted run's state folder is removed")
    }

    func testVerboseShowsInputsAndLogLines() throws {
        let out = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("labbook-verbose-\(UUID())")
        defer { try? FileManager.default.removeItem(at: out) }
        let result = try run(["run", "labs/05-serverless-kornlp.yaml", "--verbose", "--out", out.path])
        XCTAssertEqual(result.status, 0, result.err)
        XCTAssertTrue(result.err.contains("│ input FunctionName = \"kornlp-nsmc\""), result.err)
        XCTAssertTrue(result.err.contains("│ log /aws/lambda/kornlp-nsmc "), result.err)
        XCTAssertTrue(result.err.contains("REPORT RequestId: "), result.err)
    }

    func testParameterFilesMergeInOrder() throws {
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("labbook-f-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "rounds: 2\nstyle: line\n".write(to: dir.appendingPathComponent("a.yaml"), atomically: true, encoding: .utf8)
        try "rounds: 3\n".write(to: dir.appendingPathComponent("b.yaml"), atomically: true, encoding: .utf8)
        let engine = LabEngine()
        let book = try engine.load(LabBookTests.repository.appendingPathComponent("labs/00-demo.yaml"))
        let values = try engine.parameterOverrides(assignments: ["style=step"], files: [dir.appendingPathComponent("a.yaml"),
                                                                                          dir.appendingPathComponent("b.yaml")], books: [book])
        let resolved = try engine.parameters(of: book, overrides: values)
        XCTAssertEqual(resolved["rounds"], .int(3), "the later file wins")
        XCTAssertEqual(resolved["style"], .string("step"), "-p wins over files")
    }
}
