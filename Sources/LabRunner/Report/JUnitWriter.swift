// JUnit XML, one <testsuite> per book and one <testcase> per step, for CI dashboards.
import Foundation

enum JUnitWriter {
    /// Kept records (a partial run's other steps) are the last run's and are left out.
    static func xml(for all: [(book: LabBook, records: [StepRecord])]) -> String {
        let runs = all.map { (book: $0.book, records: $0.records.filter { $0.origin != .kept }) }
        let tests = runs.reduce(0) { $0 + $1.records.count }
        let failures = runs.reduce(0) { $0 + $1.records.filter { $0.status == .failed }.count }
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites name=\"labbook\" tests=\"\(tests)\" failures=\"\(failures)\">\n"
        for (book, records) in runs {
            let time = records.reduce(0) { $0 + $1.wallSeconds }
            xml += "  <testsuite name=\"\(escape(book.id))\" tests=\"\(records.count)\" "
            xml += "failures=\"\(records.filter { $0.status == .failed }.count)\" "
            xml += "skipped=\"\(records.filter { $0.status == .skipped }.count)\" time=\"\(String(format: "%.3f", time))\">\n"
            for r in records {
                xml += "    <testcase classname=\"\(escape(book.id))\" name=\"\(escape(r.spec.id))\" time=\"\(String(format: "%.3f", r.wallSeconds))\""
                switch r.status {
                case .passed: xml += "/>\n"
                case .skipped: xml += ">\n      <skipped message=\"\(escape(r.failure ?? ""))\"/>\n    </testcase>\n"
                case .failed:
                    let message = r.failure ?? "failed"
                    xml += ">\n      <failure message=\"\(escape(String(message.prefix(200))))\">\(escape(message))</failure>\n    </testcase>\n"
                }
            }
            xml += "  </testsuite>\n"
        }
        return xml + "</testsuites>\n"
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20: out += "?"  // not allowed in XML 1.0
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
