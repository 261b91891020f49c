// A long `repeat` costs its values, not their renderings: the handout's full-output file,
// the result cache's copy and later steps' keys are written and hashed as they render, and
// equal iterations share storage, also when read back from the cache. Measured as the peak
// resident memory of a `labbook` process (ru_maxrss) against the same run with one round.
import Foundation
import XCTest
@testable import LabRunner

final class BoundedMemoryTests: XCTestCase {
    /// Per round the book reads a 66 KB text file; 600 rounds render to about 40 MB of JSON.
    /// Before streaming, a run held several renderings at once (a 482 MB peak for 69 MB of
    /// output); now the output costs its values and a write buffer.
    static let rounds = 600
    static let runAllowance = 24 << 20

    func testALongRepeatIsWrittenWithoutHoldingItsRendering() throws {
        let folder = try temporaryBook()
        defer { try? FileManager.default.removeItem(at: folder) }
        let book = folder.appendingPathComponent("book.yaml").path
        let out = folder.appendingPathComponent("out").path

        let baseline = try peakMemory(["run", book, "--out", out, "-p", "rounds=1"])
        let full = try peakMemory(["run", book, "--out", out, "-p", "rounds=\(Self.rounds)"])
        let handout = folder.appendingPathComponent("out/bounded-memory")
        let fullOutput = try Data(contentsOf: handout.appendingPathComponent("burst.output.json"))
        XCTAssertGreaterThan(fullOutput.count, 40_000_000, "the full output is the whole repeat")
        let value = try LabValue(json: fullOutput)
        XCTAssertEqual(value["count"], .int(Self.rounds))
        XCTAssertEqual(value["items"]?.list?.last?["read"]?["bytes"], .int(66_000))
        XCTAssertLessThan(full - baseline, Self.runAllowance,
                          "a \(Self.rounds)-round run peaked \(full >> 20) MB, the one-round run \(baseline >> 20) MB")

        // Read back from the cache, the repeat's records share storage again; the cache file
        // itself is read mapped, so its pages count as resident.
        let cached = try FileManager.default.attributesOfItem(
            atPath: handout.appendingPathComponent(".labbook-cache/burst.output.json").path)[.size] as? Int ?? 0
        let reload = try peakMemory(["run", book, "--out", out, "-p", "rounds=\(Self.rounds)", "--only", "done"])
        XCTAssertLessThan(reload - baseline, cached + Self.runAllowance,
                          "reading the \(cached >> 20) MB cached repeat back peaked \(reload >> 20) MB, the one-round run \(baseline >> 20) MB")
    }

    private func temporaryBook() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("labbook-memory-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // 1,100 lines of 60 bytes: 66,000 bytes of text.
        let line = String(repeating: "x", count: 59) + "\n"
        try String(repeating: line, count: 1100).write(to: folder.appendingPathComponent("text.txt"), atomically: true, encoding: .utf8)
        try """
            id: bounded-memory
            title: Bounded memory
            params:
              rounds: {type: int, default: 1}
            steps:
              - kind: repeat
                id: burst
                times: ${params.rounds}
                steps:
                  - {kind: read-file, id: read, path: text.txt}
              - kind: prose
                id: done
                text: "${steps.burst.count} rounds"
            """.write(to: folder.appendingPathComponent("book.yaml"), atomically: true, encoding: .utf8)
        return folder
    }

    /// Runs `labbook` and returns its peak resident memory in bytes; fails unless it exits 0.
    /// Python starts it and reads ru_maxrss: Linux counts the memory of the process that
    /// spawned a program in the program's peak, and this test process is hundreds of MB by now.
    private func peakMemory(_ arguments: [String]) throws -> Int {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", """
            import resource, subprocess, sys
            status = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
            print(status, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
            """, CLITests.binary.path] + arguments
        var environment = ProcessInfo.processInfo.environment
        // Under AddressSanitizer freed memory waits in a quarantine (256 MB by default),
        // which would count as resident here: measure what the program holds.
        environment["ASAN_OPTIONS"] = [environment["ASAN_OPTIONS"], "quarantine_size_mb=0", "thread_local_quarantine_size_kb=0"]
            .compactMap { $0 }.joined(separator: ":")
        process.environment = environment
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let fields = text.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        guard fields.count == 2 else { XCTFail("no measurement: \(text)"); return 0 }
        XCTAssertEqual(fields[0], 0, "labbook \(arguments.joined(separator: " ")) exited with \(fields[0])")
        return fields[1] * 1024
    }
}
