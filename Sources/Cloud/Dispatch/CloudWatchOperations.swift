// Amazon CloudWatch's metric operations as boto3 calls them (botocore model
// cloudwatch/2010-08-01), onto `CloudWatch`.
import AWSShapes
import Foundation

enum CloudWatchOperations {
    static let handlers: [String: OperationHandler] = [
        "PutMetricData": { cloud, input in
            try putMetricData(cloud.cloudWatch, Parameters(input, service: "cloudwatch"))
            return .empty
        },
        "GetMetricStatistics": { cloud, input in
            try getMetricStatistics(cloud.cloudWatch, Parameters(input, service: "cloudwatch"))
        },
        "ListMetrics": { cloud, input in try listMetrics(cloud, Parameters(input, service: "cloudwatch")) },
    ]

    /// ListMetrics answers up to 500 metrics a page.
    static let pageSize = 500

    // MARK: PutMetricData

    /// Each datum becomes samples: a Value one, Values each as many times as Counts says.
    /// Data sent with an entity (EntityMetricData) is stored the same way; the entity
    /// association itself is not kept. Every datum is read before any is stored, so a
    /// malformed one stores nothing.
    private static func putMetricData(_ cloudWatch: CloudWatch, _ p: Parameters) throws {
        let namespace = try p.string("Namespace")
        let data = p.structures("MetricData") + p.structures("EntityMetricData").flatMap { $0.structures("MetricData") }
        guard !data.isEmpty else {
            throw AWSError(service: "cloudwatch", code: "MissingParameter", httpStatus: 400,
                           message: "The parameter MetricData is required.")
        }
        let read = try data.enumerated().map { index, datum in
            (datum: datum, samples: try samples(datum, member: "MetricData.member.\(index + 1)"),
             timestamp: try datum.optionalDate("Timestamp"))
        }
        for (datum, samples, timestamp) in read {
            let unit = datum.optionalString("Unit").flatMap(StandardUnit.init(rawValue:)) ?? StandardUnit.none
            for value in samples {
                try cloudWatch.putMetricData(namespace: namespace, metricName: try datum.string("MetricName"),
                                             dimensions: datum.dimensions(), value: value, unit: unit, timestamp: timestamp)
            }
        }
    }

    /// StatisticValues (a pre-aggregated set) is not emulated: the store keeps samples.
    private static func samples(_ datum: Parameters, member: String) throws -> [Double] {
        let value = datum.optionalDouble("Value")
        let values = datum.value["Values"]?.list?.compactMap(\.double)
        if datum.value["StatisticValues"] != nil {
            throw invalidValue("The parameter \(member).StatisticValues is not emulated; send Value, or Values with Counts.")
        }
        switch (value, values) {
        case (let value?, nil): return [value]
        case (nil, let values?): return try expand(values, counts: datum.value["Counts"]?.list?.compactMap(\.double), member: member)
        case (.some, .some):
            throw combination("The parameters \(member).Value and \(member).Values are mutually exclusive and you have specified both.")
        case (nil, nil):
            throw combination("At least one of the parameters \(member).Value, \(member).StatisticValues or \(member).Values must be specified.")
        }
    }

    private static func expand(_ values: [Double], counts: [Double]?, member: String) throws -> [Double] {
        guard values.count <= 150 else {
            throw invalidValue("The collection \(member).Values must not contain more than 150 members.")
        }
        guard let counts else { return values }
        guard counts.count == values.count else {
            throw invalidValue("The parameters \(member).Values and \(member).Counts must be of the same size.")
        }
        var samples: [Double] = []
        for (value, count) in zip(values, counts) {
            // A sample is one value; a fractional count has no sample to stand for it.
            guard count >= 0, count.rounded() == count, count <= 1_000_000 else {
                throw invalidValue("The parameter \(member).Counts must hold whole numbers of samples here (got \(count)).")
            }
            samples += Array(repeating: value, count: Int(count))
        }
        return samples
    }

    // MARK: GetMetricStatistics

    /// Percentiles (ExtendedStatistics) are not emulated.
    private static func getMetricStatistics(_ cloudWatch: CloudWatch, _ p: Parameters) throws -> AWSValue {
        let statistics = p.strings("Statistics").compactMap(Statistic.init(rawValue:))
        if p.value["ExtendedStatistics"] != nil {
            guard statistics.isEmpty else {
                throw combination("The parameters Statistics and ExtendedStatistics are mutually exclusive and you have specified both.")
            }
            throw invalidValue("The parameter ExtendedStatistics (percentiles) is not emulated; use Statistics.")
        }
        let output = try cloudWatch.getMetricStatistics(
            namespace: try p.string("Namespace"), metricName: try p.string("MetricName"), dimensions: p.dimensions(),
            startTime: try p.date("StartTime"), endTime: try p.date("EndTime"), period: try p.int("Period"),
            statistics: statistics, unit: p.optionalString("Unit").flatMap(StandardUnit.init(rawValue:)))
        return ["Label": .string(output.label), "Datapoints": .list(output.datapoints.map(datapoint))]
    }

    static func datapoint(_ d: Datapoint) -> AWSValue {
        .structure([
            ("Timestamp", .timestamp(d.timestamp)), ("SampleCount", d.sampleCount.map(AWSValue.double)),
            ("Average", d.average.map(AWSValue.double)), ("Sum", d.sum.map(AWSValue.double)),
            ("Minimum", d.minimum.map(AWSValue.double)), ("Maximum", d.maximum.map(AWSValue.double)),
            ("Unit", .string(d.unit.rawValue)),
        ])
    }

    // MARK: ListMetrics

    private static func listMetrics(_ cloud: CloudEnvironment, _ p: Parameters) throws -> AWSValue {
        let filters = p.structures("Dimensions").compactMap { f in
            f.optionalString("Name").map { DimensionFilter(name: $0, value: f.optionalString("Value")) }
        }
        var metrics = try cloud.cloudWatch.listMetrics(namespace: p.optionalString("Namespace"),
                                                       metricName: p.optionalString("MetricName"), dimensions: filters)
        if p.optionalString("RecentlyActive") == "PT3H" {
            metrics = try metrics.filter { try hasRecentData($0, cloud) }
        }
        if let owner = p.optionalString("OwningAccount"), owner != cloud.account.id { metrics = [] }
        let page = try p.page(of: metrics, tokenKey: "NextToken", limit: pageSize) {
            AWSError(service: "cloudwatch", code: "InvalidNextToken", httpStatus: 400, message: $0)
        }
        // Every metric is the one account's; linked accounts are not emulated.
        let owners = p.optionalBool("IncludeLinkedAccounts") == true
            ? AWSValue.list(page.items.map { _ in .string(cloud.account.id) }) : nil
        return .structure([("Metrics", .list(page.items.map(metric))), ("NextToken", .optional(page.nextToken)),
                           ("OwningAccounts", owners)])
    }

    /// RecentlyActive PT3H: data stamped in the last three hours (or the two ahead PutMetricData allows).
    private static func hasRecentData(_ m: Metric, _ cloud: CloudEnvironment) throws -> Bool {
        let now = cloud.clock.now
        let output = try cloud.cloudWatch.getMetricStatistics(
            namespace: m.namespace, metricName: m.metricName, dimensions: m.dimensions,
            startTime: now.addingTimeInterval(-3 * 3_600), endTime: now.addingTimeInterval(CloudWatch.maxTimestampLead + 1),
            period: 3_600, statistics: [.sampleCount])
        return !output.datapoints.isEmpty
    }

    static func metric(_ m: Metric) -> AWSValue {
        ["Namespace": .string(m.namespace), "MetricName": .string(m.metricName),
         "Dimensions": .list(m.dimensions.map { ["Name": .string($0.name), "Value": .string($0.value)] })]
    }

    private static func invalidValue(_ message: String) -> AWSError {
        AWSError(service: "cloudwatch", code: "InvalidParameterValue", httpStatus: 400, message: message)
    }

    private static func combination(_ message: String) -> AWSError {
        AWSError(service: "cloudwatch", code: "InvalidParameterCombination", httpStatus: 400, message: message)
    }
}
