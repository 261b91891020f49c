// `logs.filter_log_events`: FilterLogEvents: a log group's lines (an endpoint's or a function's), optionally filtered.
import Cloud
import Foundation

/// What "check CloudWatch logs" means in a lab: `/aws/sagemaker/Endpoints/<name>` says
/// why an endpoint failed, `/aws/lambda/<name>` has each call's REPORT line. The pages
/// come back as one answer, as boto3's paginator builds it.
struct FilterLogEventsStep: LabStep {
    static let kind = "logs.filter_log_events"
    static let summary = "FilterLogEvents: a log group's lines (an endpoint's or a function's), optionally filtered."
    static let declaration = StepDeclaration(
        boto3: "logs", "FilterLogEvents", parameters: [StepDeclaration.Parameter("logGroupName", required: true), "filterPattern", "logStreamNamePrefix"],
        output: [
            OutputField("events", "Every page's events: {logStreamName, timestamp, message} each."),
            OutputField("count", "How many."),
        ],
        includesAnswer: false,
        example: """
            logGroupName: /aws/sagemaker/Endpoints/nsmc
            filterPattern: ERROR
            """)
    let group: Arg<String>, pattern: Arg<String>?, streamPrefix: Arg<String>?

    init(arguments: inout StepArguments) throws {
        group = try arguments.required("logGroupName")
        pattern = try arguments.optional("filterPattern")
        streamPrefix = try arguments.optional("logStreamNamePrefix")
    }

    func run(in context: StepContext) async throws -> LabValue {
        let parameters = AWSValue.structure([
            ("logGroupName", .string(try context.resolve(group))),
            ("filterPattern", try pattern.map { .string(try context.resolve($0)) }),
            ("logStreamNamePrefix", try streamPrefix.map { .string(try context.resolve($0)) }),
        ])
        let (events, _) = try await context.callPages("logs", "FilterLogEvents", parameters, token: ("nextToken", "nextToken"), items: "events")
        let lines = events.map { event in
            Shape.object([("logStreamName", event["logStreamName"].map(LabValue.init(aws:))),
                          ("timestamp", event["timestamp"].map(LabValue.init(aws:))),
                          ("message", event["message"].map(LabValue.init(aws:)))])
        }
        return .object(LabObject([("events", .list(lines)), ("count", .int(lines.count))]))
    }
}
