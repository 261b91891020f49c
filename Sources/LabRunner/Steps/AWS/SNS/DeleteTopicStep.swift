// `sns.delete_topic`: DeleteTopic.
import Cloud

enum TopicResource: DeletableResource {
    static let kind = "sns.delete_topic", operation = "DeleteTopic", noun = "topic", member = "TopicArn"
    static func delete(_ name: String, in cloud: CloudEnvironment) throws { try cloud.sns.deleteTopic(topicArn: name) }
}
