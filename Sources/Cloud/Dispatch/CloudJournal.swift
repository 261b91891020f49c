// What `labbook serve --state-dir` keeps of the account besides S3 (whose objects are
// files already): every call that changed a resource, and the few events that happen
// without a call (an async result delivered, an image pushed, the clock moved by hand).
// One JSON line per record, appended and fsync'd before the caller hears "200", so a
// restart after `kill -9` replays the account up to the last answered request.
import Foundation

public final class CloudJournal: @unchecked Sendable {
    public enum Record: Equatable, Sendable {
        /// A dispatch call that succeeded, at virtual time `time`.
        case call(time: Date, service: String, operation: String, input: AWSValue)
        /// Something that happened to the account outside a call.
        case event(time: Date, name: String, fields: [String: String])

        var time: Date {
            switch self {
            case .call(let time, _, _, _), .event(let time, _, _): time
            }
        }
    }

    public enum Failure: Error, CustomStringConvertible, Equatable {
        case unreadable(path: String, reason: String)
        case corrupt(path: String, line: Int, reason: String)

        public var description: String {
            switch self {
            case let .unreadable(path, reason): "cannot open the state journal \(path): \(reason)"
            case let .corrupt(path, line, reason):
                "the state journal \(path) is damaged at line \(line): \(reason). Move it aside to start from the S3 objects alone."
            }
        }
    }

    public let url: URL
    /// When the account was created: the virtual clock starts here on every restart.
    public let start: Date
    /// What was recorded before this process opened the journal, oldest first.
    public let recorded: [Record]
    private let handle: FileHandle
    private let lock = NSLock()

    /// Opens (or creates) the journal. A last line cut short by a crash is dropped; any
    /// other damage is an error, since replaying past it would invent a different account.
    public init(url: URL, start now: Date) throws {
        self.url = url
        let manager = FileManager.default
        if !manager.fileExists(atPath: url.path) {
            let header = try JournalLine.header(start: now)
            guard manager.createFile(atPath: url.path, contents: header) else {
                throw Failure.unreadable(path: url.path, reason: "the folder is not writable")
            }
        }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw Failure.unreadable(path: url.path, reason: "\(error.localizedDescription)")
        }
        let (start, records, intact) = try JournalLine.parse(data, path: url.path)
        self.start = start
        recorded = records
        do {
            handle = try FileHandle(forUpdating: url)
            try handle.truncate(atOffset: UInt64(intact))
            try handle.seekToEnd()
        } catch {
            throw Failure.unreadable(path: url.path, reason: "\(error.localizedDescription)")
        }
    }

    deinit { try? handle.close() }

    /// Appends `record` and waits for the disk. Throws if the record could not be kept.
    public func append(_ record: Record) throws {
        let line = try JournalLine.encode(record)
        try lock.withLock {
            try handle.write(contentsOf: line)
            try handle.synchronize()
        }
    }
}
