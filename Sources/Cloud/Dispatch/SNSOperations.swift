// Amazon SNS's operations as boto3 calls them (botocore model sns/2010-03-31), onto `SNS`.
import AWSShapes
import Foundation

enum SNSOperations {
    static let handlers: [String: OperationHandler] = [
        "CreateTopic": { cloud, input in try createTopic(cloud.sns, Parameters(input, service: "sns")) },
        "ListTopics": { cloud, input in try listTopics(cloud.sns, Parameters(input, service: "sns")) },
        "DeleteTopic": { cloud, input in
            try cloud.sns.deleteTopic(topicArn: try Parameters(input, service: "sns").string("TopicArn"))
            return .empty
        },
        "GetTopicAttributes": { cloud, input in
            let attributes = try cloud.sns.getTopicAttributes(topicArn: try Parameters(input, service: "sns").string("TopicArn"))
            return ["Attributes": .map(attributes.mapValues(AWSValue.string))]
        },
        "Subscribe": { cloud, input in try subscribe(cloud.sns, Parameters(input, service: "sns")) },
        "ConfirmSubscription": { cloud, input in
            let p = Parameters(input, service: "sns")
            let arn = try cloud.sns.confirmSubscription(topicArn: try p.string("TopicArn"), token: try p.string("Token"))
            return ["SubscriptionArn": .string(arn)]
        },
        "ListSubscriptionsByTopic": { cloud, input in
            try listSubscriptions(cloud.sns, Parameters(input, service: "sns"))
        },
        "Publish": { cloud, input in try publish(cloud.sns, Parameters(input, service: "sns")) },
    ]

    /// ListTopics and ListSubscriptionsByTopic answer up to 100 entries a page.
    static let pageSize = 100

    /// Tags and DataProtectionPolicy are accepted and not kept: no emulated operation reads them back.
    private static func createTopic(_ sns: SNS, _ p: Parameters) throws -> AWSValue {
        let arn = try sns.createTopic(name: try p.string("Name"), attributes: p.stringMap("Attributes"))
        return ["TopicArn": .string(arn)]
    }

    private static func listTopics(_ sns: SNS, _ p: Parameters) throws -> AWSValue {
        let page = try p.page(of: sns.listTopics(), tokenKey: "NextToken", limit: pageSize, invalidToken: invalidToken)
        return .structure([("Topics", .list(page.items.map { ["TopicArn": .string($0)] })),
                           ("NextToken", .optional(page.nextToken))])
    }

    /// Subscription attributes (FilterPolicy, RawMessageDelivery, ...) are not emulated: every
    /// confirmed subscriber receives every message, so they are refused rather than ignored.
    private static func subscribe(_ sns: SNS, _ p: Parameters) throws -> AWSValue {
        let attributes = p.stringMap("Attributes")
        guard attributes.isEmpty else {
            throw SNS.invalidParameter("Attributes Reason: subscription attributes (\(attributes.keys.sorted().joined(separator: ", "))) are not emulated")
        }
        let arn = try sns.subscribe(topicArn: try p.string("TopicArn"), protocol: try p.string("Protocol"),
                                    endpoint: p.optionalString("Endpoint") ?? "",
                                    returnSubscriptionArn: p.optionalBool("ReturnSubscriptionArn") ?? false)
        return ["SubscriptionArn": .string(arn)]
    }

    private static func listSubscriptions(_ sns: SNS, _ p: Parameters) throws -> AWSValue {
        let all = try sns.listSubscriptionsByTopic(topicArn: try p.string("TopicArn"))
        let page = try p.page(of: all, tokenKey: "NextToken", limit: pageSize, invalidToken: invalidToken)
        let subscriptions = page.items.map { s -> AWSValue in
            ["SubscriptionArn": .string(s.subscriptionArn), "Owner": .string(s.owner), "Protocol": .string(s.protocol),
             "Endpoint": .string(s.endpoint), "TopicArn": .string(s.topicArn)]
        }
        return .structure([("Subscriptions", .list(subscriptions)), ("NextToken", .optional(page.nextToken))])
    }

    private static func publish(_ sns: SNS, _ p: Parameters) throws -> AWSValue {
        let topicArn = try publishTarget(p)
        let output = try sns.publish(topicArn: topicArn, message: try message(p), subject: p.optionalString("Subject"),
                                     messageAttributes: messageAttributes(p))
        return ["MessageId": .string(output.messageId)]
    }

    /// TopicArn or TargetArn, exactly one; SMS to a PhoneNumber is not emulated.
    private static func publishTarget(_ p: Parameters) throws -> String {
        if p.optionalString("PhoneNumber") != nil {
            throw SNS.invalidParameter("PhoneNumber Reason: publishing SMS to a phone number is not emulated")
        }
        switch (p.optionalString("TopicArn"), p.optionalString("TargetArn")) {
        case (let topic?, nil), (nil, let topic?): return topic
        case (.some, .some):
            throw SNS.invalidParameter("TopicArn or TargetArn Reason: Both TopicArn and TargetArn specified. Use only one or the other")
        case (nil, nil):
            throw SNS.invalidParameter("TopicArn or TargetArn Reason: no value for required parameter")
        }
    }

    /// With MessageStructure "json" the message is a JSON object whose "default" entry every
    /// protocol gets; per-protocol entries are not emulated, so they are refused.
    private static func message(_ p: Parameters) throws -> String {
        let message = try p.string("Message")
        guard let structure = p.optionalString("MessageStructure") else { return message }
        guard structure == "json" else { throw SNS.invalidParameter("MessageStructure") }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(message.utf8))) as? [String: Any] else {
            throw SNS.invalidParameter("Message Structure - JSON message body failed to parse")
        }
        guard let text = object["default"] as? String else {
            throw SNS.invalidParameter("Message Structure - No default entry in JSON message body")
        }
        let others = object.keys.filter { $0 != "default" }.sorted()
        guard others.isEmpty else {
            throw SNS.invalidParameter("Message Structure - per-protocol messages (\(others.joined(separator: ", "))) are not emulated; send only \"default\"")
        }
        return text
    }

    private static func messageAttributes(_ p: Parameters) -> [String: SNSMessageAttributeValue] {
        (p.value["MessageAttributes"]?.entries ?? [:]).mapValues { value in
            let attribute = Parameters(value, service: "sns")
            return SNSMessageAttributeValue(dataType: attribute.optionalString("DataType") ?? "",
                                            stringValue: attribute.optionalString("StringValue"),
                                            binaryValue: attribute.value["BinaryValue"]?.data)
        }
    }

    private static func invalidToken(_ message: String) -> AWSError {
        SNS.invalidParameter("NextToken Reason: \(message)")
    }
}
