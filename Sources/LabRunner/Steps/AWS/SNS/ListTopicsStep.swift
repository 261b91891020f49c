// `sns.list_topics`: ListTopics.
import Cloud
import Foundation

struct ListTopicsStep: LabStep {
    static let kind = "sns.list_topics"
    static let summary = "ListTopics."
    static let declaration = StepDeclaration(
        boto3: "sns", "ListTopics", output: [OutputField("Topics", "Every page's topics.")], includesAnswer: false, example: "{}")

    init(arguments: inout StepArguments) throws {}

    /// The pages as one answer, as boto3's paginator builds it: every topic, no NextToken.
    func run(in context: StepContext) async throws -> LabValue {
        let (topics, _) = try await context.callPages("sns", "ListTopics", .empty, token: ("NextToken", "NextToken"), items: "Topics")
        return Shape.object([("Topics", .list(topics.map(LabValue.init(aws:))))])
    }
}
