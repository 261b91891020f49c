// A python3 child that keeps a reference library's network loaded and answers one line per
// request (usually the milliseconds of one forward), so a benchmark can alternate its own
// forwards with the reference's and both sides see the same load on a shared machine.
import ArgumentParser
import Foundation

final class PythonWorker {
    /// The first line the child prints once it is ready (versions, usually).
    let banner: String
    private let process = Process()
    private let input = Pipe(), output = Pipe()

    /// Runs `python3 <arguments>`; `hint` says what to install when it does not start.
    init(_ arguments: [String], hint: String) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        // libgomp's threads (PyTorch's, OpenCV's with OpenMP) spin after each call; on two cores
        // they spun into the next side's timing (labbook's ELECTRA forward: 19.4 ms alone, 28 ms
        // after a PyTorch call, 23.6 ms with this). Passive, they sleep once a call is done.
        var environment = ProcessInfo.processInfo.environment
        if environment["OMP_WAIT_POLICY"] == nil { environment["OMP_WAIT_POLICY"] = "PASSIVE" }
        process.environment = environment
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        guard let line = PythonWorker.readLine(output) else { throw ValidationError("the python3 reference did not start (\(hint))") }
        banner = line
    }

    /// Sends `request` and returns the child's one-line answer.
    func ask(_ request: String) throws -> String {
        input.fileHandleForWriting.write(Data((request + "\n").utf8))
        guard let line = PythonWorker.readLine(output) else { throw ValidationError("the python3 reference stopped answering") }
        return line
    }

    /// Milliseconds the child reports for `request`.
    func milliseconds(_ request: String) throws -> Double {
        let answer = try ask(request)
        guard let value = Double(answer) else { throw ValidationError("the python3 reference answered \(answer)") }
        return value
    }

    func stop() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    private static func readLine(_ output: Pipe) -> String? {
        var bytes = Data()
        while true {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty { return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self) }
            if byte.first == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
        }
    }
}

/// Median of `values` (the upper middle one for an even count); 0 when empty.
func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
}
