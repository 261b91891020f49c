// Amazon SNS (botocore model sns/2010-03-31): topics, subscriptions and publishing.
// Nothing leaves the machine: each message a confirmed subscription would receive is
// kept as an `SNSDelivery`, so a handout can show the "email" that arrived. Email and
// HTTP subscriptions wait for ConfirmSubscription, as on AWS; the confirmation request
// itself is recorded as a delivery carrying the token.
//
// Error codes and statuses from botocore's sns/2010-03-31/service-2.json:
// InvalidParameter 400, ParameterValueInvalid 400, NotFound 404.
import Foundation
import Serving

public struct SNSMessageAttributeValue: Sendable, Equatable {
    public var dataType: String
    public var stringValue: String?
    public var binaryValue: Data?

    public init(dataType: String, stringValue: String? = nil, binaryValue: Data? = nil) {
        self.dataType = dataType
        self.stringValue = stringValue
        self.binaryValue = binaryValue
    }

    public static func string(_ value: String) -> SNSMessageAttributeValue { .init(dataType: "String", stringValue: value) }
    public static func number(_ value: String) -> SNSMessageAttributeValue { .init(dataType: "Number", stringValue: value) }
}

public struct SNSSubscription: Sendable, Equatable {
    /// The subscription's ARN, or "PendingConfirmation" as ListSubscriptionsByTopic shows it.
    public var subscriptionArn: String
    public var owner: String
    public var `protocol`: String
    public var endpoint: String
    public var topicArn: String
}

public struct PublishOutput: Sendable, Equatable {
    public var messageId: String
}

/// One message as the subscriber received it.
public struct SNSDelivery: Sendable, Equatable {
    public enum Kind: String, Sendable { case notification = "Notification", subscriptionConfirmation = "SubscriptionConfirmation" }
    public var kind: Kind
    public var subscriptionArn: String
    public var `protocol`: String
    public var endpoint: String
    public var messageId: String
    public var subject: String?
    public var message: String
    public var messageAttributes: [String: SNSMessageAttributeValue]
    public var timestamp: Date
    /// For a confirmation request: the token ConfirmSubscription takes.
    public var token: String?
    /// What the endpoint received: the bare message for `email`, SNS's JSON envelope otherwise.
    public var body: String
}

public final class SNS: @unchecked Sendable {
    /// Publish's limit for the message plus its attributes (256 KiB).
    public static let maxMessageBytes = 262_144
    static let supportedProtocols = ["http", "https", "email", "email-json", "sms", "sqs", "application", "lambda", "firehose"]
    static let protocolsNeedingConfirmation: Set<String> = ["http", "https", "email", "email-json"]

    private struct Subscription {
        var arn: String
        var `protocol`: String
        var endpoint: String
        var token: String
        var confirmed: Bool
    }

    private struct Topic {
        var arn: String
        var attributes: [String: String]
        var subscriptions: [Subscription] = []
    }

    public let account: Account
    private let clock: VirtualClock
    private let lock = NSLock()
    private var topics: [Topic] = []
    private var deliveryLog: [String: [SNSDelivery]] = [:]
    private var sequence = 0

    public init(account: Account, clock: VirtualClock) {
        self.account = account
        self.clock = clock
    }

    // MARK: Topics

    /// Idempotent: creating an existing topic with the same attributes returns its ARN.
    @discardableResult
    public func createTopic(name: String, attributes: [String: String] = [:]) throws -> String {
        try Self.validateTopicName(name, attributes: attributes)
        let arn = account.arn(service: "sns", resource: name)
        return try lock.withLock {
            if let existing = topics.first(where: { $0.arn == arn }) {
                guard attributes.isEmpty || existing.attributes == attributes else {
                    throw Self.invalidParameter("Attributes Reason: Topic already exists with different attributes")
                }
                return arn
            }
            topics.append(Topic(arn: arn, attributes: attributes))
            return arn
        }
    }

    /// ListTopics, every page at once (AWS pages by 100; the emulation never has that many).
    public func listTopics() -> [String] {
        lock.withLock { topics.map(\.arn) }
    }

    /// Deleting a topic that does not exist succeeds, as on AWS. Its subscriptions go with it.
    public func deleteTopic(topicArn: String) throws {
        try Self.validateTopicArn(topicArn)
        lock.withLock { topics.removeAll { $0.arn == topicArn } }
    }

    /// GetTopicAttributes: the attributes set at creation over SNS's defaults, with the
    /// read-only ones (Owner, subscription counts, the effective delivery policy) filled in.
    public func getTopicAttributes(topicArn: String) throws -> [String: String] {
        try lock.withLock {
            let topic = topics[try topicIndex(topicArn)]
            let confirmed = topic.subscriptions.filter(\.confirmed).count
            var attributes = [
                "TopicArn": topic.arn, "Owner": account.id, "DisplayName": "",
                "Policy": Self.defaultPolicy(topicArn: topic.arn, owner: account.id),
                "EffectiveDeliveryPolicy": Self.defaultDeliveryPolicy,
                "SubscriptionsConfirmed": String(confirmed),
                "SubscriptionsPending": String(topic.subscriptions.count - confirmed),
                "SubscriptionsDeleted": "0",  // subscriptions go only with their topic here
            ]
            if topic.attributes["FifoTopic"] == "true" { attributes["ContentBasedDeduplication"] = "false" }
            attributes.merge(topic.attributes) { _, set in set }
            if let delivery = topic.attributes["DeliveryPolicy"] { attributes["EffectiveDeliveryPolicy"] = delivery }
            return attributes
        }
    }

    /// The access policy SNS gives a topic created without one: only the owner's account may use it.
    static func defaultPolicy(topicArn: String, owner: String) -> String {
        let actions = ["GetTopicAttributes", "SetTopicAttributes", "AddPermission", "RemovePermission", "DeleteTopic",
                       "Subscribe", "ListSubscriptionsByTopic", "Publish"].map { "\"SNS:\($0)\"" }
        return #"{"Version":"2008-10-17","Id":"__default_policy_ID","Statement":[{"Sid":"__default_statement_ID","#
            + #""Effect":"Allow","Principal":{"AWS":"*"},"Action":["# + actions.joined(separator: ",") + "],"
            + #""Resource":"\#(topicArn)","Condition":{"StringEquals":{"AWS:SourceOwner":"\#(owner)"}}}]}"#
    }

    static let defaultDeliveryPolicy = #"{"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":20,"maxDelayTarget":20,"#
        + #""numRetries":3,"numMaxDelayRetries":0,"numNoDelayRetries":0,"numMinDelayRetries":0,"backoffFunction":"linear"},"#
        + #""disableSubscriptionOverrides":false,"defaultRequestPolicy":{"headerContentType":"text/plain; charset=UTF-8"}}}"#

    // MARK: Subscriptions

    /// Returns the subscription's ARN, or "pending confirmation" for an unconfirmed
    /// email/HTTP subscription unless `returnSubscriptionArn` is set.
    @discardableResult
    public func subscribe(topicArn: String, protocol proto: String, endpoint: String,
                          returnSubscriptionArn: Bool = false) throws -> String {
        try Self.validateEndpoint(endpoint, protocol: proto)
        return try lock.withLock {
            let index = try topicIndex(topicArn)
            let subscription: Subscription
            if let existing = topics[index].subscriptions.first(where: { $0.protocol == proto && $0.endpoint == endpoint }) {
                subscription = existing
            } else {
                sequence += 1
                let id = Digest.uuidString(from: "\(topicArn)|\(proto)|\(endpoint)|\(sequence)")
                subscription = Subscription(
                    arn: "\(topicArn):\(id)", protocol: proto, endpoint: endpoint,
                    token: Digest.sha256Hex(Data("token|\(id)".utf8)),
                    confirmed: !Self.protocolsNeedingConfirmation.contains(proto))
                topics[index].subscriptions.append(subscription)
                if !subscription.confirmed { recordConfirmationRequest(subscription, topicArn: topicArn) }
            }
            return subscription.confirmed || returnSubscriptionArn ? subscription.arn : "pending confirmation"
        }
    }

    /// What the subscriber does by following the link in the confirmation message.
    @discardableResult
    public func confirmSubscription(topicArn: String, token: String) throws -> String {
        try lock.withLock {
            let index = try topicIndex(topicArn)
            guard let position = topics[index].subscriptions.firstIndex(where: { $0.token == token }) else {
                throw Self.invalidParameter("Token")
            }
            topics[index].subscriptions[position].confirmed = true
            return topics[index].subscriptions[position].arn
        }
    }

    public func listSubscriptionsByTopic(topicArn: String) throws -> [SNSSubscription] {
        try lock.withLock {
            let topic = topics[try topicIndex(topicArn)]
            return topic.subscriptions.map {
                SNSSubscription(subscriptionArn: $0.confirmed ? $0.arn : "PendingConfirmation", owner: account.id,
                                protocol: $0.protocol, endpoint: $0.endpoint, topicArn: topic.arn)
            }
        }
    }

    // MARK: Publishing

    @discardableResult
    public func publish(topicArn: String, message: String, subject: String? = nil,
                        messageAttributes: [String: SNSMessageAttributeValue] = [:]) throws -> PublishOutput {
        try Self.validateMessage(message, subject: subject, attributes: messageAttributes)
        return try lock.withLock {
            let topic = topics[try topicIndex(topicArn)]
            sequence += 1
            let messageId = Digest.uuidString(from: "message|\(topicArn)|\(sequence)")
            for subscription in topic.subscriptions where subscription.confirmed {
                var delivery = SNSDelivery(
                    kind: .notification, subscriptionArn: subscription.arn, protocol: subscription.protocol,
                    endpoint: subscription.endpoint, messageId: messageId, subject: subject, message: message,
                    messageAttributes: messageAttributes, timestamp: clock.now, token: nil, body: message)
                if subscription.protocol != "email" { delivery.body = SNSEnvelope.json(delivery, topicArn: topicArn) }
                deliveryLog[topicArn, default: []].append(delivery)
            }
            return PublishOutput(messageId: messageId)
        }
    }

    /// Every message delivered for the topic's subscriptions, oldest first, including
    /// confirmation requests. Kept after the topic is deleted, for the handout.
    public func deliveries(topicArn: String) -> [SNSDelivery] {
        lock.withLock { deliveryLog[topicArn] ?? [] }
    }

    // MARK: Helpers

    private func topicIndex(_ arn: String) throws -> Int {
        try Self.validateTopicArn(arn)
        guard let index = topics.firstIndex(where: { $0.arn == arn }) else {
            throw AWSError(service: "sns", code: "NotFound", httpStatus: 404, message: "Topic does not exist",
                           fields: ["TopicArn": arn])
        }
        return index
    }

    private func recordConfirmationRequest(_ subscription: Subscription, topicArn: String) {
        sequence += 1
        let topicName = topicArn.split(separator: ":").last.map(String.init) ?? topicArn
        let message = "You have chosen to subscribe to the topic:\n\(topicArn)\n"
            + "To confirm the subscription, visit the SubscribeURL included in this message."
        var delivery = SNSDelivery(
            kind: .subscriptionConfirmation, subscriptionArn: "PendingConfirmation", protocol: subscription.protocol,
            endpoint: subscription.endpoint, messageId: Digest.uuidString(from: "confirm|\(subscription.arn)"),
            subject: "AWS Notification - Subscription Confirmation (\(topicName))", message: message,
            messageAttributes: [:], timestamp: clock.now, token: subscription.token, body: message)
        if subscription.protocol != "email" { delivery.body = SNSEnvelope.json(delivery, topicArn: topicArn) }
        deliveryLog[topicArn, default: []].append(delivery)
    }

    static func invalidParameter(_ what: String) -> AWSError {
        AWSError(service: "sns", code: "InvalidParameter", httpStatus: 400, message: "Invalid parameter: \(what)")
    }
}
