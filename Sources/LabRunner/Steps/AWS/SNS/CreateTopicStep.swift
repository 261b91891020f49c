// `sns.create_topic`: CreateTopic: returns TopicArn.
import Cloud
import Foundation

struct CreateTopicStep: LabStep {
    static let kind = "sns.create_topic"
    static let summary = "CreateTopic: returns TopicArn."
    static let declaration = StepDeclaration(boto3: "sns", "CreateTopic", parameters: ["Name"], example: "Name: success-topic")
    let name: Arg<String>

    init(arguments: inout StepArguments) throws { name = try arguments.required("Name") }

    func run(in context: StepContext) async throws -> LabValue {
        LabValue(aws: try await context.call("sns", "CreateTopic", ["Name": .string(try context.resolve(name))]))
    }
}
