// The parts every handout chart shares, laid out like a default matplotlib figure:
// title on top, axes box with outward ticks, light grid at the major ticks, axis
// labels (y rotated), an optional right-hand axis, and a legend in the emptiest corner.
import CCairo
import Foundation

struct ChartTheme {
    let scale: Double
    /// How many ticks to aim for: about one per 95 px across and 60 px up.
    let xTicks: Int
    let yTicks: Int

    init(width: Int, height: Int) {
        scale = max(0.8, min(Double(width) / 960, Double(height) / 540))
        xTicks = max(4, Int(Double(width) * 0.8 / (95 * scale)))
        yTicks = max(4, Int(Double(height) * 0.75 / (60 * scale)))
    }

    var titleSize: Double { 20 * scale }
    var labelSize: Double { 15 * scale }
    var tickSize: Double { 13 * scale }
    var legendSize: Double { 13 * scale }
    var tickLength: Double { 5 * scale }
    var lineWidth: Double { 2 * scale }
    let text = RGB(0x26, 0x26, 0x26)
    let spine = RGB(0x40, 0x40, 0x40)
    let grid = RGB(0xE2, 0xE2, 0xE2)
}

struct LegendEntry {
    enum Swatch { case line, marker, block }
    var name: String
    var color: RGB
    var swatch: Swatch
}

struct ChartFrame {
    var title: String
    var xLabel: String
    var yLabel: String
    var secondaryYLabel: String?
    var x: AxisScale
    var y: AxisScale
    var y2: AxisScale?
    var verticalGrid = true

    /// Where the plot area goes and whether x tick labels must be slanted to fit.
    struct Layout {
        var plot: Rect
        var slantXLabels: Bool
    }

    func layout(on canvas: Canvas, theme t: ChartTheme) throws -> Layout {
        let s = t.scale
        let tickFont = try canvas.measureText("0", size: t.tickSize)
        let labelFont = try canvas.measureText("0", size: t.labelSize)
        let tickHeight = tickFont.ascent + tickFont.descent
        let labelHeight = labelFont.ascent + labelFont.descent
        func widest(_ labels: [String]) throws -> Double {
            try labels.map { try canvas.measureText($0, size: t.tickSize).width }.max() ?? 0
        }
        let xWidths = try x.labels.map { try canvas.measureText($0, size: t.tickSize).width }
        var left = 14 * s + t.tickLength + 6 * s + (try widest(y.labels))
        if !yLabel.isEmpty { left += labelHeight + 10 * s }
        var right = max(28 * s, (xWidths.last ?? 0) / 2 + 8 * s)
        if let y2 {
            right = 14 * s + t.tickLength + 6 * s + (try widest(y2.labels))
            if let label = secondaryYLabel, !label.isEmpty { right += labelHeight + 10 * s }
        }
        let top = title.isEmpty ? 22 * s : try canvas.measureText(title, size: t.titleSize, weight: .bold).ascent + 34 * s
        let plotWidth = Double(canvas.width) - left - right
        let slot = plotWidth / Double(max(x.ticks.count, 1))
        let slant = (xWidths.max() ?? 0) > slot * 0.92
        let angle = Double.pi / 6
        let xTickBlock = slant ? (xWidths.max() ?? 0) * sin(angle) + tickHeight * cos(angle) : tickHeight
        var bottom = t.tickLength + 6 * s + xTickBlock + 14 * s
        if !xLabel.isEmpty { bottom += labelHeight + 8 * s }
        let plot = Rect(x: left.rounded(), y: top.rounded(), width: plotWidth.rounded(),
                        height: (Double(canvas.height) - top - bottom).rounded())
        guard plot.width > 40, plot.height > 40 else {
            throw ImageError.invalidArgument(name: "chart size",
                                             reason: "labels leave no room for the plot (\(plot.width)x\(plot.height) px)")
        }
        return Layout(plot: plot, slantXLabels: slant)
    }

    func px(_ value: Double, _ plot: Rect) -> Double { x.position(value, start: plot.x, end: plot.x + plot.width) }
    func py(_ value: Double, _ plot: Rect) -> Double { y.position(value, start: plot.y + plot.height, end: plot.y) }
    func py2(_ value: Double, _ plot: Rect) -> Double {
        (y2 ?? y).position(value, start: plot.y + plot.height, end: plot.y)
    }

    func drawGrid(on canvas: Canvas, plot: Rect, theme t: ChartTheme) {
        let cr = canvas.context
        cairo_save(cr)
        canvas.setColor(t.grid)
        cairo_set_line_width(cr, max(1, t.scale))
        for v in y.ticks {
            let yy = crisp(py(v, plot))
            cairo_move_to(cr, plot.x, yy)
            cairo_line_to(cr, plot.x + plot.width, yy)
        }
        if verticalGrid {
            for v in x.ticks {
                let xx = crisp(px(v, plot))
                cairo_move_to(cr, xx, plot.y)
                cairo_line_to(cr, xx, plot.y + plot.height)
            }
        }
        cairo_stroke(cr)
        cairo_restore(cr)
    }

    /// Spines, ticks, tick labels, axis labels and title, drawn over the data.
    func drawAxes(on canvas: Canvas, layout: Layout, theme t: ChartTheme) throws {
        let plot = layout.plot, s = t.scale, cr = canvas.context
        cairo_save(cr)
        canvas.setColor(t.spine)
        cairo_set_line_width(cr, max(1, s))
        cairo_rectangle(cr, crisp(plot.x), crisp(plot.y), plot.width, plot.height)
        for v in x.ticks {
            let xx = crisp(px(v, plot))
            cairo_move_to(cr, xx, plot.y + plot.height)
            cairo_line_to(cr, xx, plot.y + plot.height + t.tickLength)
        }
        for v in y.ticks {
            let yy = crisp(py(v, plot))
            cairo_move_to(cr, plot.x, yy)
            cairo_line_to(cr, plot.x - t.tickLength, yy)
        }
        for v in y2?.ticks ?? [] {
            let yy = crisp(py2(v, plot))
            cairo_move_to(cr, plot.x + plot.width, yy)
            cairo_line_to(cr, plot.x + plot.width + t.tickLength, yy)
        }
        cairo_stroke(cr)
        cairo_restore(cr)
        try drawTickLabels(on: canvas, layout: layout, theme: t)
        try drawTitles(on: canvas, plot: plot, theme: t)
    }

    private func drawTickLabels(on canvas: Canvas, layout: Layout, theme t: ChartTheme) throws {
        let plot = layout.plot, s = t.scale
        let font = try canvas.measureText("0", size: t.tickSize)
        let below = plot.y + plot.height + t.tickLength + 4 * s
        for (v, label) in zip(x.ticks, x.labels) {
            if layout.slantXLabels {
                try canvas.drawText(label, x: px(v, plot) + font.ascent * 0.4, y: below + font.ascent * 0.6,
                                    size: t.tickSize, color: t.text, anchor: .right, rotation: -Double.pi / 6)
            } else {
                try canvas.drawText(label, x: px(v, plot), y: below + font.ascent, size: t.tickSize, color: t.text,
                                    anchor: .center)
            }
        }
        let middle = (font.ascent - font.descent) / 2
        for (v, label) in zip(y.ticks, y.labels) {
            try canvas.drawText(label, x: plot.x - t.tickLength - 5 * s, y: py(v, plot) + middle, size: t.tickSize,
                                color: t.text, anchor: .right)
        }
        if let y2 {
            for (v, label) in zip(y2.ticks, y2.labels) {
                try canvas.drawText(label, x: plot.x + plot.width + t.tickLength + 5 * s, y: py2(v, plot) + middle,
                                    size: t.tickSize, color: t.text)
            }
        }
    }

    private func drawTitles(on canvas: Canvas, plot: Rect, theme t: ChartTheme) throws {
        let s = t.scale
        let label = try canvas.measureText("0", size: t.labelSize)
        if !title.isEmpty {
            let m = try canvas.measureText(title, size: t.titleSize, weight: .bold)
            try canvas.drawText(title, x: plot.x + plot.width / 2, y: 14 * s + m.ascent, size: t.titleSize,
                                color: t.text, weight: .bold, anchor: .center)
        }
        if !xLabel.isEmpty {
            try canvas.drawText(xLabel, x: plot.x + plot.width / 2, y: Double(canvas.height) - 12 * s - label.descent,
                                size: t.labelSize, color: t.text, anchor: .center)
        }
        let middle = plot.y + plot.height / 2
        if !yLabel.isEmpty {
            try canvas.drawText(yLabel, x: 14 * s + label.ascent, y: middle, size: t.labelSize, color: t.text,
                                anchor: .center, rotation: -Double.pi / 2)
        }
        if y2 != nil, let right = secondaryYLabel, !right.isEmpty {
            try canvas.drawText(right, x: Double(canvas.width) - 14 * s - label.descent, y: middle, size: t.labelSize,
                                color: t.text, anchor: .center, rotation: -Double.pi / 2)
        }
    }

    /// Puts the legend in whichever inside corner covers the fewest data points.
    func drawLegend(_ entries: [LegendEntry], on canvas: Canvas, plot: Rect, theme t: ChartTheme,
                    occupied: [Point]) throws {
        guard !entries.isEmpty else { return }
        let s = t.scale, pad = 8 * s, swatch = 26 * s, gap = 8 * s
        let font = try canvas.measureText("0", size: t.legendSize)
        let row = (font.ascent + font.descent) * 1.45
        let names = try entries.map { try canvas.measureText($0.name, size: t.legendSize).width }
        let box = (width: pad * 2 + swatch + gap + (names.max() ?? 0), height: pad * 2 + row * Double(entries.count))
        let inset = 10 * s
        let left = plot.x + inset, right = plot.x + plot.width - inset - box.width
        let centreX = plot.x + (plot.width - box.width) / 2
        let top = plot.y + inset, bottom = plot.y + plot.height - inset - box.height
        let centreY = plot.y + (plot.height - box.height) / 2
        // matplotlib's 'best' candidates, in its order of preference.
        let corners = [(right, top), (left, top), (left, bottom), (right, bottom), (right, centreY),
                       (left, centreY), (centreX, bottom), (centreX, top), (centreX, centreY)]
            .map { Rect(x: $0.0, y: $0.1, width: box.width, height: box.height) }
        func covered(_ r: Rect) -> Int {
            occupied.filter { $0.x >= r.x && $0.x <= r.x + r.width && $0.y >= r.y && $0.y <= r.y + r.height }.count
        }
        var frame = corners[0]
        for candidate in corners where covered(candidate) < covered(frame) { frame = candidate }
        canvas.fillRectangle(frame, color: .white, alpha: 0.85)
        canvas.strokeRectangle(Rect(x: crisp(frame.x), y: crisp(frame.y), width: frame.width.rounded(),
                                    height: frame.height.rounded()), color: RGB(0xCC, 0xCC, 0xCC), lineWidth: 1)
        for (i, entry) in entries.enumerated() {
            let centre = frame.y + pad + row * (Double(i) + 0.5)
            let x0 = frame.x + pad
            switch entry.swatch {
            case .line:
                canvas.strokePolygon([Point(x: x0, y: centre), Point(x: x0 + swatch, y: centre)], color: entry.color,
                                     lineWidth: t.lineWidth, closed: false)
            case .marker:
                canvas.fillCircle(Point(x: x0 + swatch / 2, y: centre), radius: 3.5 * s, color: entry.color)
            case .block:
                canvas.fillRectangle(Rect(x: x0 + swatch * 0.2, y: centre - row * 0.3, width: swatch * 0.6,
                                          height: row * 0.6), color: entry.color)
            }
            try canvas.drawText(entry.name, x: x0 + swatch + gap, y: centre + (font.ascent - font.descent) / 2,
                                size: t.legendSize, color: t.text)
        }
    }
}

/// Half-pixel alignment so 1-pixel lines land on one pixel row instead of two.
func crisp(_ v: Double) -> Double { v.rounded(.down) + 0.5 }

extension Canvas {
    func fillCircle(_ centre: Point, radius: Double, color: RGB) {
        cairo_save(context)
        setColor(color)
        cairo_new_path(context)
        cairo_arc(context, centre.x, centre.y, radius, 0, 2 * Double.pi)
        cairo_fill(context)
        cairo_restore(context)
    }

    func clip(to rect: Rect, _ body: () -> Void) {
        cairo_save(context)
        cairo_rectangle(context, rect.x, rect.y, rect.width, rect.height)
        cairo_clip(context)
        body()
        cairo_restore(context)
    }
}
