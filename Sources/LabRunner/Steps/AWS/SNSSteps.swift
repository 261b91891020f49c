// SNS calls as steps: the async lab's success and error topics, an email subscription
// that waits for confirmation, and the messages each subscriber received.
import Cloud
import Foundation

struct CreateTopicStep: LabStep {
    static let kind = "sns.create_topic"
    static let summary = "CreateTopic: returns TopicArn."
    let name: Arg<String>

    init(arguments: inout StepArguments) throws { name = try arguments.required("Name") }

    func run(in context: StepContext) async throws -> LabValue {
        Shape.object([("TopicArn", .string(try context.cloud.sns.createTopic(name: try context.resolve(name))))])
    }
}

struct ListTopicsStep: LabStep {
    static let kind = "sns.list_topics"
    static let summary = "ListTopics."

    init(arguments: inout StepArguments) throws {}

    func run(in context: StepContext) async throws -> LabValue {
        Shape.object([("Topics", .list(context.cloud.sns.listTopics().map { Shape.object([("TopicArn", .string($0))]) }))])
    }
}

struct SubscribeStep: LabStep {
    static let kind = "sns.subscribe"
    static let summary = "Subscribe: email subscriptions stay pending until confirmed."
    let topic: Arg<String>, proto: Arg<String>, endpoint: Arg<String>

    init(arguments: inout StepArguments) throws {
        topic = try arguments.required("TopicArn")
        proto = try arguments.required("Protocol")
        endpoint = try arguments.required("Endpoint")
    }

    func run(in context: StepContext) async throws -> LabValue {
        let arn = try context.cloud.sns.subscribe(topicArn: try context.resolve(topic), protocol: try context.resolve(proto),
                                                  endpoint: try context.resolve(endpoint))
        return Shape.object([("SubscriptionArn", .string(arn))])
    }
}

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
