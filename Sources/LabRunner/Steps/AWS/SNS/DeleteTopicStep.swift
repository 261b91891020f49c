// `sns.delete_topic`: DeleteTopic.
enum TopicResource: DeletableResource {
    static let kind = "sns.delete_topic", operation = "DeleteTopic", noun = "topic", member = "TopicArn"
}
