// Amazon CloudWatch Logs (botocore model logs/2014-03-28), as the services write to it:
// SageMaker endpoints under `/aws/sagemaker/Endpoints/<name>` (one stream per variant and
// instance), Lambda functions under `/aws/lambda/<name>`. What "check CloudWatch logs"
// in a FailureReason points at exists here, and `filter_log_events` reads it.
//
// Filter patterns: space-separated terms that must all appear, "quoted phrases", `?term`
// (any of these), `-term` (none of these). JSON and space-delimited patterns are not
// emulated. Each stream keeps its newest 10,000 events.
import Foundation

public struct LogEvent: Sendable, Equatable {
    public var timestamp: Date
    public var message: String
    public var ingestionTime: Date
    public var stream: String
    /// Position in the group, counted from its first event ever (trimmed ones included):
    /// GetLogEvents' tokens and FilterLogEvents' eventIds are built from it.
    public var sequence: Int
}

public final class CloudWatchLogs: @unchecked Sendable {
    public static let maxEventsPerStream = 10_000
    /// PutLogEvents' limit on one event, which the services' own lines stay under.
    public static let maxMessageBytes = 262_144

    struct Stream {
        var name: String
        var creationTime: Date
        var events: [LogEvent] = []
    }

    struct Group {
        var name: String
        var creationTime: Date
        var streams: [String: Stream] = [:]
        var written = 0
    }

    public let account: Account
    public let clock: VirtualClock
    private let lock = NSLock()
    private var groups: [String: Group] = [:]

    public init(account: Account, clock: VirtualClock) {
        self.account = account
        self.clock = clock
    }

    /// Appends one line, creating the group and stream as the services' agents do.
    public func write(group: String, stream: String, _ message: String) {
        let now = clock.now
        var text = message
        if text.utf8.count > Self.maxMessageBytes { text = String(decoding: text.utf8.prefix(Self.maxMessageBytes), as: UTF8.self) }
        lock.withLock {
            var entry = groups[group] ?? Group(name: group, creationTime: now)
            var log = entry.streams[stream] ?? Stream(name: stream, creationTime: now)
            log.events.append(LogEvent(timestamp: now, message: text, ingestionTime: now, stream: stream, sequence: entry.written))
            entry.written += 1
            if log.events.count > Self.maxEventsPerStream { log.events.removeFirst(log.events.count - Self.maxEventsPerStream) }
            entry.streams[stream] = log
            groups[group] = entry
        }
    }

    public func arn(group: String) -> String {
        account.arn(service: "logs", resource: "log-group:\(group):*")
    }

    /// Groups whose name starts with `prefix`, by name.
    func groupSummaries(prefix: String?) -> [(name: String, created: Date, bytes: Int)] {
        lock.withLock {
            groups.values.filter { prefix.map($0.name.hasPrefix) ?? true }.sorted { $0.name < $1.name }.map { group in
                (group.name, group.creationTime, group.streams.values.reduce(0) { $0 + $1.events.reduce(0) { $0 + $1.message.utf8.count } })
            }
        }
    }

    /// A group's streams: by name, or by their last event's time (`byLastEvent`).
    func streams(in group: String, prefix: String?, byLastEvent: Bool, descending: Bool) throws
        -> [(name: String, created: Date, first: Date?, last: Date?)] {
        try lock.withLock {
            guard let entry = groups[group] else { throw Self.noGroup(group) }
            var streams = entry.streams.values.filter { prefix.map($0.name.hasPrefix) ?? true }
            streams.sort { a, b in
                byLastEvent ? (a.events.last?.timestamp ?? a.creationTime) < (b.events.last?.timestamp ?? b.creationTime) : a.name < b.name
            }
            if descending { streams.reverse() }
            return streams.map { ($0.name, $0.creationTime, $0.events.first?.timestamp, $0.events.last?.timestamp) }
        }
    }

    /// One stream's events in `[start, end)`, oldest first.
    func events(group: String, stream: String, start: Date?, end: Date?) throws -> [LogEvent] {
        try lock.withLock {
            guard let entry = groups[group] else { throw Self.noGroup(group) }
            guard let log = entry.streams[stream] else {
                throw AWSError(service: "logs", code: "ResourceNotFoundException", httpStatus: 400,
                               message: "The specified log stream does not exist.")
            }
            return log.events.filter { event in
                (start.map { event.timestamp >= $0 } ?? true) && (end.map { event.timestamp < $0 } ?? true)
            }
        }
    }

    /// Events of the group's streams (all, or those named or prefixed) that match `pattern`,
    /// in time order.
    func filter(group: String, streamNames: [String], streamPrefix: String?, start: Date?, end: Date?,
                pattern: String?) throws -> [LogEvent] {
        let matcher = FilterPattern(pattern ?? "")
        return try lock.withLock {
            guard let entry = groups[group] else { throw Self.noGroup(group) }
            let chosen = entry.streams.values.filter { stream in
                (streamNames.isEmpty || streamNames.contains(stream.name)) && (streamPrefix.map(stream.name.hasPrefix) ?? true)
            }
            return chosen.flatMap(\.events).filter { event in
                (start.map { event.timestamp >= $0 } ?? true) && (end.map { event.timestamp < $0 } ?? true)
                    && matcher.matches(event.message)
            }.sorted { ($0.timestamp, $0.stream) < ($1.timestamp, $1.stream) }
        }
    }

    static func noGroup(_ name: String) -> AWSError {
        AWSError(service: "logs", code: "ResourceNotFoundException", httpStatus: 400,
                 message: "The specified log group does not exist.")
    }
}

/// CloudWatch Logs' term patterns: all plain terms, any `?term`, no `-term`; quotes keep spaces.
struct FilterPattern {
    var required: [String] = []
    var optional: [String] = []
    var excluded: [String] = []

    init(_ pattern: String) {
        var term = "", quoted = false
        var terms: [String] = []
        for c in pattern {
            if c == "\"" { quoted.toggle() } else if c == " ", !quoted {
                if !term.isEmpty { terms.append(term) }
                term = ""
            } else { term.append(c) }
        }
        if !term.isEmpty { terms.append(term) }
        for term in terms {
            if term.hasPrefix("?"), term.count > 1 { optional.append(String(term.dropFirst())) }
            else if term.hasPrefix("-"), term.count > 1 { excluded.append(String(term.dropFirst())) }
            else { required.append(term) }
        }
    }

    func matches(_ message: String) -> Bool {
        required.allSatisfy(message.contains) && (optional.isEmpty || optional.contains(where: message.contains))
            && !excluded.contains(where: message.contains)
    }
}
