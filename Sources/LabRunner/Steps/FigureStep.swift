// `kind: figure` — a chart from earlier steps' outputs, drawn with Cairo (Media) and
// saved as a PNG beside the handout.
//
//   - kind: figure
//     id: latency
//     chart: line                       # line | bar | histogram
//     caption: {ko: 요청별 지연 시간, en: Latency per request}
//     x-label: {ko: 요청, en: request}
//     x-format: minutes                 # number | minutes (seconds as m:ss) | seconds | bytes
//     y-label: {ko: 지연 시간, en: latency}
//     y-format: seconds                 # number | seconds (355 µs, 1.2 ms) | bytes (7.1 MB)
//     series:                           # line charts
//       - name: {ko: 지연 시간, en: latency}
//         x: ${steps.burst.items[*].index}    # optional: 0, 1, 2, ... by default
//         y: ${steps.burst.seconds}
//         style: line                   # line | step | points
//         axis: primary                 # primary | secondary (y2-label)
//     categories: [...]                 # bar charts: categories and values
//     values: [...]                     # bar charts, and the samples of a histogram
//     bins: 20                          # histogram
//
// Output: {file, width, height, points}
import Foundation
import Media

struct FigureStep: LabStep {
    static let kind = "figure"
    static let summary = "Draws a line, bar or histogram chart from earlier outputs into a PNG in the handout."
    static let charts = ["line", "bar", "histogram"]

    static let declaration = StepDeclaration(
        keys: [
            StepKey("chart", .choice(charts), required: true, "The kind of chart."),
            StepKey("caption", .localized, required: true, "The figure's caption, also its title."),
            StepKey("x-label", .localized, "The x axis's label."),
            StepKey("y-label", .localized, "The y axis's label."),
            StepKey("y2-label", .localized, "The secondary y axis's label (series with axis: secondary)."),
            StepKey("x-format", .choice(axisFormatNames), default: "number", "How x ticks read: minutes as m:ss, seconds as μs/ms/s, bytes as KB/MB."),
            StepKey("y-format", .choice(axisFormatNames.filter { $0 != "minutes" }), default: "number", "How y ticks read."),
            StepKey("series", .list(.fields([
                StepKey("name", .localized, "The legend's name for it."),
                StepKey("y", .list(.number), required: true, "Its values, e.g. ${steps.burst.seconds}."),
                StepKey("x", .list(.number), default: "0, 1, 2, …", "Where each value goes on x."),
                StepKey("style", .choice(["line", "step", "points"]), default: "line", "How it is drawn."),
                StepKey("axis", .choice(["primary", "secondary"]), default: "primary", "secondary: against y2-label on the right."),
            ])), "Line charts: the series to draw."),
            StepKey("categories", .list(.string), "Bar charts: one label per bar."),
            StepKey("values", .list(.number), "Bar charts: one value per bar; histograms: the samples."),
            StepKey("bins", .integer, default: "20", "Histograms: how many bins."),
            StepKey("width", .integer, default: "960", "Pixels, 240 to 4000."),
            StepKey("height", .integer, default: "540", "Pixels, 160 to 4000."),
        ],
        output: [
            OutputField("file", "The PNG, relative to the handout."),
            OutputField("width", "Its width in pixels."),
            OutputField("height", "Its height in pixels."),
            OutputField("points", "How many data points it draws."),
        ],
        example: """
            chart: bar
            caption: {ko: 모델별 지연 시간, en: Latency by model}
            y-format: seconds
            categories: [electra, bart]
            values: [0.012, 0.4]
            """)

    let chart: Arg<String>
    let caption: Arg<LabValue>
    let xLabel: Arg<LabValue>?
    let yLabel: Arg<LabValue>?
    let y2Label: Arg<LabValue>?
    let xFormat: Arg<String>?, yFormat: Arg<String>?
    let series: BookNode?
    let categories: Arg<[String]>?
    let values: Arg<[Double]>?
    let bins: Arg<Int>?
    let width: Arg<Int>?
    let height: Arg<Int>?

    init(arguments: inout StepArguments) throws {
        chart = try arguments.required("chart")
        if let c = chart.literal, !Self.charts.contains(c) { throw LabError.unknown("chart", c, at: chart.location, known: Self.charts) }
        caption = try arguments.required("caption")
        xLabel = try arguments.optional("x-label")
        yLabel = try arguments.optional("y-label")
        y2Label = try arguments.optional("y2-label")
        xFormat = try arguments.optional("x-format")
        yFormat = try arguments.optional("y-format")
        if let f = xFormat?.literal, Self.axisFormats[f] == nil { throw LabError.unknown("x-format", f, at: xFormat!.location, known: Self.axisFormatNames) }
        if let f = yFormat?.literal, Self.axisFormats[f] == nil || f == "minutes" {
            throw LabError.unknown("y-format", f, at: yFormat!.location, known: Self.axisFormatNames.filter { $0 != "minutes" })
        }
        series = try arguments.node("series")
        if let series { try Self.checkSeries(series) }
        categories = try arguments.optional("categories")
        values = try arguments.optional("values")
        bins = try arguments.optional("bins")
        width = try arguments.optional("width")
        height = try arguments.optional("height")
        switch chart.literal {
        case "line": if series == nil { throw LabError(arguments.location, "a line chart needs 'series'") }
        case "bar": if categories == nil || values == nil { throw LabError(arguments.location, "a bar chart needs 'categories' and 'values'") }
        case "histogram": if values == nil { throw LabError(arguments.location, "a histogram needs 'values'") }
        default: break
        }
    }

    func run(in context: StepContext) async throws -> LabValue {
        let language = context.language
        let title = Localizer.text(try context.resolve(caption), language)
        let size = (try context.resolve(width, default: 960), try context.resolve(height, default: 540))
        guard (240...4000).contains(size.0) else {
            throw LabError(width?.location ?? caption.location, "width must be 240–4000 pixels", ko: "width는 240–4000픽셀이어야 합니다")
        }
        guard (160...4000).contains(size.1) else {
            throw LabError(height?.location ?? caption.location, "height must be 160–4000 pixels", ko: "height는 160–4000픽셀이어야 합니다")
        }
        let kind = try context.resolve(chart)
        let png: Data
        var points = 0
        switch kind {
        case "line":
            let built = try lineSeries(context)
            points = built.reduce(0) { $0 + $1.points.count }
            var figure = LineChart(title: title, xLabel: try label(xLabel, context), yLabel: try label(yLabel, context), series: built)
            figure.secondaryYLabel = try y2Label.map { Localizer.text(try context.resolve($0), language) }
            figure.xAxisFormat = try axisFormat(xFormat, context)
            figure.yAxisFormat = try axisFormat(yFormat, context)
            png = try figure.renderPNG(width: size.0, height: size.1)
        case "bar":
            guard let categories, let values else {
                throw LabError(chart.location, "a bar chart needs 'categories' and 'values'", ko: "막대 차트에는 'categories'와 'values'가 필요합니다")
            }
            let names = try context.resolve(categories), numbers = try context.resolve(values)
            guard names.count == numbers.count else {
                throw LabError(values.location, "a bar chart needs as many values (\(numbers.count)) as categories (\(names.count))",
                               ko: "막대 차트의 values(\(numbers.count)개)와 categories(\(names.count)개)는 개수가 같아야 합니다")
            }
            points = numbers.count
            var figure = BarChart(title: title, xLabel: try label(xLabel, context), yLabel: try label(yLabel, context),
                                  categories: names, values: numbers)
            figure.yAxisFormat = try axisFormat(yFormat, context)
            png = try figure.renderPNG(width: size.0, height: size.1)
        case "histogram":
            guard let values else { throw LabError(chart.location, "a histogram needs 'values'", ko: "히스토그램에는 'values'가 필요합니다") }
            let samples = try context.resolve(values)
            points = samples.count
            let binCount = try context.resolve(bins, default: 20)
            guard (1...500).contains(binCount) else {
                throw LabError(bins?.location ?? chart.location, "bins must be between 1 and 500", ko: "bins는 1부터 500 사이여야 합니다")
            }
            let histogram = try Histogram(values: samples, binCount: binCount)
            png = try HistogramChart(title: title, xLabel: try label(xLabel, context), yLabel: try label(yLabel, context),
                                     histogram: histogram, xAxisFormat: try axisFormat(xFormat, context))
                .renderPNG(width: size.0, height: size.1)
        default:
            throw LabError.unknown("chart", kind, at: chart.location, known: Self.charts, koWhat: "차트 종류")
        }
        let file = try context.addFigure(png: png, name: "chart", caption: title)
        return .object(LabObject([("file", .string(file)), ("width", .int(size.0)), ("height", .int(size.1)), ("points", .int(points))]))
    }

    static let axisFormats: [String: AxisFormat] = ["number": .number, "minutes": .minutes, "seconds": .seconds, "bytes": .bytes]
    static let axisFormatNames = ["number", "minutes", "seconds", "bytes"]

    private func axisFormat(_ arg: Arg<String>?, _ context: StepContext) throws -> AxisFormat {
        guard let arg else { return .number }
        let name = try context.resolve(arg)
        guard let format = Self.axisFormats[name] else {
            throw LabError.unknown(arg.name, name, at: arg.location, known: Self.axisFormatNames, koWhat: "\(arg.name) 값")
        }
        return format
    }

    static let seriesKeys = ["name", "x", "y", "style", "axis"]

    /// Series keys are checked when the book loads, so `validate` catches a misspelt one.
    static func checkSeries(_ series: BookNode) throws {
        try TemplateScanner.check(series)
        guard let items = series.items else { throw LabError(series.location, "'series' is a list of {name, y, x?, style?, axis?}") }
        for item in items {
            guard let pairs = item.pairs else { throw LabError(item.location, "a series is a mapping {name, y, x?, style?, axis?}") }
            for pair in pairs where !seriesKeys.contains(pair.key) {
                throw LabError.unknown("series key", pair.key, at: pair.keyLocation, known: seriesKeys)
            }
            if item["y"] == nil { throw LabError(item.location, "a series needs 'y', a list of numbers") }
        }
    }

    private func label(_ arg: Arg<LabValue>?, _ context: StepContext) throws -> String {
        guard let arg else { return "" }
        return Localizer.text(try context.resolve(arg), context.language)
    }

    private func lineSeries(_ context: StepContext) throws -> [ChartSeries] {
        guard let series, let items = series.items, !items.isEmpty else {
            throw LabError(series?.location ?? caption.location, "'series' is a list of {name, y, x?, style?, axis?}",
                           ko: "'series'는 {name, y, x?, style?, axis?}의 리스트여야 합니다")
        }
        return try items.map { node in
            guard let pairs = node.pairs else {
                throw LabError(node.location, "a series is a mapping {name, y, x?, style?, axis?}",
                               ko: "series 하나는 {name, y, x?, style?, axis?} 매핑이어야 합니다")
            }
            for pair in pairs where !Self.seriesKeys.contains(pair.key) {
                throw LabError.unknown("series key", pair.key, at: pair.keyLocation, known: Self.seriesKeys, koWhat: "series 키")
            }
            let name = Localizer.text(try node["name"].map(context.resolveValue) ?? .string(""), context.language)
            guard let yNode = node["y"], let ys = [Double].convert(try context.resolveValue(yNode)) else {
                throw LabError(node["y"]?.location ?? node.location, "series '\(name)' needs 'y', a list of numbers",
                               ko: "series '\(name)'에는 숫자 리스트 'y'가 필요합니다")
            }
            var xs = ys.indices.map(Double.init)
            if let xNode = node["x"] {
                guard let given = [Double].convert(try context.resolveValue(xNode)), given.count == ys.count else {
                    throw LabError(xNode.location, "series '\(name)': 'x' must be a list of \(ys.count) numbers, like 'y'",
                                   ko: "series '\(name)': 'x'는 'y'처럼 숫자 \(ys.count)개의 리스트여야 합니다")
                }
                xs = given
            }
            let styleName = try node["style"].map(context.resolveValue)?.displayString ?? "line"
            let style: ChartStyle
            switch styleName {
            case "line": style = .line
            case "step": style = .step
            case "points": style = .points
            default:
                throw LabError.unknown("style", styleName, at: node["style"]?.location ?? node.location, known: ["line", "step", "points"],
                                       koWhat: "style 값")
            }
            let axisName = try node["axis"].map(context.resolveValue)?.displayString ?? "primary"
            guard ["primary", "secondary"].contains(axisName) else {
                throw LabError.unknown("axis", axisName, at: node["axis"]?.location ?? node.location, known: ["primary", "secondary"],
                                       koWhat: "axis 값")
            }
            let axis: ChartAxis = axisName == "secondary" ? .secondary : .primary
            return try ChartSeries(name: name, x: xs, y: ys, style: style, axis: axis)
        }
    }
}

/// Text written as a plain string or as {ko, en}.
enum Localizer {
    static func text(_ value: LabValue, _ language: Language) -> String {
        if let object = value.object {
            return object[language.rawValue]?.displayString ?? object[language == .ko ? "en" : "ko"]?.displayString ?? ""
        }
        return value.displayString
    }
}
