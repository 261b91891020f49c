// Tests for Serving: hostile tar headers, gzip bombs, and the model container's work directory.
import Foundation
import XCTest
@testable import Serving

final class ServingTests: XCTestCase {
    private let files = FileManager.default

    private func temporaryDirectory() throws -> URL {
        let url = files.temporaryDirectory.appendingPathComponent("serving-\(UUID().uuidString)", isDirectory: true)
        try files.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// A pax extended header ('x') carrying `records`, then one regular file.
    private func paxArchive(_ records: String) throws -> Data {
        let header = try TarArchive.archive([TarEntry(path: "PaxHeader", kind: .file, mode: 0o644, contents: Data(records.utf8))])
        var block = [UInt8](header.dropLast(1024))  // without the end-of-archive blocks
        block[156] = UInt8(ascii: "x")
        for index in 148..<156 { block[index] = UInt8(ascii: " ") }
        let checksum = block[0..<512].reduce(0) { $0 + Int($1) }
        let field = Array(String(format: "%06o", checksum).utf8) + [0, UInt8(ascii: " ")]
        block.replaceSubrange(148..<156, with: field)
        let file = try TarArchive.archive([TarEntry(path: "weights.bin", kind: .file, mode: 0o644, contents: Data("w".utf8))])
        return Data(block) + file
    }

    func testPaxRecordLengthsCannotOverflow() throws {
        let cases: [(String, String)] = [
            ("length Int.max", "\(Int.max) path=x\n"),
            // After a first record `index + length` is past Int.max: this used to trap.
            ("length Int.max after a record", "15 path=better\n\(Int.max) path=x\n"),
            ("length Int.max - 10 after a record", "15 path=better\n\(Int.max - 10) path=x\n"),
            ("length Int.max - 1", "\(Int.max - 1) path=x\n"),
            ("length past the record", "100 path=x\n"),
            ("length zero", "0 path=x\n"),
            ("negative length", "-5 path=x\n"),
            ("no newline at the end", "10 path=xyz"),
        ]
        for (label, records) in cases {
            XCTAssertThrowsError(try TarArchive.entries(in: paxArchive(records)), label) { error in
                guard case TarError.malformedHeader(_, "pax record", _) = error else { return XCTFail("\(label): \(error)") }
            }
        }
        let renamed = try TarArchive.entries(in: paxArchive("15 path=better\n"))
        XCTAssertEqual(renamed.map(\.path), ["better"], "a well-formed record still applies")
    }

    func testGzipBombFailsFastWithATypedError() throws {
        // 64 concatenated members of 1 MiB of zeros: ~64 KiB that inflate to 64 MiB.
        let member = try Gzip.compress(Data(count: 1 << 20))
        let bomb = Data((0..<64).flatMap { _ in member })
        XCTAssertLessThan(bomb.count, 128 << 10)
        let destination = try temporaryDirectory().appendingPathComponent("dest")
        let started = Date()
        XCTAssertThrowsError(try ModelArtifact.unpack(bomb, into: destination, limit: 4 << 20)) { error in
            guard case ModelArtifactError.corrupt(let reason) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains("passes the limit of 4194304 bytes"), reason)
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 2, "stops at the limit instead of inflating everything")
        XCTAssertFalse(files.fileExists(atPath: destination.path))
        // The default limit is what model artifacts get (SageMaker hosting, local mode, packaging).
        XCTAssertEqual(ModelArtifact.maxUnpackedSize, 1 << 30)
    }

    private struct Fixed: InferenceHandler {
        func invoke(body: Data, contentType: String, accept: String) throws -> InvocationResponse {
            InvocationResponse(body: body, contentType: contentType)
        }
    }

    func testContainerClearsOnlyItsOwnWorkDirectory() throws {
        var registry = HandlerRegistry()
        registry.register(model: "fixed", summary: "echo") { _ in Fixed() }
        let staging = try temporaryDirectory().appendingPathComponent("model")
        try files.createDirectory(at: staging, withIntermediateDirectories: true)
        try Data("w".utf8).write(to: staging.appendingPathComponent("weights.bin"))
        let artifact = try ModelArtifact.pack(directory: staging)

        let root = try temporaryDirectory()
        let foreign = root.appendingPathComponent("home")
        try files.createDirectory(at: foreign, withIntermediateDirectories: true)
        try Data("keep me".utf8).write(to: foreign.appendingPathComponent("notes.txt"))
        let plainFile = root.appendingPathComponent("file.txt")
        try Data("keep me".utf8).write(to: plainFile)
        let link = root.appendingPathComponent("link")
        try files.createSymbolicLink(at: link, withDestinationURL: foreign)
        let empty = root.appendingPathComponent("empty")
        try files.createDirectory(at: empty, withIntermediateDirectories: true)

        let refused: [(String, URL)] = [("foreign files", foreign), ("a regular file", plainFile), ("a symbolic link", link)]
        for (label, url) in refused {
            XCTAssertThrowsError(try ModelContainer(artifact: artifact, program: "fixed", registry: registry, workDirectory: url), label) { error in
                XCTAssertEqual(error as? ModelContainerError, .workDirectoryInUse(url.path), label)
            }
        }
        XCTAssertEqual(try Data(contentsOf: foreign.appendingPathComponent("notes.txt")), Data("keep me".utf8))
        XCTAssertEqual(try Data(contentsOf: plainFile), Data("keep me".utf8))

        for (label, url) in [("empty", empty), ("missing", root.appendingPathComponent("missing"))] {
            let container = try ModelContainer(artifact: artifact, program: "fixed", registry: registry, workDirectory: url)
            XCTAssertEqual(container.ping(), 200, label)
            XCTAssertTrue(files.fileExists(atPath: url.appendingPathComponent(ModelContainer.markerName).path), label)
            // A second container may reuse it: the marker says it is ours; stale files go.
            try Data("stale".utf8).write(to: url.appendingPathComponent("stale.bin"))
            _ = try ModelContainer(artifact: artifact, program: "fixed", registry: registry, workDirectory: url)
            XCTAssertFalse(files.fileExists(atPath: url.appendingPathComponent("stale.bin").path), label)
            XCTAssertTrue(files.fileExists(atPath: url.appendingPathComponent("weights.bin").path), label)
        }
    }
}
