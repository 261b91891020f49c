// Every book in BrokenBooks/ must be rejected with the located message its first line
// names (`# error: LINE:COL: message prefix`).
import Foundation
import XCTest
@testable import LabRunner

final class BrokenBookTests: XCTestCase {
    func testEveryBrokenBookIsRejectedAtItsLocation() throws {
        let folder = try XCTUnwrap(Bundle.module.url(forResource: "BrokenBooks", withExtension: nil))
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "yaml" }.sorted { $0.path < $1.path }
        XCTAssertGreaterThanOrEqual(files.count, 30)
        let engine = LabEngine()
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            let header = try XCTUnwrap(text.split(separator: "\n").first, file.lastPathComponent)
            let expected = header.replacingOccurrences(of: "# error: ", with: "")
            XCTAssertThrowsError(try engine.load(file), file.lastPathComponent) { error in
                guard let error = error as? LabError else { return XCTFail("\(file.lastPathComponent): not a LabError: \(error)") }
                let located = "\(error.location.line):\(error.location.column): \(error.message)"
                XCTAssertTrue(located.hasPrefix(expected), "\(file.lastPathComponent)\n  want: \(expected)\n  got:  \(located)")
                XCTAssertTrue(error.location.file.hasSuffix(file.lastPathComponent))
            }
        }
    }

    func testGarbageNeverCrashesTheLoader() throws {
        let engine = LabEngine()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("labbook-garbage-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let valid = Array("id: a\ntitle: A\nsteps:\n  - kind: repeat\n    times: ${params.n}\n    steps: [{kind: prose}]\nparams: {n: {type: int, default: 2}}\n".utf8)
        var generator = SystemRandomNumberGenerator()
        for round in 0..<300 {
            var bytes = valid
            if round < valid.count { bytes = Array(valid.prefix(round)) }  // every truncation
            else { for _ in 0..<3 { bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator) } }
            let file = dir.appendingPathComponent("g.yaml")
            try Data(bytes).write(to: file)
            _ = try? engine.load(file)  // must return or throw, never trap
        }
    }
}
