// The handout as PDF: the printable HTML page printed by headless Chromium (Debian's
// `chromium`), as Quarto and Jupyter Book print theirs. A missing browser or a print that
// hangs is an error naming what to install or what timed out.
import Foundation

enum HandoutPDF {
    enum Failure: Error, CustomStringConvertible {
        case noBrowser(searched: [String])
        case failed(status: Int32, detail: String)
        case timedOut(seconds: Int)
        case notPDF(String)

        var description: String {
            switch self {
            case .noBrowser(let searched):
                "--format pdf prints the HTML handout with headless Chromium, and none was found (looked for \(searched.joined(separator: ", ")) on PATH and $LABBOOK_CHROMIUM). Install Debian's chromium, or leave pdf out of --format."
            case let .failed(status, detail): "headless Chromium exited \(status) printing the handout: \(detail)"
            case .timedOut(let seconds): "headless Chromium did not finish printing the handout in \(seconds) s"
            case .notPDF(let path): "headless Chromium wrote no PDF at \(path)"
            }
        }
    }

    static let browsers = ["chromium", "chromium-browser", "google-chrome"]
    static let timeout = 180

    static func browser() throws -> URL {
        if let chosen = ProcessInfo.processInfo.environment["LABBOOK_CHROMIUM"], !chosen.isEmpty {
            return URL(fileURLWithPath: chosen)
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for name in browsers {
            for folder in path.split(separator: ":") {
                let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent(name)
                if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            }
        }
        throw Failure.noBrowser(searched: browsers)
    }

    /// Prints `html` (a file) to `pdf`. Chromium gets a profile folder of its own, removed after.
    static func print(_ html: URL, to pdf: URL) throws {
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("labbook-chromium-\(UUID().uuidString)")
        InterruptCleanup.register(temporary: profile)
        defer {
            try? FileManager.default.removeItem(at: profile)
            InterruptCleanup.unregister(temporary: profile)
        }
        let process = Process()
        process.executableURL = try browser()
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
                             "--user-data-dir=\(profile.path)", "--no-pdf-header-footer", "--print-to-pdf=\(pdf.path)",
                             html.absoluteURL.absoluteString]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        try process.run()
        // Read stderr while it runs, so a chatty browser never blocks on a full pipe.
        let drained = DispatchQueue(label: "labbook.chromium.stderr")
        nonisolated(unsafe) var detail = Data()
        drained.async { detail = errors.fileHandleForReading.readDataToEndOfFile() }
        if finished.wait(timeout: .now() + .seconds(timeout)) == .timedOut {
            process.terminate()
            throw Failure.timedOut(seconds: timeout)
        }
        // A browser helper that outlives the main process may hold stderr open: don't wait on it forever.
        let drainedInTime = DispatchSemaphore(value: 0)
        drained.async { drainedInTime.signal() }
        let stderrRead = drainedInTime.wait(timeout: .now() + .seconds(5)) == .success
        guard process.terminationStatus == 0 else {
            let text = stderrRead ? String(decoding: detail.suffix(2000), as: UTF8.self) : "(its error output was still open)"
            throw Failure.failed(status: process.terminationStatus, detail: text.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        guard let head = try? FileHandle(forReadingFrom: pdf).read(upToCount: 5), head == Data("%PDF-".utf8) else {
            throw Failure.notPDF(pdf.path)
        }
    }
}
