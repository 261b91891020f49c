// `sns.list_topics`: ListTopics.
import Cloud
import Foundation

struct ListTopicsStep: LabStep {
    static let kind = "sns.list_topics"
    static let summary = "ListTopics."

    init(arguments: inout StepArguments) throws {}

    func run(in context: StepContext) async throws -> LabValue {
        Shape.object([("Topics", .list(context.cloud.sns.listTopics().map { Shape.object([("TopicArn", .string($0))]) }))])
    }
}
