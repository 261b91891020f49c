// CloudWatch Logs' read operations as boto3 calls them (botocore model logs/2014-03-28),
// onto `CloudWatchLogs`. Times are milliseconds since the epoch, as the API has them.
import AWSShapes
import Foundation

enum CloudWatchLogsOperations {
    static let handlers: [String: OperationHandler] = [
        "DescribeLogGroups": { cloud, input in try describeLogGroups(cloud.logs, Parameters(input, service: "logs")) },
        "DescribeLogStreams": { cloud, input in try describeLogStreams(cloud.logs, Parameters(input, service: "logs")) },
        "GetLogEvents": { cloud, input in try getLogEvents(cloud.logs, Parameters(input, service: "logs")) },
        "FilterLogEvents": { cloud, input in try filterLogEvents(cloud.logs, Parameters(input, service: "logs")) },
    ]

    private static func milliseconds(_ date: Date) -> AWSValue { .integer(Int64((date.timeIntervalSince1970 * 1000).rounded())) }

    private static func date(_ p: Parameters, _ key: String) -> Date? {
        p.optionalInt(key).map { Date(timeIntervalSince1970: Double($0) / 1000) }
    }

    private static func invalid(_ message: String) -> AWSError {
        AWSError(service: "logs", code: "InvalidParameterException", httpStatus: 400, message: message)
    }

    /// logGroupName, or the name inside a logGroupIdentifier ARN.
    private static func groupName(_ p: Parameters) throws -> String {
        if let name = p.optionalString("logGroupName") { return name }
        if let identifier = p.optionalString("logGroupIdentifier") {
            return identifier.hasPrefix("arn:") ? identifier.split(separator: ":").dropFirst(6).first.map(String.init) ?? identifier : identifier
        }
        throw invalid("Either logGroupName or logGroupIdentifier must be specified.")
    }

    private static func describeLogGroups(_ logs: CloudWatchLogs, _ p: Parameters) throws -> AWSValue {
        let groups = logs.groupSummaries(prefix: p.optionalString("logGroupNamePrefix"))
        let page = try p.page(of: groups, tokenKey: "nextToken", limit: p.optionalInt("limit") ?? 50, invalidToken: invalid)
        return .structure([
            ("logGroups", .list(page.items.map { group in
                .structure([("logGroupName", .string(group.name)), ("creationTime", milliseconds(group.created)),
                            ("storedBytes", .integer(Int64(group.bytes))), ("arn", .string(logs.arn(group: group.name))),
                            ("logGroupArn", .string(String(logs.arn(group: group.name).dropLast(2))))])
            })),
            ("nextToken", .optional(page.nextToken)),
        ])
    }

    private static func describeLogStreams(_ logs: CloudWatchLogs, _ p: Parameters) throws -> AWSValue {
        let group = try groupName(p)
        let byLastEvent = p.optionalString("orderBy") == "LastEventTime"
        if byLastEvent, p.optionalString("logStreamNamePrefix") != nil {
            throw invalid("Cannot order by LastEventTime with a logStreamNamePrefix.")
        }
        let streams = try logs.streams(in: group, prefix: p.optionalString("logStreamNamePrefix"), byLastEvent: byLastEvent,
                                       descending: p.optionalBool("descending") ?? false)
        let page = try p.page(of: streams, tokenKey: "nextToken", limit: p.optionalInt("limit") ?? 50, invalidToken: invalid)
        return .structure([
            ("logStreams", .list(page.items.map { stream in
                .structure([("logStreamName", .string(stream.name)), ("creationTime", milliseconds(stream.created)),
                            ("firstEventTimestamp", stream.first.map(milliseconds)), ("lastEventTimestamp", stream.last.map(milliseconds)),
                            ("lastIngestionTime", stream.last.map(milliseconds)),
                            ("arn", .string(String(logs.arn(group: group).dropLast()) + "log-stream:\(stream.name)"))])
            })),
            ("nextToken", .optional(page.nextToken)),
        ])
    }

    /// startFromHead false (the default) reads the newest `limit` events, as the console does.
    /// Tokens name an event's position in the group: `f/n` reads from n on, `b/n` the events
    /// before n. At either end the same token comes back, as AWS's does, so a tail can poll.
    private static func getLogEvents(_ logs: CloudWatchLogs, _ p: Parameters) throws -> AWSValue {
        let events = try logs.events(group: try groupName(p), stream: try p.string("logStreamName"),
                                     start: date(p, "startTime"), end: date(p, "endTime"))
        let limit = min(max(p.optionalInt("limit") ?? 10_000, 1), 10_000)
        let page: ArraySlice<LogEvent>
        var forward = "f/\(events.last.map { $0.sequence + 1 } ?? 0)", backward = "b/\(events.first?.sequence ?? 0)"
        if let token = p.optionalString("nextToken") {
            guard token.count > 2, let position = Int(token.dropFirst(2)), position >= 0,
                  token.hasPrefix("f/") || token.hasPrefix("b/") else {
                throw invalid("The specified nextToken is invalid.")
            }
            if token.hasPrefix("f/") {
                page = events.filter { $0.sequence >= position }.prefix(limit)
                (forward, backward) = (token, page.isEmpty ? "b/\(position)" : backward)
            } else {
                page = events.filter { $0.sequence < position }.suffix(limit)
                (forward, backward) = (page.isEmpty ? "f/\(position)" : forward, token)
            }
        } else {
            page = (p.optionalBool("startFromHead") ?? false) ? events.prefix(limit) : events.suffix(limit)
        }
        if let last = page.last { forward = "f/\(last.sequence + 1)" }
        if let first = page.first { backward = "b/\(first.sequence)" }
        return .structure([
            ("events", .list(page.map { event in
                .structure([("timestamp", milliseconds(event.timestamp)), ("message", .string(event.message)),
                            ("ingestionTime", milliseconds(event.ingestionTime))])
            })),
            ("nextForwardToken", .string(forward)),
            ("nextBackwardToken", .string(backward)),
        ])
    }

    private static func filterLogEvents(_ logs: CloudWatchLogs, _ p: Parameters) throws -> AWSValue {
        let names = p.strings("logStreamNames")
        if !names.isEmpty, p.optionalString("logStreamNamePrefix") != nil {
            throw invalid("logStreamNames and logStreamNamePrefix are mutually exclusive.")
        }
        let events = try logs.filter(group: try groupName(p), streamNames: names, streamPrefix: p.optionalString("logStreamNamePrefix"),
                                     start: date(p, "startTime"), end: date(p, "endTime"), pattern: p.optionalString("filterPattern"))
        let page = try p.page(of: events, tokenKey: "nextToken", limit: min(p.optionalInt("limit") ?? 10_000, 10_000), invalidToken: invalid)
        return .structure([
            ("events", .list(page.items.map { event in
                .structure([("logStreamName", .string(event.stream)), ("timestamp", milliseconds(event.timestamp)),
                            ("message", .string(event.message)), ("ingestionTime", milliseconds(event.ingestionTime)),
                            ("eventId", .string(String(format: "%020lld%016lld", Int64(event.timestamp.timeIntervalSince1970 * 1000),
                                                       Int64(event.sequence))))])
            })),
            ("nextToken", .optional(page.nextToken)),
        ])
    }
}
