// `sns.deliveries`: The messages a topic delivered to its subscribers, confirmations included.
import Cloud
import Foundation

/// What the subscribers of a topic received (an inbox, for the handout).
struct TopicDeliveriesStep: LabStep {
    static let kind = "sns.deliveries"
    static let summary = "The messages a topic delivered to its subscribers, confirmations included."
    let topic: Arg<String>

    init(arguments: inout StepArguments) throws { topic = try arguments.required("TopicArn") }

    func run(in context: StepContext) async throws -> LabValue {
        let deliveries = context.cloud.sns.deliveries(topicArn: try context.resolve(topic))
        return Shape.object([("Count", .int(deliveries.count)), ("Messages", .list(deliveries.map { d in
            Shape.object([("Type", .string(d.kind.rawValue)), ("Endpoint", .string(d.endpoint)), ("Subject", d.subject.map(LabValue.string)),
                          ("Message", (try? LabValue(json: Data(d.message.utf8))) ?? .string(d.message)),
                          ("Token", d.token.map(LabValue.string)), ("Timestamp", Shape.date(d.timestamp))])
        }))])
    }
}
