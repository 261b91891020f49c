// `sns.delete_topic`: DeleteTopic.
enum TopicResource: DeletableResource {
    static let kind = "sns.delete_topic", operation = "DeleteTopic", noun = "topic", member = "TopicArn"
    static let example = "arn:aws:sns:us-west-2:123456789012:success-topic"
}
