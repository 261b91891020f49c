// SNS's input rules: topic names, ARNs, endpoints per protocol, and message limits.
import Foundation

extension SNS {
    /// 1-256 ASCII letters, digits, hyphens and underscores; FIFO topics end in ".fifo".
    static func validateTopicName(_ name: String, attributes: [String: String]) throws {
        let fifo = attributes["FifoTopic"] == "true"
        let base = fifo && name.hasSuffix(".fifo") ? String(name.dropLast(5)) : name
        let valid = (1...256).contains(name.count) && !base.isEmpty
            && base.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_") }
        guard valid else { throw invalidParameter("Topic Name") }
        if fifo != name.hasSuffix(".fifo") {
            throw invalidParameter("Topic Name (a FIFO topic's name must end in '.fifo' and only a FIFO topic's may)")
        }
    }

    static func validateTopicArn(_ arn: String) throws {
        let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[2] == "sns", !parts[5].isEmpty else {
            throw invalidParameter("TopicArn")
        }
    }

    static func validateEndpoint(_ endpoint: String, protocol proto: String) throws {
        guard supportedProtocols.contains(proto) else {
            throw invalidParameter("Amazon SNS does not support this protocol string: \(proto)")
        }
        switch proto {
        case "email", "email-json":
            let parts = endpoint.split(separator: "@", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
                  !parts[1].hasPrefix("."), !parts[1].hasSuffix("."), !endpoint.contains(" ") else {
                throw invalidParameter("Email address")
            }
        case "http", "https":
            guard endpoint.lowercased().hasPrefix("\(proto)://") else {
                throw invalidParameter("Endpoint must match the specified protocol")
            }
        case "sqs", "lambda", "firehose":
            let service = proto == "firehose" ? "firehose" : proto
            guard endpoint.hasPrefix("arn:aws:\(service):") else {
                throw invalidParameter("\(proto.uppercased()) endpoint ARN")
            }
        default:
            guard !endpoint.isEmpty else { throw invalidParameter("Endpoint") }
        }
    }

    static func validateMessage(_ message: String, subject: String?,
                                attributes: [String: SNSMessageAttributeValue]) throws {
        guard !message.isEmpty else { throw invalidParameter("Empty message") }
        if let subject {
            let printable = subject.unicodeScalars.allSatisfy { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7f }
            guard !subject.isEmpty, subject.count <= 100, printable else {
                throw invalidParameter("Subject (it must be 1-100 printable ASCII characters without line breaks)")
            }
        }
        var size = message.utf8.count
        for (name, value) in attributes {
            try validateAttribute(name, value)
            size += name.utf8.count + value.dataType.utf8.count
                + (value.stringValue?.utf8.count ?? 0) + (value.binaryValue?.count ?? 0)
        }
        guard size <= maxMessageBytes else {
            throw invalidParameter("Message too long (\(size) bytes with attributes; the limit is \(maxMessageBytes))")
        }
    }

    private static func validateAttribute(_ name: String, _ value: SNSMessageAttributeValue) throws {
        func invalid(_ reason: String) -> AWSError {
            AWSError(service: "sns", code: "ParameterValueInvalid", httpStatus: 400,
                     message: "The message attribute '\(name)' \(reason)")
        }
        guard !name.isEmpty, name.count <= 256 else { throw invalid("has an invalid name") }
        let type = value.dataType.split(separator: ".", maxSplits: 1).first.map(String.init) ?? ""
        switch type {
        case "String":
            guard value.stringValue != nil else { throw invalid("must contain a non-empty message attribute value for message attribute type 'String'.") }
        case "Number":
            guard let text = value.stringValue, Double(text) != nil else {
                throw invalid("has an invalid message attribute value for message attribute type 'Number'.")
            }
        case "Binary":
            guard value.binaryValue != nil else { throw invalid("must contain a non-empty message attribute value for message attribute type 'Binary'.") }
        default:
            throw invalid("has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.")
        }
    }
}

/// The JSON body SNS posts to HTTP, SQS and Lambda subscribers and email-json inboxes.
enum SNSEnvelope {
    static func json(_ delivery: SNSDelivery, topicArn: String) -> String {
        var object: [String: Any] = [
            "Type": delivery.kind.rawValue,
            "MessageId": delivery.messageId,
            "TopicArn": topicArn,
            "Message": delivery.message,
            "Timestamp": timestampFormatter.string(from: delivery.timestamp),
            "SignatureVersion": "1",
        ]
        if let subject = delivery.subject { object["Subject"] = subject }
        if let token = delivery.token { object["Token"] = token }
        if !delivery.messageAttributes.isEmpty {
            object["MessageAttributes"] = delivery.messageAttributes.mapValues { value -> [String: String] in
                ["Type": value.dataType, "Value": value.stringValue ?? value.binaryValue?.base64EncodedString() ?? ""]
            }
        }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]),
              let text = String(data: data, encoding: .utf8) else { return delivery.message }
        return text
    }

    static let timestampFormatter: ISO8601DateFormatter = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }()
}
