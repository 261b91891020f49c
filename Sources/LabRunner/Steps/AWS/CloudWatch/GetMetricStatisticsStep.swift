// `cloudwatch.get_metric_statistics`: GetMetricStatistics over the last N simulated minutes; datapoints as lists ready for a figure.
import Cloud
import Foundation

struct GetMetricStatisticsStep: LabStep {
    static let kind = "cloudwatch.get_metric_statistics"
    static let summary = "GetMetricStatistics; LastMinutes (on the simulated clock) stands in for StartTime/EndTime, one Statistic; datapoints as lists for a figure."
    let namespace: Arg<String>, metric: Arg<String>, dimensions: Arg<LabValue>?, minutes: Arg<Int>, period: Arg<Int>?, statistic: Arg<String>

    init(arguments: inout StepArguments) throws {
        namespace = try arguments.required("Namespace")
        metric = try arguments.required("MetricName")
        dimensions = try arguments.optional("Dimensions")
        minutes = try arguments.required("LastMinutes")
        period = try arguments.optional("Period")
        statistic = try arguments.required("Statistic")
    }

    func run(in context: StepContext) async throws -> LabValue {
        let end = context.cloud.clock.now
        let span = try context.resolve(minutes)
        guard (1...10_080).contains(span) else { throw LabError(minutes.location, "LastMinutes is 1 to 10080 (a week)") }
        let start = end.addingTimeInterval(-60 * Double(span))
        let statName = try context.resolve(statistic)
        guard let stat = Statistic(rawValue: statName) else {
            throw LabError.unknown("Statistic", statName, at: statistic.location, known: Statistic.allCases.map(\.rawValue))
        }
        let dims: [MetricDimension] = try dimensions.map { arg -> [MetricDimension] in
            guard let list = try context.resolve(arg).list else { throw LabError(arg.location, "Dimensions is a list of {Name, Value}") }
            return try list.enumerated().map { index, value -> MetricDimension in
                var r = try ShapeReader(value, path: "Dimensions[\(index)]", at: arg.location)
                let d = MetricDimension(name: try r.string("Name"), value: try r.string("Value"))
                try r.finish()
                return d
            }
        } ?? []
        let output = try context.cloud.cloudWatch.getMetricStatistics(
            namespace: try context.resolve(namespace), metricName: try context.resolve(metric), dimensions: dims,
            startTime: start, endTime: end, period: try context.resolve(period, default: 60), statistics: [stat])
        let values: [Double] = output.datapoints.map { p in
            switch stat {
            case .average: p.average ?? 0
            case .sum: p.sum ?? 0
            case .sampleCount: p.sampleCount ?? 0
            case .minimum: p.minimum ?? 0
            case .maximum: p.maximum ?? 0
            }
        }
        let minutesFromStart = output.datapoints.map { $0.timestamp.timeIntervalSince(start) / 60 }
        return Shape.object([("Label", .string(output.label)), ("Count", .int(values.count)),
                             ("Minutes", .list(minutesFromStart.map(LabValue.number))), ("Values", .list(values.map(LabValue.number))),
                             ("Max", values.max().map(LabValue.number))])
    }
}
