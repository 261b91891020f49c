// Charts render at the asked size with ink in the plot area, Korean text included.
// Set MEDIA_ARTIFACTS=/some/dir to keep the PNGs for a look.
import Foundation
import XCTest
@testable import Media

/// Pixels in the rectangle that are not white.
func inkedPixels(_ image: RGBImage, x: Range<Int>, y: Range<Int>) -> Int {
    var n = 0
    for yy in y { for xx in x { if let p = image.pixel(x: xx, y: yy), p != .white { n += 1 } } }
    return n
}

final class ChartTests: XCTestCase {
    func backlogChart() throws -> LineChart {
        // An autoscaling story like the async lab's: backlog climbs, instances step up.
        let t = stride(from: 0.0, through: 3600, by: 60).map { $0 }
        let backlog = t.map { s in s < 600 ? s * 1.6 : max(0, 960 - (s - 600) * 0.4) }
        let instances = t.map { s in Double(min(5, Int(s / 120))) * (s < 3000 ? 1 : 0) }
        return LineChart(
            title: "비동기 엔드포인트 백로그와 인스턴스 수", xLabel: "경과 시간 (분:초)", yLabel: "ApproximateBacklogSize",
            series: [
                try ChartSeries(name: "백로그 (backlog)", x: t, y: backlog),
                try ChartSeries(name: "인스턴스 수", x: t, y: instances, style: .step, axis: .secondary),
            ],
            secondaryYLabel: "인스턴스", xAxisFormat: .minutes)
    }

    func testLineChartRendersAtSizeWithInk() throws {
        let png = try backlogChart().renderPNG(width: 960, height: 540)
        let image = try ImageDecoder.decode(png)
        XCTAssertEqual(image.width, 960)
        XCTAssertEqual(image.height, 540)
        // Middle of the plot area holds data lines and grid lines.
        XCTAssertGreaterThan(inkedPixels(image, x: 200..<800, y: 100..<440), 2000)
        // The corners outside the axes stay white.
        XCTAssertEqual(inkedPixels(image, x: 0..<8, y: 0..<8), 0)
        try saveArtifact(png, "line.png")
    }

    func testMinuteTicksAndNiceNumbers() {
        let minutes = AxisScale(values: [0, 3600], format: .minutes)
        XCTAssertEqual(minutes.labels.first, "0:00")
        XCTAssertEqual(minutes.labels, ["0:00", "15:00", "30:00", "45:00", "60:00"])
        XCTAssertEqual(AxisScale(values: [0, 300], format: .minutes).labels.prefix(3), ["0:00", "1:00", "2:00"])
        let numbers = AxisScale(values: [0.13, 0.92], format: .number)
        XCTAssertEqual(numbers.labels, ["0.2", "0.4", "0.6", "0.8"])
        XCTAssertEqual(AxisScale.niceStep(forSpan: 1000, targetTicks: 6), 200)
        XCTAssertEqual(AxisScale.niceStep(forSpan: 12, targetTicks: 6), 2.5)
    }

    func testBarChartWithKoreanCategories() throws {
        let chart = BarChart(title: "모델별 평균 지연 시간", xLabel: "모델", yLabel: "지연 (ms)",
                             categories: ["감성 분류 (A)", "문장 유사도 (B)", "요약 (C)"], values: [42.5, 38.1, 912.0])
        let png = try chart.renderPNG(width: 800, height: 450)
        let image = try ImageDecoder.decode(png)
        XCTAssertEqual(image.width, 800)
        XCTAssertEqual(image.height, 450)
        XCTAssertGreaterThan(inkedPixels(image, x: 100..<750, y: 60..<380), 5000)
        try saveArtifact(png, "bar.png")
        XCTAssertThrowsError(try BarChart(title: "", xLabel: "", yLabel: "", categories: ["a"], values: []).renderPNG())
    }

    func testHistogramCountsLikeNumpy() throws {
        let h = try Histogram(values: [0, 1, 1, 2, 3, 4, .nan], binCount: 4)
        XCTAssertEqual(h.edges, [0, 1, 2, 3, 4])
        XCTAssertEqual(h.counts, [1, 2, 1, 2])
        let latencies = (0..<400).map { i in 20 + 8 * sin(Double(i) * 0.37) + Double(i % 17) }
        let chart = HistogramChart(title: "응답 지연 분포", xLabel: "지연 (ms)", yLabel: "요청 수",
                                   histogram: try Histogram(values: latencies, binCount: 20))
        let png = try chart.renderPNG()
        XCTAssertGreaterThan(inkedPixels(try ImageDecoder.decode(png), x: 200..<800, y: 200..<440), 10000)
        try saveArtifact(png, "histogram.png")
    }

    func testDegenerateInputsStillRenderOrFailNamed() throws {
        let empty = LineChart(title: "빈 차트", xLabel: "x", yLabel: "y", series: [])
        XCTAssertNoThrow(try empty.renderPNG(width: 320, height: 200))
        let flat = LineChart(title: "", xLabel: "", yLabel: "",
                             series: [ChartSeries(name: "flat", points: [(0, 5), (1, 5), (2, .nan), (3, 5)])])
        XCTAssertNoThrow(try flat.renderPNG(width: 320, height: 200))
        XCTAssertThrowsError(try flat.renderPNG(width: 10, height: 10)) { error in
            XCTAssertTrue("\(error)".contains("chart size"))
        }
        XCTAssertThrowsError(try ChartSeries(name: "bad", x: [1, 2], y: [1]))
    }
}

extension ChartTests {
    func testManyCategoriesSlantTheirLabels() throws {
        let names = ["ml.c5.xlarge", "ml.m5.large", "ml.g4dn.xlarge", "서버리스 2048MB", "ml.c5.2xlarge",
                     "ml.m5.4xlarge", "ml.p3.2xlarge", "로컬 모드"]
        let chart = BarChart(title: "인스턴스 유형별 처리량", xLabel: "인스턴스", yLabel: "요청/초",
                             categories: names, values: [12, 7.5, 40.25, 3, 24, 30, 95, 1])
        let image = try chart.render(width: 640, height: 400)
        XCTAssertEqual(image.width, 640)
        try saveArtifact(try PNGEncoder.encode(image), "bar-slanted.png")
    }
}

extension ChartTests {
    func testPointsGapsAndNegativeValues() throws {
        let x = (0..<40).map(Double.init)
        var latency = x.map { 30 + 5 * sin($0 / 4) }
        latency[17] = .nan
        let chart = LineChart(title: "ModelLatency (평균)", xLabel: "요청 번호", yLabel: "ms",
                              series: [try ChartSeries(name: "지연", x: x, y: latency),
                                       try ChartSeries(name: "편차", x: x, y: x.map { 4 * cos($0 / 3) - 2 },
                                                       style: .points),
                                       try ChartSeries(name: "목표 30 ms", x: [0, 39], y: [30, 30])])
        let image = try chart.render(width: 640, height: 360)
        XCTAssertEqual(image.height, 360)
        try saveArtifact(try PNGEncoder.encode(image), "line-points.png")
    }
}

extension ChartTests {
    func testExtremeValuesDoNotTrap() throws {
        let wild = [-Double.greatestFiniteMagnitude, .greatestFiniteMagnitude, .infinity, 1e200, 3, 4]
        let series = try ChartSeries(name: "wild", x: [0, 1, 2, 3, 4, 5], y: wild)
        XCTAssertNoThrow(try LineChart(title: "", xLabel: "", yLabel: "", series: [series], xAxisFormat: .minutes)
            .render(width: 320, height: 200))
        XCTAssertNoThrow(try LineChart(title: "", xLabel: "", yLabel: "",
                                       series: [ChartSeries(name: "t", points: [(1e140, 1), (-1e140, 2)])],
                                       xAxisFormat: .minutes).render(width: 320, height: 200))
        XCTAssertNoThrow(try BarChart(title: "", xLabel: "", yLabel: "", categories: ["a", "b"],
                                      values: [.nan, 1e149]).render(width: 320, height: 200))
        XCTAssertThrowsError(try Histogram(values: [1], binCount: 3, range: -Double.infinity...0))
        XCTAssertEqual(try Histogram(values: wild, binCount: 2).counts, [1, 1])
    }
}
