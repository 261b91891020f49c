// `sns.confirm_subscription`: ConfirmSubscription with the token from the confirmation message.
import Cloud
import Foundation

struct ConfirmSubscriptionStep: LabStep {
    static let kind = "sns.confirm_subscription"
    static let summary = "ConfirmSubscription with the token from the confirmation message."
    static let declaration = StepDeclaration(
        boto3: "sns", "ConfirmSubscription", parameters: ["TopicArn", "Token"],
        example: """
            TopicArn: arn:aws:sns:us-west-2:123456789012:success-topic
            Token: 2336412f37fb687f5d51e6e241d09c80
            """)
    let topic: Arg<String>, token: Arg<String>

    init(arguments: inout StepArguments) throws {
        topic = try arguments.required("TopicArn")
        token = try arguments.required("Token")
    }

    func run(in context: StepContext) async throws -> LabValue {
        LabValue(aws: try await context.call("sns", "ConfirmSubscription", [
            "TopicArn": .string(try context.resolve(topic)), "Token": .string(try context.resolve(token)),
        ]))
    }
}
