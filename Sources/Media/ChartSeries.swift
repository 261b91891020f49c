// Data and options shared by the handout charts (LineChart, BarChart, HistogramChart).
import Foundation

public enum ChartStyle: Sendable, Equatable {
    /// Straight segments between points.
    case line
    /// matplotlib's drawstyle 'steps-post': each value holds until the next x.
    case step
    /// Markers only.
    case points
}

public enum ChartAxis: Sendable, Equatable {
    case primary
    /// Drawn against a second y axis on the right.
    case secondary
}

public enum AxisFormat: Sendable, Equatable {
    case number
    /// Values are seconds; ticks fall on whole minutes (or seconds for short spans)
    /// and read m:ss (an hour is 60:00).
    case minutes
    /// Values are seconds; ticks read in the unit that suits them: 330 µs, 1.5 ms, 2 s.
    case seconds
    /// Values are bytes; ticks read B, KB, MB or GB (1,024-based, as AWS's limits are).
    case bytes
}

extension AxisFormat {
    /// The unit to show values up to `magnitude` in: a divisor and its suffix.
    func unit(forMagnitude magnitude: Double) -> (divisor: Double, suffix: String) {
        switch self {
        case .number, .minutes: return (1, "")
        case .seconds:
            if magnitude == 0 || magnitude >= 1 { return (1, " s") }
            if magnitude >= 1e-3 { return (1e-3, " ms") }
            // Greek mu: the Hangul fonts have it, not the micro sign.
            if magnitude >= 1e-6 { return (1e-6, " μs") }
            return (1e-9, " ns")
        case .bytes:
            let units = [(1_073_741_824.0, " GB"), (1_048_576.0, " MB"), (1024.0, " KB")]
            return units.first { magnitude >= $0.0 } ?? (1, " B")
        }
    }

    /// One value as a reader wants it, with three significant digits: "0.000355" seconds
    /// reads "355 µs", 7,455,381 bytes "7.11 MB", and a plain number keeps up to three decimals.
    public func text(_ value: Double) -> String {
        guard value.isFinite else { return "\(value)" }
        let (divisor, suffix) = unit(forMagnitude: abs(value))
        let scaled = value / divisor
        var text: String
        switch self {
        case .seconds, .bytes: text = Self.significant(scaled)
        case .number, .minutes:
            // Small values keep three significant digits rather than reading "0".
            text = abs(scaled) < 0.001 && scaled != 0 ? String(format: "%.3g", scaled) : String(format: "%.3f", scaled)
        }
        if text.contains("."), !text.contains("e") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return (text == "-0" ? "0" : text) + suffix
    }

    private static func significant(_ value: Double) -> String {
        let magnitude = abs(value)
        let decimals = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : 2
        return String(format: "%.\(decimals)f", value)
    }
}

public struct ChartSeries: Sendable {
    public var name: String
    public var points: [(x: Double, y: Double)]
    public var style: ChartStyle
    public var axis: ChartAxis
    /// nil takes the next colour of matplotlib's tab10 cycle.
    public var color: RGB?

    public init(name: String, points: [(x: Double, y: Double)], style: ChartStyle = .line,
                axis: ChartAxis = .primary, color: RGB? = nil) {
        self.name = name
        self.points = points
        self.style = style
        self.axis = axis
        self.color = color
    }

    public init(name: String, x: [Double], y: [Double], style: ChartStyle = .line, axis: ChartAxis = .primary,
                color: RGB? = nil) throws {
        guard x.count == y.count else {
            throw ImageError.invalidArgument(name: "series '\(name)'",
                                             reason: "\(x.count) x values but \(y.count) y values")
        }
        self.init(name: name, points: Array(zip(x, y).map { (x: $0, y: $1) }), style: style, axis: axis,
                  color: color)
    }

    var finitePoints: [(x: Double, y: Double)] { points.filter { isPlottable($0.x) && isPlottable($0.y) } }
}

/// matplotlib's default colour cycle (tab10).
enum ChartPalette {
    static let tab10: [RGB] = [
        RGB(0x1F, 0x77, 0xB4), RGB(0xFF, 0x7F, 0x0E), RGB(0x2C, 0xA0, 0x2C), RGB(0xD6, 0x27, 0x28),
        RGB(0x94, 0x67, 0xBD), RGB(0x8C, 0x56, 0x4B), RGB(0xE3, 0x77, 0xC2), RGB(0x7F, 0x7F, 0x7F),
        RGB(0xBC, 0xBD, 0x22), RGB(0x17, 0xBE, 0xCF),
    ]

    static func color(_ index: Int) -> RGB { tab10[index % tab10.count] }
}

/// Finite and small enough that spans and pixel positions stay finite; anything else
/// is drawn as a gap, like NaN in matplotlib.
func isPlottable(_ value: Double) -> Bool { value.isFinite && abs(value) <= 1e150 }

func checkChartSize(width: Int, height: Int) throws {
    guard (240...8192).contains(width), (160...8192).contains(height) else {
        throw ImageError.invalidArgument(name: "chart size",
                                         reason: "\(width)x\(height); width must be 240...8192 and height 160...8192")
    }
}
