// `--verbose`: after each step that ran, its resolved inputs and the CloudWatch Logs lines
// written while it ran (endpoints' handler logs and tracebacks, functions' START/END/REPORT),
// read back with DescribeLogGroups and FilterLogEvents as a student would.
import Cloud
import Foundation

extension RunSession {
    /// The lines `--verbose` prints for a step that ran from `start` on the account's clock.
    func verboseDetails(of record: StepRecord, since start: Date?) async -> [String] {
        var lines = record.inputs.entries.map { "input \($0.key) = \(Self.clip($0.value))" }
        guard let start else { return lines }
        let startMillis = Int64((start.timeIntervalSince1970 * 1000).rounded(.down))
        guard let groups = try? await services.aws.call("logs", "DescribeLogGroups", .empty)["logGroups"]?.list else { return lines }
        for group in groups.compactMap({ $0["logGroupName"]?.string }) {
            let request: AWSValue = ["logGroupName": .string(group), "startTime": .integer(startMillis), "limit": .integer(50)]
            guard let events = try? await services.aws.call("logs", "FilterLogEvents", request)["events"]?.list else { continue }
            for event in events {
                // A step starting at the instant the last one ended sees its lines too.
                guard let id = event["eventId"]?.string, markPrinted(logEvent: id) else { continue }
                let stream = event["logStreamName"]?.string ?? "", message = event["message"]?.string ?? ""
                lines += message.split(separator: "\n", omittingEmptySubsequences: false).map { "log \(group) \(stream): \($0)" }
            }
            if events.count == 50, let more = try? await services.aws.call("logs", "FilterLogEvents", request)["nextToken"], more != .null {
                lines.append("log \(group): … more lines (labbook run --verbose shows the first 50 per step and group)")
            }
        }
        return lines
    }

    /// The first 300 characters of the value's JSON, rendering no more than that.
    private static func clip(_ value: LabValue) -> String {
        let text = value.jsonPrefix(301)
        return text.count <= 300 ? text : String(text.prefix(300)) + "…"
    }
}
