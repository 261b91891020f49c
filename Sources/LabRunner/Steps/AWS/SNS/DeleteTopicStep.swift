// `sns.delete_topic`: DeleteTopic.
import Cloud
import Foundation

struct DeleteTopicStep: LabStep {
    static let kind = "sns.delete_topic"
    static let summary = "DeleteTopic."
    let topic: Arg<String>

    init(arguments: inout StepArguments) throws { topic = try arguments.required("TopicArn") }

    func run(in context: StepContext) async throws -> LabValue {
        try context.cloud.sns.deleteTopic(topicArn: try context.resolve(topic))
        return Shape.object([("Deleted", .bool(true))])
    }
}
