import Foundation
import XCTest
@testable import Cloud

final class SNSTests: XCTestCase {
    private let account = Account()

    func testCreateTopicIsIdempotentAndListed() throws {
        let sns = SNS(account: account, clock: VirtualClock())
        let arn = try sns.createTopic(name: "async-success")
        XCTAssertEqual(arn, "arn:aws:sns:ap-northeast-2:123456789012:async-success")
        XCTAssertEqual(try sns.createTopic(name: "async-success"), arn)
        try sns.createTopic(name: "async-error")
        XCTAssertEqual(sns.listTopics(), [arn, "arn:aws:sns:ap-northeast-2:123456789012:async-error"])
        try sns.deleteTopic(topicArn: arn)
        try sns.deleteTopic(topicArn: arn)  // deleting a deleted topic succeeds, as on AWS
        XCTAssertEqual(sns.listTopics().count, 1)
    }

    func testEmailSubscriptionWaitsForConfirmationBeforeDelivery() throws {
        let clock = VirtualClock()
        let sns = SNS(account: account, clock: clock)
        let topic = try sns.createTopic(name: "done")
        XCTAssertEqual(try sns.subscribe(topicArn: topic, protocol: "email", endpoint: "me@example.com"),
                       "pending confirmation")
        XCTAssertEqual(try sns.listSubscriptionsByTopic(topicArn: topic).map(\.subscriptionArn), ["PendingConfirmation"])
        try sns.publish(topicArn: topic, message: "before confirmation")

        let request = try XCTUnwrap(sns.deliveries(topicArn: topic).first)
        XCTAssertEqual(request.kind, .subscriptionConfirmation)
        XCTAssertEqual(sns.deliveries(topicArn: topic).count, 1, "nothing is delivered to a pending subscription")
        let subscriptionArn = try sns.confirmSubscription(topicArn: topic, token: try XCTUnwrap(request.token))
        XCTAssertTrue(subscriptionArn.hasPrefix(topic + ":"))
        XCTAssertEqual(try sns.listSubscriptionsByTopic(topicArn: topic).map(\.subscriptionArn), [subscriptionArn])

        clock.advance(by: 60)
        let output = try sns.publish(topicArn: topic, message: "inference done", subject: "Async result",
                                     messageAttributes: ["count": .number("3")])
        let delivered = try XCTUnwrap(sns.deliveries(topicArn: topic).last)
        XCTAssertEqual(delivered.kind, .notification)
        XCTAssertEqual(delivered.messageId, output.messageId)
        XCTAssertEqual(delivered.body, "inference done")  // plain email gets the bare message
        XCTAssertEqual(delivered.subject, "Async result")
        XCTAssertEqual(delivered.timestamp, clock.now)
    }

    func testLambdaSubscriptionGetsJSONEnvelopeImmediately() throws {
        let sns = SNS(account: account, clock: VirtualClock())
        let topic = try sns.createTopic(name: "to-lambda")
        let arn = try sns.subscribe(topicArn: topic, protocol: "lambda",
                                    endpoint: "arn:aws:lambda:ap-northeast-2:123456789012:function:f")
        XCTAssertNotEqual(arn, "pending confirmation")
        try sns.publish(topicArn: topic, message: "{\"ok\":true}")
        let body = try XCTUnwrap(sns.deliveries(topicArn: topic).first?.body)
        let envelope = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        XCTAssertEqual(envelope["Type"] as? String, "Notification")
        XCTAssertEqual(envelope["Message"] as? String, "{\"ok\":true}")
        XCTAssertEqual(envelope["TopicArn"] as? String, topic)
    }

    // Codes and statuses from botocore data/sns/2010-03-31/service-2.json:
    // InvalidParameterException -> InvalidParameter 400, InvalidParameterValueException ->
    // ParameterValueInvalid 400, NotFoundException -> NotFound 404.
    func testValidationErrors() throws {
        let sns = SNS(account: account, clock: VirtualClock())
        let topic = try sns.createTopic(name: "t")
        let missing = "arn:aws:sns:ap-northeast-2:123456789012:missing"
        let cases: [(String, String, Int, () throws -> Void)] = [
            ("empty name", "InvalidParameter", 400, { try sns.createTopic(name: "") }),
            ("bad characters", "InvalidParameter", 400, { try sns.createTopic(name: "has space") }),
            ("name too long", "InvalidParameter", 400, { try sns.createTopic(name: String(repeating: "a", count: 257)) }),
            ("fifo without attribute", "InvalidParameter", 400, { try sns.createTopic(name: "q.fifo") }),
            ("bad protocol", "InvalidParameter", 400, { try sns.subscribe(topicArn: topic, protocol: "pigeon", endpoint: "x") }),
            ("bad email", "InvalidParameter", 400, { try sns.subscribe(topicArn: topic, protocol: "email", endpoint: "not-an-email") }),
            ("http mismatch", "InvalidParameter", 400, { try sns.subscribe(topicArn: topic, protocol: "https", endpoint: "http://x") }),
            ("subscribe unknown topic", "NotFound", 404, { try sns.subscribe(topicArn: missing, protocol: "email", endpoint: "a@b.co") }),
            ("malformed arn", "InvalidParameter", 400, { try sns.publish(topicArn: "not-an-arn", message: "m") }),
            ("publish unknown topic", "NotFound", 404, { try sns.publish(topicArn: missing, message: "m") }),
            ("list unknown topic", "NotFound", 404, { _ = try sns.listSubscriptionsByTopic(topicArn: missing) }),
            ("empty message", "InvalidParameter", 400, { try sns.publish(topicArn: topic, message: "") }),
            ("message too long", "InvalidParameter", 400, {
                try sns.publish(topicArn: topic, message: String(repeating: "x", count: SNS.maxMessageBytes + 1)) }),
            ("attributes push over limit", "InvalidParameter", 400, {
                try sns.publish(topicArn: topic, message: String(repeating: "x", count: SNS.maxMessageBytes - 4),
                                messageAttributes: ["k": .string("vvvv")]) }),
            ("subject too long", "InvalidParameter", 400, {
                try sns.publish(topicArn: topic, message: "m", subject: String(repeating: "s", count: 101)) }),
            ("subject newline", "InvalidParameter", 400, { try sns.publish(topicArn: topic, message: "m", subject: "a\nb") }),
            ("bad number attribute", "ParameterValueInvalid", 400, {
                try sns.publish(topicArn: topic, message: "m", messageAttributes: ["n": .number("abc")]) }),
            ("bad attribute type", "ParameterValueInvalid", 400, {
                try sns.publish(topicArn: topic, message: "m", messageAttributes: ["n": .init(dataType: "Blob", stringValue: "x")]) }),
            ("bad token", "InvalidParameter", 400, { try sns.confirmSubscription(topicArn: topic, token: "nope") }),
        ]
        for (label, code, status, call) in cases {
            expectAWSError(code, status, label, call)
        }
        XCTAssertNoThrow(try sns.publish(topicArn: topic, message: String(repeating: "x", count: SNS.maxMessageBytes)))
    }
}
