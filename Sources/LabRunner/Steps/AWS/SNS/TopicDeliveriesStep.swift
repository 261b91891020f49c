// `sns.deliveries`: The messages a topic delivered to its subscribers, confirmations included.
import Cloud
import Foundation

/// What the subscribers of a topic received (an inbox, for the handout). No SNS API reads
/// a subscriber's inbox: the step reads what the emulated SNS delivered, in the embedded
/// account or, over the wire, through labbook serve's `GET /_labbook/sns/deliveries`.
struct TopicDeliveriesStep: LabStep {
    static let kind = "sns.deliveries"
    static let summary = "The messages a topic delivered to its subscribers, confirmations included."
    static let declaration = StepDeclaration(
        keys: [StepKey("TopicArn", .string, required: true, "The topic whose deliveries to show.")],
        output: [
            OutputField("Count", "How many messages."),
            OutputField("Messages", "{Type, Endpoint, Subject, Message (parsed when JSON), Token, Timestamp} each."),
        ],
        touchesState: true,
        example: "TopicArn: arn:aws:sns:us-west-2:123456789012:success-topic")
    let topic: Arg<String>

    init(arguments: inout StepArguments) throws { topic = try arguments.required("TopicArn") }

    /// One delivery as the handout shows it, wherever it was read.
    struct Message {
        var type: String, endpoint: String, subject: String?, message: String, token: String?, timestamp: Date
    }

    func run(in context: StepContext) async throws -> LabValue {
        let arn = try context.resolve(topic)
        let messages = context.isEmbedded
            ? context.cloud.sns.deliveries(topicArn: arn).map {
                Message(type: $0.kind.rawValue, endpoint: $0.endpoint, subject: $0.subject, message: $0.message,
                        token: $0.token, timestamp: $0.timestamp)
            }
            : try await remote(arn, in: context)
        return Shape.object([("Count", .int(messages.count)), ("Messages", .list(messages.map { m in
            Shape.object([("Type", .string(m.type)), ("Endpoint", .string(m.endpoint)), ("Subject", m.subject.map(LabValue.string)),
                          ("Message", (try? LabValue(json: Data(m.message.utf8))) ?? .string(m.message)),
                          ("Token", m.token.map(LabValue.string)), ("Timestamp", Shape.date(m.timestamp))])
        }))])
    }

    private func remote(_ arn: String, in context: StepContext) async throws -> [Message] {
        let answer = try await context.labbookExtension(
            Self.kind, at: topic.location, onRealAWS: "check the subscriber's email inbox (or the HTTP endpoint's log) for what SNS sent",
            onRealAWSKo: "SNS가 보낸 내용은 구독자의 메일함(또는 HTTP 엔드포인트의 로그)에서 확인하세요",
            method: "GET", path: "/_labbook/sns/deliveries", query: [("TopicArn", arn)])
        let time = ISO8601DateFormatter()
        time.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return try (answer["Deliveries"]?.list ?? []).map { item in
            guard let type = item["Type"]?.string, let endpoint = item["Endpoint"]?.string, let message = item["Message"]?.string,
                  let timestamp = item["Timestamp"]?.string.flatMap(time.date(from:)) else {
                throw LabError(topic.location, "labbook serve's /_labbook/sns/deliveries answered a delivery this labbook cannot read: \(item)",
                               ko: "labbook serve의 /_labbook/sns/deliveries가 이 labbook이 읽을 수 없는 전달 기록을 보냈습니다: \(item)")
            }
            return Message(type: type, endpoint: endpoint, subject: item["Subject"]?.string, message: message,
                           token: item["Token"]?.string, timestamp: timestamp)
        }
    }
}
