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
}
