// Histograms as numpy.histogram counts them (equal-width bins over [min, max], the
// last bin closed on the right), and a chart drawing them on a numeric x axis.
import CCairo
import Foundation

public struct Histogram: Sendable, Equatable {
    /// binCount + 1 increasing bin edges.
    public var edges: [Double]
    public var counts: [Int]

    /// Non-finite values (and any beyond 1e150) are ignored; values outside `range` are not counted.
    public init(values: [Double], binCount: Int, range: ClosedRange<Double>? = nil) throws {
        guard (1...10_000).contains(binCount) else {
            throw ImageError.invalidArgument(name: "binCount", reason: "\(binCount) is outside 1...10000")
        }
        let finite = values.filter(isPlottable)
        var lo = range?.lowerBound ?? finite.min() ?? 0
        var hi = range?.upperBound ?? finite.max() ?? 1
        guard isPlottable(lo), isPlottable(hi), lo <= hi else {
            throw ImageError.invalidArgument(name: "range", reason: "bounds must be finite, at most 1e150, in order")
        }
        if lo == hi {
            lo -= 0.5
            hi += 0.5
        }
        let width = (hi - lo) / Double(binCount)
        edges = (0...binCount).map { lo + Double($0) * width }
        edges[binCount] = hi
        var counts = [Int](repeating: 0, count: binCount)
        for v in finite where v >= lo && v <= hi {
            let position = ((v - lo) / width).rounded(.down)
            guard position.isFinite else { continue }
            counts[Int(min(max(position, 0), Double(binCount - 1)))] += 1
        }
        self.counts = counts
    }
}

public struct HistogramChart: Sendable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var histogram: Histogram
    public var xAxisFormat: AxisFormat
    public var color: RGB?

    public init(title: String, xLabel: String, yLabel: String, histogram: Histogram,
                xAxisFormat: AxisFormat = .number, color: RGB? = nil) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.histogram = histogram
        self.xAxisFormat = xAxisFormat
        self.color = color
    }

    public func renderPNG(width: Int = 960, height: Int = 540) throws -> Data {
        try PNGEncoder.encode(render(width: width, height: height))
    }

    public func render(width: Int = 960, height: Int = 540) throws -> RGBImage {
        try checkChartSize(width: width, height: height)
        let h = histogram
        guard h.edges.count == h.counts.count + 1, !h.counts.isEmpty else {
            throw ImageError.invalidArgument(name: "histogram", reason: "needs one more edge than counts")
        }
        let canvas = try Canvas(width: width, height: height, background: .white)
        let theme = ChartTheme(width: width, height: height)
        var frame = ChartFrame(title: title, xLabel: xLabel, yLabel: yLabel, secondaryYLabel: nil,
                               x: AxisScale(values: h.edges, format: xAxisFormat, targetTicks: theme.xTicks),
                               y: AxisScale(values: h.counts.map(Double.init), format: .number, includeZero: true,
                                            targetTicks: theme.yTicks),
                               y2: nil)
        frame.verticalGrid = false
        let layout = try frame.layout(on: canvas, theme: theme)
        let plot = layout.plot
        frame.drawGrid(on: canvas, plot: plot, theme: theme)
        let fill = color ?? ChartPalette.color(0)
        canvas.clip(to: plot) {
            for (i, count) in h.counts.enumerated() where count > 0 {
                let left = frame.px(h.edges[i], plot), right = frame.px(h.edges[i + 1], plot)
                let top = frame.py(Double(count), plot), base = frame.py(0, plot)
                let bar = Rect(x: left, y: top, width: right - left, height: base - top)
                canvas.fillRectangle(bar, color: fill)
                // matplotlib-style white edges keep neighbouring bins apart.
                canvas.strokeRectangle(bar, color: .white, lineWidth: max(1, theme.scale))
            }
        }
        try frame.drawAxes(on: canvas, layout: layout, theme: theme)
        return try canvas.image()
    }
}
