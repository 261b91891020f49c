// The table printed after a run: each step, its status, wall time and simulated time.

enum SummaryTable {
    static func render(book: LabBook, records: [StepRecord]) -> String {
        let header = ["step", "kind", "status", "wall", "simulated"]
        let rows = records.map { r in
            [r.spec.id, r.spec.kind, r.status.rawValue + (r.origin == .ran ? "" : " (\(r.origin.rawValue))"), Terminal.seconds(r.wallSeconds),
             r.simulatedSeconds > 0.0005 ? Terminal.seconds(r.simulatedSeconds) : "-"]
        }
        let widths = header.indices.map { column in
            ([header[column]] + rows.map { $0[column] }).map(\.count).max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            "  " + cells.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
        }
        let passed = records.filter { $0.status == .passed }.count
        let failed = records.filter { $0.status == .failed }.count
        let skipped = records.filter { $0.status == .skipped }.count
        let ran = records.filter { $0.origin == .ran }
        let total = ran.reduce(0) { $0 + $1.wallSeconds }
        let simulated = ran.reduce(0) { $0 + $1.simulatedSeconds }
        var out = [line(header), line(widths.map { String(repeating: "-", count: $0) })]
        out += rows.map(line)
        let cached = records.filter { $0.origin == .cached }.count, kept = records.filter { $0.origin == .kept }.count
        let reused = cached + kept == 0 ? "" : "; \(ran.count) ran, \(cached) from the result cache, \(kept) kept from the last run"
        out.append("  \(book.id): \(passed) passed, \(failed) failed, \(skipped) skipped in \(Terminal.seconds(total))"
                   + (simulated > 0.0005 ? " (simulated \(Terminal.seconds(simulated)))" : "") + reused)
        return out.joined(separator: "\n") + "\n"
    }
}
