// `cloudwatch.get_metric_statistics`: GetMetricStatistics with boto3's parameters and
// response (Label, Datapoints), plus the series of the first statistic as plain lists for a
// figure. The window is StartTime/EndTime (ISO 8601) as in boto3, or `LastMinutes` on the
// simulated clock, which a lab book can write without knowing the simulated date.
import Cloud
import Foundation

struct GetMetricStatisticsStep: LabStep {
    static let kind = "cloudwatch.get_metric_statistics"
    static let summary = "GetMetricStatistics: StartTime/EndTime (or LastMinutes on the simulated clock), Statistics; boto3's Datapoints (sorted by time) plus Minutes/Values/Max of the first statistic for a figure."
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

    func run(in context: StepContext) async throws -> LabValue {
        let (start, end) = try window(in: context)
        let stats = try resolvedStatistics(in: context)
        let output = try context.cloud.cloudWatch.getMetricStatistics(
            namespace: try context.resolve(namespace), metricName: try context.resolve(metric), dimensions: try resolvedDimensions(in: context),
            startTime: start, endTime: end, period: try context.resolve(period, default: 60), statistics: stats)
        // AWS returns datapoints in no particular order; sorted, they plot and index as a series.
        let points = output.datapoints.sorted { $0.timestamp < $1.timestamp }
        let values = points.map { value($0, stats[0]) ?? 0 }
        let datapoints = points.map { point in
            Shape.object([("Timestamp", Shape.date(point.timestamp))] + stats.map { ($0.rawValue, value(point, $0).map(LabValue.number)) }
                         + [("Unit", .string(point.unit.rawValue))])
        }
        return Shape.object([("Label", .string(output.label)), ("Datapoints", .list(datapoints)),
                             ("Count", .int(values.count)),
                             ("Minutes", .list(points.map { .number($0.timestamp.timeIntervalSince(start) / 60) })),
                             ("Values", .list(values.map(LabValue.number))), ("Max", values.max().map(LabValue.number))])
    }

    private func window(in context: StepContext) throws -> (Date, Date) {
        if let minutes {
            let span = try context.resolve(minutes)
            guard (1...10_080).contains(span) else { throw LabError(minutes.location, "LastMinutes is 1 to 10080 (a week)") }
            let end = context.cloud.clock.now
            return (end.addingTimeInterval(-60 * Double(span)), end)
        }
        func date(_ arg: Arg<String>) throws -> Date {
            let text = try context.resolve(arg)
            let formatter = ISO8601DateFormatter()
            for options: ISO8601DateFormatter.Options in [[.withInternetDateTime], [.withInternetDateTime, .withFractionalSeconds]] {
                formatter.formatOptions = options
                if let parsed = formatter.date(from: text) { return parsed }
            }
            throw LabError(arg.location, "'\(text)' is not an ISO 8601 time such as 2026-11-24T09:00:00Z")
        }
        guard let startTime, let endTime else { throw LabError(statistics.location, "StartTime and EndTime go together") }
        return (try date(startTime), try date(endTime))
    }

    private func resolvedStatistics(in context: StepContext) throws -> [Statistic] {
        let value = try context.resolve(statistics)
        let names = value.list?.map(\.string) ?? [value.string]
        guard !names.isEmpty else { throw LabError(statistics.location, "Statistics names at least one statistic") }
        return try names.map { name in
            guard let name, let statistic = Statistic(rawValue: name) else {
                throw LabError.unknown("Statistic", name ?? "\(value)", at: statistics.location, known: Statistic.allCases.map(\.rawValue))
            }
            return statistic
        }
    }

    private func resolvedDimensions(in context: StepContext) throws -> [MetricDimension] {
        guard let dimensions else { return [] }
        guard let list = try context.resolve(dimensions).list else { throw LabError(dimensions.location, "Dimensions is a list of {Name, Value}") }
        return try list.enumerated().map { index, value in
            var reader = try ShapeReader(value, path: "Dimensions[\(index)]", at: dimensions.location)
            let dimension = MetricDimension(name: try reader.string("Name"), value: try reader.string("Value"))
            try reader.finish()
            return dimension
        }
    }

    private func value(_ point: Datapoint, _ statistic: Statistic) -> Double? {
        switch statistic {
        case .average: point.average
        case .sum: point.sum
        case .sampleCount: point.sampleCount
        case .minimum: point.minimum
        case .maximum: point.maximum
        }
    }
}
