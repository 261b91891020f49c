// `sns.subscribe`: Subscribe: email subscriptions stay pending until confirmed.
import Cloud
import Foundation

struct SubscribeStep: LabStep {
    static let kind = "sns.subscribe"
    static let summary = "Subscribe: email subscriptions stay pending until confirmed."
    static let declaration = StepDeclaration(
        boto3: "sns", "Subscribe", parameters: ["TopicArn", "Protocol", StepDeclaration.Parameter("Endpoint", required: true)],
        example: """
            TopicArn: arn:aws:sns:us-west-2:123456789012:success-topic
            Protocol: email
            Endpoint: student@example.com
            """)
    let topic: Arg<String>, proto: Arg<String>, endpoint: Arg<String>

    init(arguments: inout StepArguments) throws {
        topic = try arguments.required("TopicArn")
        proto = try arguments.required("Protocol")
        endpoint = try arguments.required("Endpoint")
    }

    func run(in context: StepContext) async throws -> LabValue {
        LabValue(aws: try await context.call("sns", "Subscribe", [
            "TopicArn": .string(try context.resolve(topic)), "Protocol": .string(try context.resolve(proto)),
            "Endpoint": .string(try context.resolve(endpoint)),
        ]))
    }
}
