// `sns.confirm_subscription`: ConfirmSubscription with the token from the confirmation message.
import Cloud
import Foundation

struct ConfirmSubscriptionStep: LabStep {
    static let kind = "sns.confirm_subscription"
    static let summary = "ConfirmSubscription with the token from the confirmation message."
    let topic: Arg<String>, token: Arg<String>

    init(arguments: inout StepArguments) throws {
        topic = try arguments.required("TopicArn")
        token = try arguments.required("Token")
    }

    func run(in context: StepContext) async throws -> LabValue {
        Shape.object([("SubscriptionArn", .string(try context.cloud.sns.confirmSubscription(
            topicArn: try context.resolve(topic), token: try context.resolve(token))))])
    }
}
