// Amazon CloudWatch metrics (botocore model cloudwatch/2010-08-01): PutMetricData,
// GetMetricStatistics and ListMetrics over samples kept in memory, stamped with the
// virtual clock. A metric is its namespace, name and exact set of dimensions, as on AWS.
//
// Error codes and statuses from botocore's cloudwatch/2010-08-01/service-2.json:
// InvalidParameterValue 400, InvalidParameterCombination 400, MissingParameter 400.
import Foundation

public struct MetricDimension: Sendable, Hashable, Comparable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    public static func < (a: MetricDimension, b: MetricDimension) -> Bool {
        (a.name, a.value) < (b.name, b.value)
    }
}

/// ListMetrics' filter: a dimension name, and optionally the value it must have.
public struct DimensionFilter: Sendable, Equatable {
    public var name: String
    public var value: String?

    public init(name: String, value: String? = nil) {
        self.name = name
        self.value = value
    }
}

/// botocore's StandardUnit enum.
public enum StandardUnit: String, Sendable, CaseIterable {
    case seconds = "Seconds", microseconds = "Microseconds", milliseconds = "Milliseconds"
    case bytes = "Bytes", kilobytes = "Kilobytes", megabytes = "Megabytes", gigabytes = "Gigabytes", terabytes = "Terabytes"
    case bits = "Bits", kilobits = "Kilobits", megabits = "Megabits", gigabits = "Gigabits", terabits = "Terabits"
    case percent = "Percent", count = "Count"
    case bytesPerSecond = "Bytes/Second", kilobytesPerSecond = "Kilobytes/Second", megabytesPerSecond = "Megabytes/Second"
    case gigabytesPerSecond = "Gigabytes/Second", terabytesPerSecond = "Terabytes/Second"
    case bitsPerSecond = "Bits/Second", kilobitsPerSecond = "Kilobits/Second", megabitsPerSecond = "Megabits/Second"
    case gigabitsPerSecond = "Gigabits/Second", terabitsPerSecond = "Terabits/Second"
    case countPerSecond = "Count/Second", none = "None"
}

public enum Statistic: String, Sendable, CaseIterable {
    case sampleCount = "SampleCount", average = "Average", sum = "Sum", minimum = "Minimum", maximum = "Maximum"
}

/// One period's aggregate. Only the requested statistics are set.
public struct Datapoint: Sendable, Equatable {
    public var timestamp: Date
    public var sampleCount: Double?
    public var average: Double?
    public var sum: Double?
    public var minimum: Double?
    public var maximum: Double?
    public var unit: StandardUnit
}

public struct GetMetricStatisticsOutput: Sendable, Equatable {
    public var label: String
    /// Sorted by timestamp (AWS leaves the order unspecified).
    public var datapoints: [Datapoint]
}

public struct Metric: Sendable, Equatable {
    public var namespace: String
    public var metricName: String
    public var dimensions: [MetricDimension]
}

public final class CloudWatch: @unchecked Sendable {
    /// GetMetricStatistics answers at most 1,440 datapoints per call.
    public static let maxDatapoints = 1440
    public static let maxDimensions = 30
    /// The largest Period botocore's 32-bit Integer shape can carry.
    public static let maxPeriod = Int(Int32.max)
    /// PutMetricData's window around the service clock: two weeks back, two hours ahead.
    public static let maxTimestampAge: TimeInterval = 14 * 86_400
    public static let maxTimestampLead: TimeInterval = 2 * 3_600

    private struct MetricKey: Hashable {
        var namespace: String
        var metricName: String
        var dimensions: [MetricDimension]  // sorted, so that order does not make a new metric
    }

    private struct Sample {
        var timestamp: Date
        var value: Double
        var unit: StandardUnit
    }

    public let account: Account
    private let clock: VirtualClock
    private let lock = NSLock()
    private var samples: [MetricKey: [Sample]] = [:]
    private var metricOrder: [MetricKey] = []

    public init(account: Account, clock: VirtualClock) {
        self.account = account
        self.clock = clock
    }

    /// PutMetricData with one datum. Services (SageMaker, Lambda) publish under "AWS/..."
    /// namespaces through this call; `timestamp` defaults to the virtual clock's now.
    public func putMetricData(namespace: String, metricName: String, dimensions: [MetricDimension] = [],
                              value: Double, unit: StandardUnit = .none, timestamp: Date? = nil) throws {
        try Self.validateName(namespace, parameter: "Namespace")
        try Self.validateName(metricName, parameter: "MetricData.member.1.MetricName")
        try Self.validateDimensions(dimensions, parameter: "MetricData.member.1.Dimensions")
        let now = clock.now
        let stamp = timestamp ?? now
        try Self.validateTimestamp(stamp, now: now)
        guard value.isFinite else {
            throw Self.invalidValue("The value \(value) for parameter MetricData.member.1.Value is invalid.")
        }
        let key = MetricKey(namespace: namespace, metricName: metricName, dimensions: dimensions.sorted())
        lock.withLock {
            if samples[key] == nil { metricOrder.append(key) }
            samples[key, default: []].append(Sample(timestamp: stamp, value: value, unit: unit))
        }
    }

    /// Aggregates samples with StartTime <= timestamp < EndTime into Period-second buckets
    /// aligned to multiples of Period since the epoch, one datapoint per non-empty bucket.
    public func getMetricStatistics(namespace: String, metricName: String, dimensions: [MetricDimension] = [],
                                    startTime: Date, endTime: Date, period: Int,
                                    statistics: [Statistic], unit: StandardUnit? = nil) throws -> GetMetricStatisticsOutput {
        try Self.validateName(namespace, parameter: "Namespace")
        try Self.validateName(metricName, parameter: "MetricName")
        try Self.validateDimensions(dimensions, parameter: "Dimensions")
        try Self.validateQuery(startTime: startTime, endTime: endTime, period: period, statistics: statistics)
        let key = MetricKey(namespace: namespace, metricName: metricName, dimensions: dimensions.sorted())
        let matching = lock.withLock { samples[key] ?? [] }.filter {
            $0.timestamp >= startTime && $0.timestamp < endTime && (unit == nil || $0.unit == unit)
        }
        var buckets: [Int64: [Sample]] = [:]
        for sample in matching {
            // PutMetricData keeps timestamps near the clock, so every sample has whole seconds.
            guard let seconds = Self.wholeSeconds(sample.timestamp) else { continue }
            buckets[Self.bucketStart(seconds, period: Int64(period)), default: []].append(sample)
        }
        let datapoints = buckets.keys.sorted().map { start in
            Self.datapoint(buckets[start] ?? [], at: Date(timeIntervalSince1970: TimeInterval(start)),
                           statistics: Set(statistics), unit: unit)
        }
        return GetMetricStatisticsOutput(label: metricName, datapoints: datapoints)
    }

    /// ListMetrics: every metric that has data, filtered like AWS (a filter without a
    /// value matches any value of that dimension), in the order they first appeared.
    public func listMetrics(namespace: String? = nil, metricName: String? = nil,
                            dimensions: [DimensionFilter] = []) throws -> [Metric] {
        if let namespace { try Self.validateName(namespace, parameter: "Namespace") }
        if let metricName { try Self.validateName(metricName, parameter: "MetricName") }
        guard dimensions.count <= 10 else {
            throw Self.invalidValue("The collection Dimensions must not contain more than 10 members.")
        }
        return lock.withLock { metricOrder }.filter { key in
            (namespace == nil || key.namespace == namespace) && (metricName == nil || key.metricName == metricName)
                && dimensions.allSatisfy { filter in
                    key.dimensions.contains { $0.name == filter.name && (filter.value == nil || $0.value == filter.value) }
                }
        }.map { Metric(namespace: $0.namespace, metricName: $0.metricName, dimensions: $0.dimensions) }
    }

    // MARK: Helpers

    private static func datapoint(_ samples: [Sample], at timestamp: Date, statistics: Set<Statistic>,
                                  unit: StandardUnit?) -> Datapoint {
        let values = samples.map(\.value)
        let sum = values.reduce(0, +)
        return Datapoint(
            timestamp: timestamp,
            sampleCount: statistics.contains(.sampleCount) ? Double(values.count) : nil,
            average: statistics.contains(.average) ? sum / Double(max(values.count, 1)) : nil,
            sum: statistics.contains(.sum) ? sum : nil,
            minimum: statistics.contains(.minimum) ? values.min() : nil,
            maximum: statistics.contains(.maximum) ? values.max() : nil,
            unit: unit ?? samples.first?.unit ?? .none)
    }

    private static func validateQuery(startTime: Date, endTime: Date, period: Int, statistics: [Statistic]) throws {
        guard startTime.timeIntervalSince1970.isFinite, endTime.timeIntervalSince1970.isFinite else {
            throw invalidValue("The parameters StartTime and EndTime must be valid times.")
        }
        // botocore's Period is a 32-bit Integer; larger values never reach the service.
        guard period <= maxPeriod else {
            throw invalidValue("The parameter Period must be at most \(maxPeriod) (got \(period)).")
        }
        guard period >= 60, period % 60 == 0 else {
            throw invalidValue("The parameter Period must be a multiple of 60.")
        }
        guard startTime < endTime else {
            throw invalidValue("The parameter StartTime must be less than the parameter EndTime.")
        }
        guard !statistics.isEmpty else {
            throw AWSError(service: "cloudwatch", code: "MissingParameter", httpStatus: 400,
                           message: "Must specify either Statistics or ExtendedStatistics.")
        }
        guard statistics.count <= 5 else {
            throw invalidValue("The collection Statistics must not contain more than 5 members.")
        }
        // Compared as a Double: a span between huge finite timestamps does not fit an Int.
        let requested = (endTime.timeIntervalSince(startTime) / Double(period)).rounded(.up)
        guard requested <= Double(maxDatapoints) else {
            throw AWSError(service: "cloudwatch", code: "InvalidParameterCombination", httpStatus: 400,
                           message: "You have requested up to \(String(format: "%.0f", requested)) datapoints, which exceeds the limit of 1,440. "
                               + "You may reduce the datapoints requested by increasing Period, or decreasing the time range.")
        }
    }

    /// AWS takes data stamped up to two weeks back and two hours ahead of its clock.
    private static func validateTimestamp(_ timestamp: Date, now: Date) throws {
        let offset = timestamp.timeIntervalSince(now)
        guard offset.isFinite, wholeSeconds(timestamp) != nil else {
            throw invalidValue("The parameter MetricData.member.1.Timestamp is not a valid time.")
        }
        guard offset >= -maxTimestampAge else {
            throw invalidValue("The parameter MetricData.member.1.Timestamp must specify a time no more than two weeks in the past.")
        }
        guard offset <= maxTimestampLead else {
            throw invalidValue("The parameter MetricData.member.1.Timestamp must specify a time no more than two hours in the future.")
        }
    }

    /// The timestamp's whole seconds since the epoch, or nil past 2^53 s, where a Double
    /// stops holding every integer (and an Int64 conversion could trap).
    private static func wholeSeconds(_ date: Date) -> Int64? {
        let seconds = floor(date.timeIntervalSince1970)
        guard seconds.isFinite, abs(seconds) <= 9_007_199_254_740_992 else { return nil }
        return Int64(seconds)
    }

    /// The start of the Period-long bucket holding `seconds`, floor-divided so that times
    /// before the epoch round down too. |seconds| <= 2^53 and period <= Int32.max: no overflow.
    private static func bucketStart(_ seconds: Int64, period: Int64) -> Int64 {
        let remainder = seconds % period
        return remainder < 0 ? seconds - remainder - period : seconds - remainder
    }

    private static func validateName(_ name: String, parameter: String) throws {
        guard (1...255).contains(name.count), !name.hasPrefix(":") else {
            throw invalidValue("The parameter \(parameter) must be 1 to 255 characters and must not start with ':' (got '\(name)').")
        }
    }

    private static func validateDimensions(_ dimensions: [MetricDimension], parameter: String) throws {
        guard dimensions.count <= maxDimensions else {
            throw invalidValue("The collection \(parameter) must not contain more than \(maxDimensions) members.")
        }
        for dimension in dimensions where !(1...255).contains(dimension.name.count) || !(1...1024).contains(dimension.value.count) {
            throw invalidValue("The dimension '\(dimension.name)' in \(parameter) must have a name of 1-255 and a value of 1-1024 characters.")
        }
        guard Set(dimensions.map(\.name)).count == dimensions.count else {
            throw AWSError(service: "cloudwatch", code: "InvalidParameterCombination", httpStatus: 400,
                           message: "No Metric may specify the same dimension name twice (\(parameter)).")
        }
    }

    private static func invalidValue(_ message: String) -> AWSError {
        AWSError(service: "cloudwatch", code: "InvalidParameterValue", httpStatus: 400, message: message)
    }
}
