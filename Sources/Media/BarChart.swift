// Bar charts for handouts: one bar per category (e.g. latency per endpoint, label
// counts), value printed above each bar. Category labels slant when they collide.
import CCairo
import Foundation

public struct BarChart: Sendable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var categories: [String]
    public var values: [Double]
    /// nil uses the first colour of matplotlib's cycle.
    public var color: RGB?
    public var showValues: Bool
    public var yRange: ClosedRange<Double>?
    /// How values read on the axis and above the bars (`.seconds`: 355 µs).
    public var yAxisFormat: AxisFormat = .number

    public init(title: String, xLabel: String, yLabel: String, categories: [String], values: [Double],
                color: RGB? = nil, showValues: Bool = true) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.categories = categories
        self.values = values
        self.color = color
        self.showValues = showValues
    }

    public func renderPNG(width: Int = 960, height: Int = 540) throws -> Data {
        try PNGEncoder.encode(render(width: width, height: height))
    }

    public func render(width: Int = 960, height: Int = 540) throws -> RGBImage {
        try checkChartSize(width: width, height: height)
        guard categories.count == values.count else {
            throw ImageError.invalidArgument(name: "bar chart",
                                             reason: "\(categories.count) categories but \(values.count) values")
        }
        guard !categories.isEmpty else {
            throw ImageError.invalidArgument(name: "bar chart", reason: "no categories")
        }
        let canvas = try Canvas(width: width, height: height, background: .white)
        let theme = ChartTheme(width: width, height: height)
        var y = AxisScale(values: values, format: yAxisFormat, includeZero: true, fixed: yRange,
                          targetTicks: theme.yTicks)
        if showValues, yRange == nil, let top = values.filter(isPlottable).max(), top > 0 {
            // Headroom for the value labels above the tallest bar.
            y = AxisScale(values: values + [top * 1.08], format: yAxisFormat, includeZero: true,
                          targetTicks: theme.yTicks)
        }
        var frame = ChartFrame(title: title, xLabel: xLabel, yLabel: yLabel, secondaryYLabel: nil,
                               x: AxisScale(categories: categories), y: y, y2: nil)
        frame.verticalGrid = false
        let layout = try frame.layout(on: canvas, theme: theme)
        let plot = layout.plot
        frame.drawGrid(on: canvas, plot: plot, theme: theme)
        let fill = color ?? ChartPalette.color(0)
        let labels = values.map(yAxisFormat.text)
        var tops: [(Point, String)] = []
        canvas.clip(to: plot) {
            for (i, v) in values.enumerated() where isPlottable(v) {
                let left = frame.px(Double(i) - 0.4, plot), right = frame.px(Double(i) + 0.4, plot)
                let base = frame.py(0, plot), top = frame.py(v, plot)
                canvas.fillRectangle(Rect(x: left, y: min(base, top), width: right - left, height: abs(base - top)),
                                     color: fill)
                tops.append((Point(x: (left + right) / 2, y: v >= 0 ? top : base), labels[i]))
            }
        }
        try frame.drawAxes(on: canvas, layout: layout, theme: theme)
        if showValues {
            for (p, label) in tops {
                try canvas.drawText(label, x: p.x, y: p.y - 5 * theme.scale, size: theme.tickSize, color: theme.text,
                                    anchor: .center)
            }
        }
        return try canvas.image()
    }
}
