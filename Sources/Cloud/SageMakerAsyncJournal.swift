// Async inference across a restart of `labbook serve --state-dir`: each delivered result
// is journaled, and a replay skips requests whose result was delivered (re-sending their
// notification into the new account's SNS) while re-running the ones that were not.
import Foundation

extension SageMaker {
    /// The journal event for a delivered async result.
    static let asyncCompletedEvent = "sagemaker.async.completed"

    func beginReplay(completed outputs: Set<String>, journal: CloudJournal) {
        lock.withLock {
            deliveredOutputs = outputs
            self.journal = journal
        }
    }

    func endReplay() {
        lock.withLock { deliveredOutputs.removeAll() }
    }

    /// Journals a finished request; without a journal there is nothing to do.
    func journalDelivery(_ request: QueuedInvocation, topic: String?, message: String?, endpoint: HostedEndpoint) {
        guard let journal else { return }
        var fields = ["OutputLocation": request.outputLocation, "InferenceId": request.inferenceId]
        fields["Topic"] = topic
        fields["Message"] = message
        do { try journal.append(.event(time: clock.now, name: Self.asyncCompletedEvent, fields: fields)) } catch {
            // The result is in S3 and notified; after a restart it would run once more.
            log(endpoint, "journaling inference \(request.inferenceId) failed: \(error)")
        }
    }

    /// A delivered result seen again on replay: its notification goes to the topic's
    /// subscribers in the restored account; its S3 object is already on disk.
    func replayCompletion(_ fields: [String: String]) {
        guard let topic = fields["Topic"], let message = fields["Message"] else { return }
        _ = try? sns.publish(topicArn: topic, message: message)
    }
}
