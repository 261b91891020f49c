import Foundation
import XCTest
@testable import Cloud

final class CloudWatchTests: XCTestCase {
    private let endpoint = [MetricDimension(name: "EndpointName", value: "async-ep"),
                            MetricDimension(name: "VariantName", value: "AllTraffic")]

    func testStatisticsPerPeriodBucket() throws {
        let clock = VirtualClock()
        let cloudWatch = CloudWatch(account: Account(), clock: clock)
        let start = clock.now
        // Two samples in the first minute, one in the third; the empty minute has no datapoint.
        for (offset, value) in [(5.0, 10.0), (50.0, 30.0), (130.0, 7.0)] {
            try cloudWatch.putMetricData(namespace: "AWS/SageMaker", metricName: "ModelLatency", dimensions: endpoint,
                                         value: value, unit: .microseconds, timestamp: start.addingTimeInterval(offset))
        }
        let output = try cloudWatch.getMetricStatistics(
            namespace: "AWS/SageMaker", metricName: "ModelLatency", dimensions: endpoint.reversed(),
            startTime: start, endTime: start.addingTimeInterval(300), period: 60, statistics: Statistic.allCases)
        XCTAssertEqual(output.label, "ModelLatency")
        XCTAssertEqual(output.datapoints.count, 2)
        let first = output.datapoints[0]
        XCTAssertEqual(first.timestamp, start)
        XCTAssertEqual(first.sampleCount, 2)
        XCTAssertEqual(first.sum, 40)
        XCTAssertEqual(first.average, 20)
        XCTAssertEqual(first.minimum, 10)
        XCTAssertEqual(first.maximum, 30)
        XCTAssertEqual(first.unit, .microseconds)
        XCTAssertEqual(output.datapoints[1].timestamp, start.addingTimeInterval(120))
        XCTAssertEqual(output.datapoints[1].average, 7)

        let onlyAverage = try cloudWatch.getMetricStatistics(
            namespace: "AWS/SageMaker", metricName: "ModelLatency", dimensions: endpoint,
            startTime: start, endTime: start.addingTimeInterval(300), period: 300, statistics: [.average])
        XCTAssertEqual(onlyAverage.datapoints.count, 1)
        XCTAssertEqual(try XCTUnwrap(onlyAverage.datapoints[0].average), 47.0 / 3, accuracy: 1e-12)
        XCTAssertNil(onlyAverage.datapoints[0].sum)

        let otherDimensions = try cloudWatch.getMetricStatistics(
            namespace: "AWS/SageMaker", metricName: "ModelLatency", dimensions: [endpoint[0]],
            startTime: start, endTime: start.addingTimeInterval(300), period: 60, statistics: [.sum])
        XCTAssertTrue(otherDimensions.datapoints.isEmpty, "a different dimension set is a different metric")
    }

    func testListMetricsFilters() throws {
        let cloudWatch = CloudWatch(account: Account(), clock: VirtualClock())
        try cloudWatch.putMetricData(namespace: "AWS/SageMaker", metricName: "ApproximateBacklogSize",
                                     dimensions: [MetricDimension(name: "EndpointName", value: "a")], value: 1)
        try cloudWatch.putMetricData(namespace: "AWS/SageMaker", metricName: "ApproximateBacklogSize",
                                     dimensions: [MetricDimension(name: "EndpointName", value: "b")], value: 1)
        try cloudWatch.putMetricData(namespace: "Custom", metricName: "Other", value: 2)
        XCTAssertEqual(try cloudWatch.listMetrics().count, 3)
        XCTAssertEqual(try cloudWatch.listMetrics(namespace: "AWS/SageMaker").count, 2)
        XCTAssertEqual(try cloudWatch.listMetrics(dimensions: [DimensionFilter(name: "EndpointName")]).count, 2)
        XCTAssertEqual(try cloudWatch.listMetrics(dimensions: [DimensionFilter(name: "EndpointName", value: "b")])
            .map { $0.dimensions[0].value }, ["b"])
        XCTAssertEqual(try cloudWatch.listMetrics(metricName: "Other").map(\.namespace), ["Custom"])
    }

    // Codes and statuses from botocore data/cloudwatch/2010-08-01/service-2.json:
    // InvalidParameterValueException -> InvalidParameterValue 400, InvalidParameterCombination
    // Exception -> InvalidParameterCombination 400, MissingRequiredParameterException -> MissingParameter 400.
    func testValidationErrors() throws {
        let cloudWatch = CloudWatch(account: Account(), clock: VirtualClock())
        let start = Date(timeIntervalSince1970: 1_767_225_600)
        func query(period: Int = 60, end: TimeInterval = 3600, statistics: [Statistic] = [.average],
                   namespace: String = "NS", dimensions: [MetricDimension] = []) -> () throws -> Void {
            { _ = try cloudWatch.getMetricStatistics(namespace: namespace, metricName: "M", dimensions: dimensions,
                                                     startTime: start, endTime: start.addingTimeInterval(end),
                                                     period: period, statistics: statistics) }
        }
        let manyDimensions = (0..<31).map { MetricDimension(name: "d\($0)", value: "v") }
        let cases: [(String, String, Int, () throws -> Void)] = [
            ("period not multiple of 60", "InvalidParameterValue", 400, query(period: 90)),
            ("period zero", "InvalidParameterValue", 400, query(period: 0)),
            ("negative period", "InvalidParameterValue", 400, query(period: -60)),
            ("end before start", "InvalidParameterValue", 400, query(end: -60)),
            ("end equals start", "InvalidParameterValue", 400, query(end: 0)),
            ("no statistics", "MissingParameter", 400, query(statistics: [])),
            ("too many datapoints", "InvalidParameterCombination", 400, query(period: 60, end: 60 * 1441)),
            ("empty namespace", "InvalidParameterValue", 400, query(namespace: "")),
            ("namespace starting with colon", "InvalidParameterValue", 400, query(namespace: ":x")),
            ("too many dimensions", "InvalidParameterValue", 400, query(dimensions: manyDimensions)),
            ("duplicate dimension", "InvalidParameterCombination", 400,
             query(dimensions: [MetricDimension(name: "a", value: "1"), MetricDimension(name: "a", value: "2")])),
            ("NaN value", "InvalidParameterValue", 400, { try cloudWatch.putMetricData(namespace: "NS", metricName: "M", value: .nan) }),
            ("infinite value", "InvalidParameterValue", 400, {
                try cloudWatch.putMetricData(namespace: "NS", metricName: "M", value: .infinity) }),
            ("empty metric name", "InvalidParameterValue", 400, { try cloudWatch.putMetricData(namespace: "NS", metricName: "", value: 1) }),
        ]
        for (label, code, status, call) in cases {
            expectAWSError(code, status, label, call)
        }
        XCTAssertNoThrow(try query(period: 60, end: 60 * 1440)())
    }

    /// Inputs that used to trap (integer overflow, Double->Int conversion) now answer
    /// InvalidParameterValue / InvalidParameterCombination, or bucket correctly.
    func testHostileTimestampsAndPeriodsDoNotTrap() throws {
        let clock = VirtualClock()
        let cloudWatch = CloudWatch(account: Account(), clock: clock)
        let now = clock.now
        try cloudWatch.putMetricData(namespace: "NS", metricName: "M", value: 1, timestamp: now)
        let hugePeriod = Int.max / 60 * 60  // a multiple of 60 near Int64.max
        func query(start: Date, end: Date, period: Int) -> () throws -> Void {
            { _ = try cloudWatch.getMetricStatistics(namespace: "NS", metricName: "M", startTime: start, endTime: end,
                                                     period: period, statistics: [.sum]) }
        }
        let put = { (offset: TimeInterval) in
            { try cloudWatch.putMetricData(namespace: "NS", metricName: "M", value: 1, timestamp: now.addingTimeInterval(offset)) }
        }
        let cases: [(String, String, () throws -> Void)] = [
            ("period near Int64.max", "InvalidParameterValue", query(start: now, end: now.addingTimeInterval(60), period: hugePeriod)),
            ("period just past Int32.max", "InvalidParameterValue",
             query(start: now, end: now.addingTimeInterval(60), period: (Int(Int32.max) / 60 + 1) * 60)),
            ("huge finite span", "InvalidParameterCombination",
             query(start: Date(timeIntervalSince1970: -1e300), end: Date(timeIntervalSince1970: 1e300), period: 60)),
            ("timestamp 1e19 s", "InvalidParameterValue", {
                try cloudWatch.putMetricData(namespace: "NS", metricName: "M", value: 1, timestamp: Date(timeIntervalSince1970: 1e19)) }),
            ("15 days old", "InvalidParameterValue", put(-15 * 86_400)),
            ("3 hours ahead", "InvalidParameterValue", put(3 * 3_600)),
        ]
        for (label, code, call) in cases {
            expectAWSError(code, 400, label, call)
        }
        XCTAssertNoThrow(try put(-13 * 86_400)(), "13 days back is inside the window")
        XCTAssertNoThrow(try put(3_600)(), "1 hour ahead is inside the window")
        // The largest accepted period puts every sample in the bucket at the epoch-aligned floor.
        let widest = Int(Int32.max) / 60 * 60
        let output = try cloudWatch.getMetricStatistics(
            namespace: "NS", metricName: "M", startTime: now.addingTimeInterval(-14 * 86_400),
            endTime: now.addingTimeInterval(7_200), period: widest, statistics: [.sampleCount])
        let seconds = Int64(now.timeIntervalSince1970)
        XCTAssertEqual(output.datapoints.map(\.timestamp),
                       [Date(timeIntervalSince1970: TimeInterval(seconds - seconds % Int64(widest)))])
        XCTAssertEqual(output.datapoints.first?.sampleCount, 3)
    }
}
