// Progress as a book runs: on a terminal one live line per step with elapsed time and
// a bar for `repeat`; elsewhere (CI, pipes) plain lines.
import Foundation

protocol ProgressReporter: Sendable {
    func bookStarted(_ book: LabBook, language: Language)
    func started(_ spec: StepSpec, position: Int, of total: Int)
    func progress(_ spec: StepSpec, done: Int, total: Int)
    func finished(_ record: StepRecord, position: Int, of total: Int)
    /// `--verbose` lines under the step that just finished.
    func details(_ lines: [String])
}

public enum ProgressStyle: Sendable {
    case live, plain, silent

    /// Live on a terminal, plain otherwise.
    public static var automatic: ProgressStyle {
        isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["CI"] == nil ? .live : .plain
    }
}

final class StreamReporter: ProgressReporter, @unchecked Sendable {

    private let style: ProgressStyle
    private let lock = NSLock()
    private var stepStart = Date()
    private var lastDraw = Date.distantPast

    private var reused = (count: 0, kept: 0, first: 0, last: 0, total: 0)

    init(style: ProgressStyle) { self.style = style }

    /// Says how many steps in a row came from the result cache or kept their last result.
    func flushReused() {
        let run = lock.withLock { () -> (count: Int, kept: Int, first: Int, last: Int, total: Int) in
            defer { reused = (0, 0, 0, 0, 0) }
            return reused
        }
        guard run.count > 0 else { return }
        let span = run.first == run.last ? "[\(run.first)/\(run.total)]" : "[\(run.first)–\(run.last)/\(run.total)]"
        var what = "\(run.count - run.kept) from the result cache"
        if run.kept > 0 { what = run.kept == run.count ? "\(run.kept) kept from the last run, not run" : what + ", \(run.kept) kept from the last run" }
        write("  ↺ \(span) \(what)\n")
    }

    fileprivate func write(_ text: String) {
        guard style != .silent else { return }
        FileHandle.standardError.write(Data(text.utf8))
    }

    func bookStarted(_ book: LabBook, language: Language) {
        write("\(Terminal.bold("▶ \(book.id)", style)) \(book.title.text(language) ?? "") — \(book.file.lastPathComponent)\n")
    }

    func started(_ spec: StepSpec, position: Int, of total: Int) {
        flushReused()
        lock.withLock { stepStart = Date() }
        if style == .live { write("\r\u{1B}[2K  [\(position + 1)/\(total)] \(spec.id) (\(spec.kind)) …") }
    }

    func progress(_ spec: StepSpec, done: Int, total: Int) {
        guard style == .live else {
            // A line every tenth in CI so long loops show life without flooding the log.
            if total >= 10, done % max(1, total / 10) == 0 { write("    \(spec.id): \(done)/\(total)\n") }
            return
        }
        let now = Date()
        guard lock.withLock({ () -> Bool in
            if now.timeIntervalSince(lastDraw) < 0.05 && done < total { return false }
            lastDraw = now
            return true
        }) else { return }
        let width = 24
        let filled = total > 0 ? min(width, done * width / total) : 0
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let elapsed = now.timeIntervalSince(lock.withLock { stepStart })
        write("\r\u{1B}[2K  \(spec.id) \(bar) \(done)/\(total) \(Terminal.seconds(elapsed))")
    }

    func finished(_ record: StepRecord, position: Int, of total: Int) {
        if record.origin != .ran {
            // One line per run of reused steps, not one per step.
            lock.withLock {
                if reused.count == 0 { reused.first = position + 1 }
                reused.count += 1
                reused.last = position + 1
                if record.origin == .kept { reused.kept += 1 }
                reused.total = total
            }
            return
        }
        flushReused()
        let mark = switch record.status {
        case .passed: Terminal.green("✓", style)
        case .failed: Terminal.red("✗", style)
        case .skipped: "-"
        }
        let prefix = style == .live ? "\r\u{1B}[2K" : ""
        var line = "\(prefix)  \(mark) [\(position + 1)/\(total)] \(record.spec.id) (\(record.spec.kind)) \(Terminal.seconds(record.wallSeconds))"
        if record.simulatedSeconds > 0.0005 { line += " · simulated \(Terminal.seconds(record.simulatedSeconds))" }
        if let note = record.note { line += " · \(note)" }
        write(line + "\n")
        if record.status == .failed, let failure = record.failure {
            write(failure.split(separator: "\n").map { "      \($0)\n" }.joined())
        }
    }
}

extension StreamReporter {
    func details(_ lines: [String]) {
        write(lines.map { "      │ \($0)\n" }.joined())
    }
}

enum Terminal {
    static func seconds(_ s: Double) -> String {
        guard s.isFinite, s < 1e12 else { return s.isFinite ? "> 30000 years" : "∞" }
        if s < 1 { return String(format: "%.0f ms", s * 1000) }
        if s < 120 { return String(format: "%.2f s", s) }
        return String(format: "%dm %02ds", Int(s) / 60, Int(s) % 60)
    }

    static func bold(_ s: String, _ style: ProgressStyle) -> String { style == .live ? "\u{1B}[1m\(s)\u{1B}[0m" : s }
    static func green(_ s: String, _ style: ProgressStyle) -> String { style == .live ? "\u{1B}[32m\(s)\u{1B}[0m" : s }
    static func red(_ s: String, _ style: ProgressStyle) -> String { style == .live ? "\u{1B}[31m\(s)\u{1B}[0m" : s }
}
