// Restart: the journal's calls replayed through the dispatch at their virtual times, so
// the account comes back by the same code paths that built it. Async requests that had
// already delivered their result are not run again; the ones still queued when the
// process died run now, so each accepted request ends in exactly one result.
import Foundation

extension CloudDispatch {
    /// Whether `operation` changes the account (and so belongs in the journal). S3 keeps
    /// its objects in files of its own; reads and synchronous invocations change nothing
    /// that must outlive the process.
    static func changesState(_ service: String, _ operation: String) -> Bool {
        if service == "s3" { return false }
        if ["Describe", "List", "Get", "Head"].contains(where: operation.hasPrefix) { return false }
        switch (service, operation) {
        case ("sagemaker-runtime", "InvokeEndpoint"), ("lambda", "Invoke"): return false
        default: return true
        }
    }

    /// Replays `journal` into this (new) account, then keeps every later change in it.
    /// Returns a line for each recorded call that failed this time (an S3 object the call
    /// needed was deleted since, say); the rest of the account is still restored.
    @discardableResult
    public func restore(from journal: CloudJournal) -> [String] {
        synchronized {
            // Unpacked model artifacts are derived state: endpoints unpack them again.
            try? FileManager.default.removeItem(at: cloud.sagemaker.workDirectory.appendingPathComponent("endpoints"))
            cloud.sagemaker.beginReplay(completed: Self.completedOutputs(journal.recorded), journal: journal)
            replaying = true
        }
        var problems: [String] = []
        for (index, record) in journal.recorded.enumerated() {
            synchronized { cloud.clock.advance(to: record.time) }
            do {
                switch record {
                case let .call(_, service, operation, input):
                    _ = try call(service, operation, input)
                case let .event(_, name, fields):
                    try synchronized { try replayEvent(name, fields) }
                }
            } catch {
                problems.append("journal record \(index + 2) (\(Self.describe(record))): \(error)")
            }
        }
        synchronized {
            replaying = false
            self.journal = journal
            cloud.sagemaker.endReplay()
        }
        return problems
    }

    /// Keeps an event that happened outside a call (see `CloudJournal.Record.event`).
    public func record(event name: String, _ fields: [String: String]) throws {
        try synchronized {
            guard let journal, !replaying else { return }
            try journal.append(.event(time: cloud.clock.now, name: name, fields: fields))
        }
    }

    private func replayEvent(_ name: String, _ fields: [String: String]) throws {
        switch name {
        case SageMaker.asyncCompletedEvent:
            cloud.sagemaker.replayCompletion(fields)
        case Self.imagePushedEvent:
            try replayImagePush(fields)
        case "clock":
            break  // the advance to the record's time was the event
        default:
            throw AWSError(service: "labbook", code: "UnknownJournalEvent", httpStatus: 500,
                           message: "this labbook does not know the journal event '\(name)'")
        }
    }

    /// `/_labbook/ecr/images`: an image's files unpacked under `ecr/images/<sha256>` and tagged.
    public static let imagePushedEvent = "ecr.image.pushed"

    /// The event for an image pushed from `directory` (which must be under `ecr/images`).
    public static func imagePushed(repositoryName: String, tag: String, handler: String, directory: URL) -> [String: String] {
        ["repositoryName": repositoryName, "tag": tag, "handler": handler, "directory": directory.lastPathComponent]
    }

    private func replayImagePush(_ fields: [String: String]) throws {
        guard let name = fields["repositoryName"], let tag = fields["tag"], let handler = fields["handler"],
              let folder = fields["directory"], !folder.contains("/"), !folder.hasPrefix(".") else {
            throw AWSError(service: "ecr", code: "InvalidParameterException", httpStatus: 400,
                           message: "the journal's image push lacks its repository, tag, handler or folder: \(fields)")
        }
        let directory = cloud.stateDirectory.appendingPathComponent("ecr/images/\(folder)", isDirectory: true)
        _ = try cloud.ecr.putImage(repositoryName: name, tag: tag,
                                   manifest: ImageManifest(entryPoint: handler, directory: directory))
    }

    private static func completedOutputs(_ records: [CloudJournal.Record]) -> Set<String> {
        Set(records.compactMap { record in
            guard case let .event(_, name, fields) = record, name == SageMaker.asyncCompletedEvent else { return nil }
            return fields["OutputLocation"]
        })
    }

    private static func describe(_ record: CloudJournal.Record) -> String {
        switch record {
        case let .call(_, service, operation, _): "\(service) \(operation)"
        case let .event(_, name, _): name
        }
    }
}
