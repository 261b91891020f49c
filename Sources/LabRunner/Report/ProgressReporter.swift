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
    private static let time: DateFormatter = {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter
    }()
    private let style: ProgressStyle
    private let lock = NSLock()
    private var stepStart = Date()
    private var lastDraw = Date.distantPast

    init(style: ProgressStyle) { self.style = style }

    fileprivate func write(_ text: String) {
        guard style != .silent else { return }
        FileHandle.standardError.write(Data(text.utf8))
    }

    func bookStarted(_ book: LabBook, language: Language) {
        write("\(Terminal.bold("▶ \(book.id)", style)) \(book.title.text(language) ?? "") — \(book.file.lastPathComponent)\n")
    }

    func started(_ spec: StepSpec, position: Int, of total: Int) {
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
            let when = record.cachedAt.map { " of \(Self.time.string(from: $0))" } ?? ""
            let how = record.origin == .cached ? "from the result cache\(when) (it took \(Terminal.seconds(record.wallSeconds)))"
                : "kept from the last run\(when), not run"
            write("  ↺ [\(position + 1)/\(total)] \(record.spec.id) (\(record.spec.kind)) \(how)\n")
            return
        }
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
