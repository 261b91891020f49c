// Files a run reads or writes that are not what they should be: each is refused by name and
// nothing that labbook did not make is replaced; the run's temporary state does not outlive it.
import Foundation
import Models
import Media
import Formats
import XCTest
@testable import LabRunner

final class HostileFileTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("labbook-hostile-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    private func loadError(_ file: URL) -> String {
        do { _ = try LabEngine().load(file); return "loaded" } catch { return "\(error)" }
    }

    func testNonFilesAndOversizedFilesAreRefusedByName() throws {
        XCTAssertTrue(loadError(URL(fileURLWithPath: "/dev/null")).hasSuffix("/dev/null: is not a regular file (a device, pipe or socket); expected a YAML file"),
                      loadError(URL(fileURLWithPath: "/dev/null")))
        XCTAssertTrue(loadError(dir).contains("is a folder; expected a YAML file"))
        XCTAssertTrue(loadError(dir.appendingPathComponent("missing.yaml")).contains("missing.yaml: no such file"))
        let big = dir.appendingPathComponent("big.yaml")
        try Data(repeating: UInt8(ascii: "#"), count: BookFile.maxBytes + 1).write(to: big)
        XCTAssertTrue(loadError(big).contains("a lab book or parameter file may be at most 4 MB"), loadError(big))
    }

    func testBadUTF8IsLocatedByLineAndColumn() throws {
        let file = dir.appendingPathComponent("latin1.yaml")
        try Data("id: a\ntitle: 한글\nintro: caf".utf8 + [0xE9, 0x20, 0x21]).write(to: file)
        XCTAssertTrue(loadError(file).hasSuffix("latin1.yaml:3:11: the file is not UTF-8 text: byte 0xE9 cannot start or continue a character"),
                      loadError(file))
        let location = try XCTUnwrap(TextPosition.firstInvalidUTF8(in: Data("가나\n다라마\u{0}".utf8 + [0xFF])))
        XCTAssertEqual(location.position, TextPosition(line: 2, column: 5))
        XCTAssertEqual(location.byte, 0xFF)
        XCTAssertNil(TextPosition.firstInvalidUTF8(in: Data("가나\r\n다".utf8)))
    }

    func testAliasBombIsRefusedAtOnce() throws {
        var yaml = "id: laughs\na0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for level in 1..<12 { yaml += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ") + "]\n" }
        let file = dir.appendingPathComponent("laughs.yaml")
        try Data(yaml.utf8).write(to: file)
        let started = Date()
        XCTAssertTrue(loadError(file).contains("YAML anchors and aliases (&a0, *a0) are not supported"), loadError(file))
        XCTAssertLessThan(Date().timeIntervalSince(started), 2, "refused before expanding 9^11 nodes")
    }

    private func run(junit: URL?, out: URL) async throws -> RunOutcome {
        let file = dir.appendingPathComponent("book.yaml")
        try Data("id: tiny\ntitle: tiny\nsteps:\n  - {kind: prose, text: hi}\n".utf8).write(to: file)
        let engine = LabEngine()
        return try await engine.run([try engine.load(file)], overrides: [:], options: RunOptions(outputRoot: out, language: .en),
                                    progress: .silent, junit: junit)
    }

    func testJUnitNeverReplacesALinkOrADeviceAndOutMustBeAFolder() async throws {
        let target = dir.appendingPathComponent("precious.txt")
        try Data("keep me".utf8).write(to: target)
        let link = dir.appendingPathComponent("report.xml")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: target)
        let cases: [(URL, String)] = [(link, "is a symbolic link"), (URL(fileURLWithPath: "/dev/null"), "is not a regular file"), (dir!, "is a folder")]
        for (path, what) in cases {
            do {
                _ = try await run(junit: path, out: dir.appendingPathComponent("out"))
                XCTFail("\(path.path) accepted")
            } catch {
                XCTAssertTrue("\(error)".contains("--junit \(path.path): \(what)"), "\(error)")
            }
        }
        XCTAssertEqual(try String(contentsOf: target, encoding: .utf8), "keep me")
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: link.path), target.path)
        do {
            _ = try await run(junit: nil, out: target)
            XCTFail("--out a file accepted")
        } catch {
            XCTAssertTrue("\(error)".contains("--out \(target.path): is a file; handouts are written into a folder"), "\(error)")
        }
    }

    func testARunLeavesNoTemporaryState() async throws {
        let outcome = try await run(junit: dir.appendingPathComponent("junit.xml"), out: dir.appendingPathComponent("out"))
        XCTAssertEqual(outcome.exitCode, 0)
        XCTAssertEqual(InterruptCleanup.stateFolders(), [])
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("out/tiny/README.md").path))
    }

    func testABookReadsOnlyUnderItsFoldersUnlessAllowed() async throws {
        let secret = FileManager.default.temporaryDirectory.appendingPathComponent("labbook-secret-\(UUID())")
        try FileManager.default.createDirectory(at: secret, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: secret) }
        try Data("password".utf8).write(to: secret.appendingPathComponent("key.txt"))
        let book = dir.appendingPathComponent("book")
        try FileManager.default.createDirectory(at: book, withIntermediateDirectories: true)
        // A link inside the book's folder that points out of it is resolved before the check.
        try FileManager.default.createSymbolicLink(at: book.appendingPathComponent("innocent.txt"),
                                                   withDestinationURL: secret.appendingPathComponent("key.txt"))
        // `door/../key.txt` names the book's own decoy key.txt as text, but the kernel follows
        // the link first and opens the key beside the link's target: resolved as it opens.
        try FileManager.default.createDirectory(at: secret.appendingPathComponent("inner"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: book.appendingPathComponent("door"), withDestinationURL: secret.appendingPathComponent("inner"))
        try Data("decoy".utf8).write(to: book.appendingPathComponent("key.txt"))
        let file = book.appendingPathComponent("book.yaml")
        for path in ["../../\(secret.lastPathComponent)/key.txt", secret.appendingPathComponent("key.txt").path, "innocent.txt", "door/../key.txt"] {
            try Data("id: thief\ntitle: thief\nsteps:\n  - {kind: read-file, id: steal, path: \"\(path)\"}\n".utf8).write(to: file)
            let engine = LabEngine()
            let outcome = try await engine.run([try engine.load(file)], overrides: [:],
                                               options: RunOptions(outputRoot: dir.appendingPathComponent("out"), language: .en),
                                               progress: .silent)
            let failure = outcome.runs[0].records[0].failure ?? ""
            XCTAssertTrue(failure.contains("outside the folders a book may read") && failure.contains("--allow-read"), failure)
            let handout = try String(contentsOf: dir.appendingPathComponent("out/thief/README.md"), encoding: .utf8)
            XCTAssertFalse(handout.contains("password"), path)
        }
        let engine = LabEngine()
        let allowed = try await engine.run([try engine.load(file)], overrides: [:],
                                           options: RunOptions(outputRoot: dir.appendingPathComponent("out"), language: .en, allowRead: [secret]),
                                           progress: .silent)
        XCTAssertEqual(allowed.exitCode, 0, "--allow-read widens the rule")
    }

    /// Issue 15: every step that reads a file the book names is confined, not only read-file:
    /// a model folder (packaged and listed in the handout) and an image to show.
    func testEveryReadingStepIsConfined() async throws {
        let secret = FileManager.default.temporaryDirectory.appendingPathComponent("labbook-secret-\(UUID())")
        try FileManager.default.copyItem(at: try TinyModels.fixture("models/nsmc-tiny"), to: secret)
        defer { try? FileManager.default.removeItem(at: secret) }
        let png = try PNGEncoder.encode(try RGBImage(width: 4, height: 4, fill: RGB(1, 2, 3)))
        try png.write(to: secret.appendingPathComponent("face.png"))
        let steps = [
            "{kind: model.package, id: pkg, model: \"\(secret.path)\", program: nsmc}",
            "{kind: image.show, id: show, file: \"\(secret.path)/face.png\", caption: x}",
        ]
        let file = dir.appendingPathComponent("book.yaml")
        for step in steps {
            try Data("id: thief\ntitle: thief\nsteps:\n  - \(step)\n".utf8).write(to: file)
            let engine = LabEngine()
            let outcome = try await engine.run([try engine.load(file)], overrides: [:],
                                               options: RunOptions(outputRoot: dir.appendingPathComponent("out"), language: .en),
                                               progress: .silent)
            let failure = outcome.runs[0].records[0].failure ?? ""
            XCTAssertTrue(failure.contains("outside the folders a book may read"), "\(step): \(failure)")
            XCTAssertEqual(InterruptCleanup.stateFolders(), [], "a failed run leaves no temporary state either")
        }
    }

    /// Issue 15: a device is refused by name even where reading is allowed, instead of being
    /// read without end; a --junit whose folder cannot be made is refused before the run.
    func testDevicesAndMissingReportFoldersAreRefusedByName() async throws {
        let file = dir.appendingPathComponent("book.yaml")
        try Data("id: dev\ntitle: dev\nsteps:\n  - {kind: read-file, id: zero, path: /dev/zero}\n".utf8).write(to: file)
        let engine = LabEngine()
        let outcome = try await engine.run([try engine.load(file)], overrides: [:],
                                           options: RunOptions(outputRoot: dir.appendingPathComponent("out"), language: .en,
                                                               allowRead: [URL(fileURLWithPath: "/dev")]),
                                           progress: .silent)
        let failure = outcome.runs[0].records[0].failure ?? ""
        XCTAssertTrue(failure.contains("/dev/zero is not a regular file (a device, pipe or socket)"), failure)
        let blocker = dir.appendingPathComponent("a-file")
        try Data("x".utf8).write(to: blocker)
        let impossible = blocker.appendingPathComponent("junit.xml")
        do {
            _ = try await run(junit: impossible, out: dir.appendingPathComponent("out"))
            XCTFail("--junit under a file accepted")
        } catch {
            XCTAssertTrue("\(error)".contains("--junit \(impossible.path): cannot make the folder \(blocker.path)"), "\(error)")
        }
    }

    /// Issue 15: a parameter file is read as a book is: an alias bomb is refused at once.
    func testAliasBombInAParameterFileIsRefused() throws {
        let book = dir.appendingPathComponent("book.yaml")
        try Data("id: p\ntitle: p\nparams: {n: {type: int, default: 1}}\nsteps:\n  - {kind: prose, text: \"${params.n}\"}\n".utf8).write(to: book)
        var yaml = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for level in 1..<12 { yaml += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ") + "]\n" }
        let parameters = dir.appendingPathComponent("params.yaml")
        try Data(yaml.utf8).write(to: parameters)
        let engine = LabEngine()
        let started = Date()
        XCTAssertThrowsError(try engine.parameterOverrides(assignments: [], files: [parameters], books: [try engine.load(book)])) { error in
            XCTAssertTrue("\(error)".contains("params.yaml:1:5: YAML anchors and aliases (&a0, *a0) are not supported"), "\(error)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 2)
    }
}
