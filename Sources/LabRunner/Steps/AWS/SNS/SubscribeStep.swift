// `sns.subscribe`: Subscribe: email subscriptions stay pending until confirmed.
import Cloud
import Foundation

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
        LabValue(aws: try await context.call("sns", "Subscribe", [
            "TopicArn": .string(try context.resolve(topic)), "Protocol": .string(try context.resolve(proto)),
            "Endpoint": .string(try context.resolve(endpoint)),
        ]))
    }
}
