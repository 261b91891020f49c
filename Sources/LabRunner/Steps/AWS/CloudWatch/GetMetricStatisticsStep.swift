// `cloudwatch.get_metric_statistics`: GetMetricStatistics with boto3's parameters and
// response (Label, Datapoints), plus the series of the first statistic as plain lists for a
// figure. The window is StartTime/EndTime (ISO 8601) as in boto3, or `LastMinutes` up to now
// (the simulated clock when embedded), which a book can write without knowing the date.
import Cloud
import Foundation

struct GetMetricStatisticsStep: LabStep {
    static let kind = "cloudwatch.get_metric_statistics"
    static let summary = "GetMetricStatistics: StartTime/EndTime (or LastMinutes on the simulated clock), Statistics; boto3's Datapoints (sorted by time) plus Minutes/Values/Max of the first statistic for a figure."
    static let declaration = StepDeclaration(
        boto3: "cloudwatch", "GetMetricStatistics",
        parameters: ["Namespace", "MetricName", "Dimensions",
                     StepDeclaration.Parameter("StartTime", required: false), StepDeclaration.Parameter("EndTime", required: false),
                     StepDeclaration.Parameter("Period", required: false, default: "60"),
                     StepDeclaration.Parameter("Statistics", .any)],
        keys: [
            StepKey("LastMinutes", .integer, "Instead of StartTime and EndTime: the window ending now, on the account's clock."),
            StepKey("Statistic", .string, "One statistic instead of the Statistics list (older labbook spelling)."),
        ],
        exactlyOne: [["Statistics", "Statistic"]],
        output: [
            OutputField("Datapoints", "boto3's datapoints, sorted by Timestamp."),
            OutputField("Count", "How many datapoints."),
            OutputField("Minutes", "Each datapoint's minutes since the window's start, for a figure's x."),
            OutputField("Values", "The first statistic's values, for a figure's y."),
            OutputField("Max", "The largest of them."),
        ],
        example: """
            Namespace: AWS/SageMaker
            MetricName: ApproximateBacklogSizePerInstance
            Dimensions: [{Name: EndpointName, Value: async-maskrcnn}]
            LastMinutes: 60
            Period: 60
            Statistics: [Average]
            """)
    let namespace: Arg<String>, metric: Arg<String>, dimensions: Arg<LabValue>?, period: Arg<Int>?
    let minutes: Arg<Int>?, startTime: Arg<String>?, endTime: Arg<String>?
    /// boto3's `Statistics` list; `Statistic` (one name) is the older labbook spelling.
    let statistics: Arg<LabValue>

    init(arguments: inout StepArguments) throws {
        namespace = try arguments.required("Namespace")
        metric = try arguments.required("MetricName")
        dimensions = try arguments.optional("Dimensions")
        minutes = try arguments.optional("LastMinutes")
        startTime = try arguments.optional("StartTime")
        endTime = try arguments.optional("EndTime")
        switch (minutes, startTime, endTime) {
        case (.some, nil, nil), (nil, .some, .some): break
        default: throw LabError(arguments.location, "get_metric_statistics takes StartTime and EndTime, or LastMinutes")
        }
        period = try arguments.optional("Period")
        let list: Arg<LabValue>? = try arguments.optional("Statistics"), single: Arg<LabValue>? = try arguments.optional("Statistic")
        guard let chosen = list ?? single, (list == nil) != (single == nil) else {
            throw LabError(arguments.location, "get_metric_statistics takes Statistics (a list, as boto3) or Statistic")
        }
        statistics = chosen
    }

    /// boto3's answer with its datapoints in time order, and the first statistic as a
    /// series: AWS returns datapoints in no particular order; sorted, they plot and index.
    func run(in context: StepContext) async throws -> LabValue {
        let (start, end) = try window(in: context)
        let stats = try resolvedStatistics(in: context)
        var parameters: [String: AWSValue] = [
            "Namespace": .string(try context.resolve(namespace)), "MetricName": .string(try context.resolve(metric)),
            "StartTime": .timestamp(start), "EndTime": .timestamp(end), "Period": .int(try context.resolve(period, default: 60)),
            "Statistics": stats,
        ]
        if let dimensions { parameters["Dimensions"] = try context.resolve(dimensions).awsValue }
        let output = try await context.call("cloudwatch", "GetMetricStatistics", .map(parameters))
        let points = (output["Datapoints"]?.list ?? []).sorted { ($0["Timestamp"]?.date ?? .distantPast) < ($1["Timestamp"]?.date ?? .distantPast) }
        let first = stats.list?.first?.string ?? ""
        let values = points.map { $0[first]?.double ?? 0 }
        return LabValue(aws: output, adding: [
            ("Datapoints", .list(points.map(LabValue.init(aws:)))), ("Count", .int(values.count)),
            ("Minutes", .list(points.map { .number(($0["Timestamp"]?.date ?? start).timeIntervalSince(start) / 60) })),
            ("Values", .list(values.map(LabValue.number))), ("Max", values.max().map(LabValue.number)),
        ])
    }

    private func window(in context: StepContext) throws -> (Date, Date) {
        if let minutes {
            let span = try context.resolve(minutes)
            guard (1...10_080).contains(span) else {
                throw LabError(minutes.location, "LastMinutes must be 1 to 10080 (a week)", ko: "LastMinutes는 1에서 10080(일주일) 사이여야 합니다")
            }
            let end = context.awsNow
            return (end.addingTimeInterval(-60 * Double(span)), end)
        }
        func date(_ arg: Arg<String>) throws -> Date {
            let text = try context.resolve(arg)
            let formatter = ISO8601DateFormatter()
            for options: ISO8601DateFormatter.Options in [[.withInternetDateTime], [.withInternetDateTime, .withFractionalSeconds]] {
                formatter.formatOptions = options
                if let parsed = formatter.date(from: text) { return parsed }
            }
            throw LabError(arg.location, "'\(text)' is not an ISO 8601 time such as 2026-11-24T09:00:00Z",
                           ko: "2026-11-24T09:00:00Z 같은 ISO 8601 시각이 아닙니다: '\(text)'")
        }
        guard let startTime, let endTime else {
            throw LabError(statistics.location, "StartTime and EndTime go together", ko: "StartTime과 EndTime은 함께 써야 합니다")
        }
        return (try date(startTime), try date(endTime))
    }

    /// boto3's `Statistics` list; the older `Statistic` (one name) becomes a list of one.
    /// The dispatch checks the names against the model.
    private func resolvedStatistics(in context: StepContext) throws -> AWSValue {
        let value = try context.resolve(statistics)
        return value.string.map { .list([.string($0)]) } ?? value.awsValue
    }
}
