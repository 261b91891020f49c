// Line charts for handouts: CloudWatch metrics over time, latency curves, backlogs.
import CCairo
import Foundation

public struct LineChart: Sendable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [ChartSeries]
    /// Label of the right-hand axis used by series with `axis: .secondary`.
    public var secondaryYLabel: String?
    public var xAxisFormat: AxisFormat
    /// How the left-hand axis reads (`.seconds`: 355 µs, 1.2 ms).
    public var yAxisFormat: AxisFormat = .number
    /// Fixed axis limits; nil fits the data with 5% margins.
    public var xRange: ClosedRange<Double>?
    public var yRange: ClosedRange<Double>?
    public var secondaryYRange: ClosedRange<Double>?

    public init(title: String, xLabel: String, yLabel: String, series: [ChartSeries],
                secondaryYLabel: String? = nil, xAxisFormat: AxisFormat = .number) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.secondaryYLabel = secondaryYLabel
        self.xAxisFormat = xAxisFormat
    }

    public func renderPNG(width: Int = 960, height: Int = 540) throws -> Data {
        try PNGEncoder.encode(render(width: width, height: height))
    }

    public func render(width: Int = 960, height: Int = 540) throws -> RGBImage {
        try checkChartSize(width: width, height: height)
        let canvas = try Canvas(width: width, height: height, background: .white)
        let theme = ChartTheme(width: width, height: height)
        let primary = series.filter { $0.axis == .primary }, secondary = series.filter { $0.axis == .secondary }
        let xs = series.flatMap { $0.finitePoints.map(\.x) }
        let frame = ChartFrame(
            title: title, xLabel: xLabel, yLabel: yLabel, secondaryYLabel: secondaryYLabel,
            x: AxisScale(values: xs, format: xAxisFormat, fixed: xRange, targetTicks: theme.xTicks),
            y: AxisScale(values: primary.flatMap { $0.finitePoints.map(\.y) }, format: yAxisFormat, fixed: yRange,
                          targetTicks: theme.yTicks),
            y2: secondary.isEmpty ? nil
                : AxisScale(values: secondary.flatMap { $0.finitePoints.map(\.y) }, format: .number,
                            fixed: secondaryYRange, targetTicks: theme.yTicks))
        let layout = try frame.layout(on: canvas, theme: theme)
        let plot = layout.plot
        frame.drawGrid(on: canvas, plot: plot, theme: theme)
        var occupied: [Point] = []
        var legend: [LegendEntry] = []
        canvas.clip(to: plot) {
            for (index, s) in series.enumerated() {
                let color = s.color ?? ChartPalette.color(index)
                let mapped = s.points.map { p -> Point? in
                    guard isPlottable(p.x), isPlottable(p.y) else { return nil }
                    let y = s.axis == .primary ? frame.py(p.y, plot) : frame.py2(p.y, plot)
                    return Point(x: frame.px(p.x, plot), y: y)
                }
                draw(mapped, style: s.style, color: color, on: canvas, theme: theme)
                occupied += s.style == .points ? mapped.compactMap { $0 } : densified(mapped, step: s.style == .step)
                legend.append(LegendEntry(name: s.name, color: color, swatch: s.style == .points ? .marker : .line))
            }
        }
        try frame.drawAxes(on: canvas, layout: layout, theme: theme)
        try frame.drawLegend(legend.filter { !$0.name.isEmpty }, on: canvas, plot: plot, theme: theme,
                             occupied: occupied)
        return try canvas.image()
    }

    /// Points every few pixels along the drawn path, so the legend avoids lines too.
    private func densified(_ points: [Point?], step: Bool) -> [Point] {
        var out: [Point] = []
        var previous: Point?
        for point in points {
            guard let p = point else {
                previous = nil
                continue
            }
            if let a = previous {
                let corners = step ? [Point(x: p.x, y: a.y), p] : [p]
                var from = a
                for to in corners {
                    let n = min(2000, Int((hypot(to.x - from.x, to.y - from.y) / 4).rounded(.up)))
                    for k in 0...max(n, 1) {
                        let t = Double(k) / Double(max(n, 1))
                        out.append(Point(x: from.x + (to.x - from.x) * t, y: from.y + (to.y - from.y) * t))
                    }
                    from = to
                }
            } else {
                out.append(p)
            }
            previous = p
        }
        return out
    }

    /// Lines break at missing (non-plottable) points, as matplotlib's do at NaN.
    private func draw(_ points: [Point?], style: ChartStyle, color: RGB, on canvas: Canvas, theme: ChartTheme) {
        let cr = canvas.context
        if style == .points {
            for case let p? in points { canvas.fillCircle(p, radius: 3.5 * theme.scale, color: color) }
            return
        }
        cairo_save(cr)
        canvas.setColor(color)
        cairo_set_line_width(cr, theme.lineWidth)
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND)
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND)
        var previous: Point?
        for point in points {
            guard let p = point else {
                previous = nil
                continue
            }
            if let last = previous {
                if style == .step { cairo_line_to(cr, p.x, last.y) }
                cairo_line_to(cr, p.x, p.y)
            } else {
                cairo_move_to(cr, p.x, p.y)
                cairo_line_to(cr, p.x, p.y)
            }
            previous = p
        }
        cairo_stroke(cr)
        cairo_restore(cr)
    }
}
