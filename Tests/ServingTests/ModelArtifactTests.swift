import Foundation
import XCTest
@testable import Serving

final class ModelArtifactTests: XCTestCase {
    private let files = FileManager.default

    private func temporaryDirectory() throws -> URL {
        let url = files.temporaryDirectory.appendingPathComponent("artifact-\(UUID().uuidString)", isDirectory: true)
        try files.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// A model directory as the labs build it: weights at the root, the handler under code/.
    private func makeModelDirectory() throws -> URL {
        let root = try temporaryDirectory().appendingPathComponent("model")
        let layout: [String: Data] = [
            "pytorch_model.bin": Data((0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }),
            "config.json": Data(#"{"hidden_size": 256}"#.utf8),
            "code/inference.py": Data("def model_fn(model_dir):\n    pass\n".utf8),
            "code/requirements.txt": Data("transformers==4.12\n".utf8),
            "code/lib/tokenizer_utils.py": Data("# 한국어 토크나이저\n".utf8),
            String(repeating: "deep/", count: 25) + "file.txt": Data("long path".utf8),
        ]
        for (path, data) in layout {
            let url = root.appendingPathComponent(path)
            try files.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
        }
        try files.createDirectory(at: root.appendingPathComponent("empty"), withIntermediateDirectories: true)
        return root
    }

    @discardableResult
    private func runTar(_ arguments: [String], in directory: URL) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["tar"] + arguments
        process.currentDirectoryURL = directory
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "tar \(arguments.joined(separator: " ")): \(errorText)")
        return text
    }

    /// Relative path -> contents for every regular file under `root`.
    private func snapshot(_ root: URL) throws -> [String: Data] {
        var result: [String: Data] = [:]
        for case let path as String in files.enumerator(atPath: root.path)?.allObjects ?? [] {
            let url = root.appendingPathComponent(path)
            if (try files.attributesOfItem(atPath: url.path))[.type] as? FileAttributeType == .typeRegular {
                result[path] = try Data(contentsOf: url)
            }
        }
        return result
    }

    func testSystemTarReadsWhatWePack() throws {
        let model = try makeModelDirectory()
        let archive = try ModelArtifact.pack(directory: model)
        let work = try temporaryDirectory()
        try archive.write(to: work.appendingPathComponent("model.tar.gz"))

        let listed = try runTar(["-tzf", "model.tar.gz"], in: work).split(separator: "\n").map(String.init)
        XCTAssertEqual(listed, listed.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }, "entries are sorted")
        for expected in ["code/", "code/inference.py", "code/lib/tokenizer_utils.py", "config.json", "empty/", "pytorch_model.bin"] {
            XCTAssertTrue(listed.contains(expected), "tar -t lists \(expected): \(listed)")
        }
        let verbose = try runTar(["-tvzf", "model.tar.gz", "config.json"], in: work)
        XCTAssertTrue(verbose.contains("root/root"), verbose)
        XCTAssertTrue(verbose.contains("2026-01-01"), "fixed mtime: \(verbose)")

        let extracted = work.appendingPathComponent("out")
        try files.createDirectory(at: extracted, withIntermediateDirectories: true)
        try runTar(["-xzf", "../model.tar.gz"], in: extracted)
        XCTAssertEqual(try snapshot(extracted), try snapshot(model))
    }

    func testPackingIsDeterministic() throws {
        let model = try makeModelDirectory()
        let first = try ModelArtifact.pack(directory: model)
        try files.setAttributes([.modificationDate: Date(timeIntervalSince1970: 0)],
                                ofItemAtPath: model.appendingPathComponent("config.json").path)
        XCTAssertEqual(try ModelArtifact.pack(directory: model), first)
    }

    func testUnpacksWhatSystemTarPacks() throws {
        let model = try makeModelDirectory()
        let work = try temporaryDirectory()
        for format in ["gnu", "pax", "ustar"] {
            let name = "\(format).tar.gz"
            if format == "ustar" {  // ustar cannot hold the 130-byte path; leave it out
                try runTar(["--format=ustar", "-czf", work.appendingPathComponent(name).path,
                            "pytorch_model.bin", "config.json", "code", "empty"], in: model)
            } else {
                try runTar(["--format=\(format)", "-czf", work.appendingPathComponent(name).path, "."], in: model)
            }
            let destination = work.appendingPathComponent("unpacked-\(format)")
            let written = try ModelArtifact.unpack(try Data(contentsOf: work.appendingPathComponent(name)), into: destination)
            XCTAssertTrue(written.contains("code/inference.py"), "\(format): \(written)")
            var expected = try snapshot(model)
            if format == "ustar" { expected = expected.filter { !$0.key.hasPrefix("deep/") } }
            XCTAssertEqual(try snapshot(destination), expected, format)
        }
    }

    func testRoundTripThroughOurOwnUnpack() throws {
        let model = try makeModelDirectory()
        let destination = try temporaryDirectory().appendingPathComponent("x")
        try ModelArtifact.unpack(try ModelArtifact.pack(directory: model), into: destination)
        XCTAssertEqual(try snapshot(destination), try snapshot(model))
        var isDirectory: ObjCBool = false
        XCTAssertTrue(files.fileExists(atPath: destination.appendingPathComponent("empty").path, isDirectory: &isDirectory))
        XCTAssertTrue(isDirectory.boolValue)
    }

    private func hostile(_ entries: [TarEntry]) throws -> Data {
        try Gzip.compress(TarArchive.archive(entries))
    }

    func testRefusesEntriesThatEscape() throws {
        let harmless = TarEntry(path: "weights.bin", kind: .file, mode: 0o644, contents: Data("w".utf8))
        let cases: [(String, TarEntry)] = [
            ("parent segment", TarEntry(path: "../evil.py", kind: .file, mode: 0o644, contents: Data("x".utf8))),
            ("parent inside path", TarEntry(path: "code/../../evil.py", kind: .file, mode: 0o644)),
            ("absolute path", TarEntry(path: "/tmp/evil.py", kind: .file, mode: 0o644)),
            ("symlink climbing out", TarEntry(path: "code/up", kind: .symbolicLink(target: "../../etc"), mode: 0o777)),
            ("absolute symlink", TarEntry(path: "passwd", kind: .symbolicLink(target: "/etc/passwd"), mode: 0o777)),
        ]
        for (label, entry) in cases {
            let destination = try temporaryDirectory().appendingPathComponent("dest")
            XCTAssertThrowsError(try ModelArtifact.unpack(try hostile([harmless, entry]), into: destination), label) { error in
                guard case ModelArtifactError.escapingEntry = error else { return XCTFail("\(label): \(error)") }
            }
            XCTAssertFalse(files.fileExists(atPath: destination.appendingPathComponent("weights.bin").path),
                           "\(label): nothing is written when any entry is refused")
        }
        let destination = try temporaryDirectory().appendingPathComponent("dest")
        try ModelArtifact.unpack(try hostile([harmless, TarEntry(path: "code/w", kind: .symbolicLink(target: "../weights.bin"), mode: 0o777)]),
                                 into: destination)
        XCTAssertEqual(try Data(contentsOf: destination.appendingPathComponent("code/w")), Data("w".utf8), "links inside are fine")
    }

    func testRefusesEveryLinkWhenAskedTo() throws {
        let archive = try hostile([TarEntry(path: "weights.bin", kind: .file, mode: 0o644, contents: Data("w".utf8)),
                                   TarEntry(path: "code/w", kind: .symbolicLink(target: "../weights.bin"), mode: 0o777)])
        let destination = try temporaryDirectory().appendingPathComponent("dest")
        XCTAssertThrowsError(try ModelArtifact.unpack(archive, into: destination, allowingLinks: false)) { error in
            XCTAssertEqual(error as? ModelArtifactError, .escapingEntry(path: "code/w", reason: "symbolic links are not accepted here"))
        }
        XCTAssertFalse(files.fileExists(atPath: destination.path), "nothing is written when a link is refused")
    }

    func testRejectsCorruptAndTruncatedArchives() throws {
        let model = try makeModelDirectory()
        let good = try ModelArtifact.pack(directory: model)
        let tar = try Gzip.decompress(good)
        var badChecksum = tar
        badChecksum[10] ^= 0x01  // inside the first header's name field
        var flipped = good
        flipped[good.count / 2] ^= 0xff
        let cases: [(String, Data)] = [
            ("empty", Data()),
            ("not gzip", Data("model weights".utf8)),
            ("gzip cut in half", good.prefix(good.count / 2)),
            ("gzip without trailer", good.dropLast(4)),
            ("flipped byte", flipped),
            ("tar cut mid-file", try Gzip.compress(tar.prefix(700))),
            ("tar cut mid-header", try Gzip.compress(tar.prefix(100))),
            ("tar without end blocks", try Gzip.compress(tar.prefix(1024))),
            ("bad header checksum", try Gzip.compress(badChecksum)),
        ]
        for (label, data) in cases {
            let destination = try temporaryDirectory().appendingPathComponent("dest")
            XCTAssertThrowsError(try ModelArtifact.unpack(data, into: destination), label) { error in
                guard case ModelArtifactError.corrupt(let reason) = error else { return XCTFail("\(label): \(error)") }
                XCTAssertFalse(reason.isEmpty)
            }
            XCTAssertFalse(files.fileExists(atPath: destination.path), "\(label): nothing is written")
        }
    }

    func testPackRefusesAMissingDirectory() throws {
        let missing = try temporaryDirectory().appendingPathComponent("absent")
        XCTAssertThrowsError(try ModelArtifact.pack(directory: missing)) { error in
            XCTAssertEqual(error as? ModelArtifactError, .notADirectory(missing.standardizedFileURL.path))
        }
    }

    func testGzipReadsConcatenatedMembers() throws {
        let joined = try Gzip.compress(Data("first ".utf8)) + Gzip.compress(Data("second".utf8))
        XCTAssertEqual(try Gzip.decompress(joined), Data("first second".utf8))
        XCTAssertThrowsError(try Gzip.decompress(try Gzip.compress(Data(count: 10_000)), limit: 9_999))
    }

    func testCRC32MatchesTheCheckValue() {
        XCTAssertEqual(CRC32.checksum(Data("123456789".utf8)), 0xcbf4_3926)  // the CRC-32/ISO-HDLC check value
    }
}
