// Axis limits and "nice" ticks (steps of 1, 2, 2.5 or 5 times a power of ten; whole
// minutes for time axes), with matplotlib's 5% data margins.
import Foundation

struct AxisScale {
    var lower: Double
    var upper: Double
    var ticks: [Double]
    var labels: [String]

    /// A numeric axis covering `values` (non-finite ones ignored).
    init(values: [Double], format: AxisFormat, includeZero: Bool = false, fixed: ClosedRange<Double>? = nil,
         margin: Double = 0.05, targetTicks: Int = 6) {
        let plottable = values.filter(isPlottable)
        var lo = plottable.min() ?? 0
        var hi = plottable.max() ?? 1
        if includeZero {
            lo = min(lo, 0)
            hi = max(hi, 0)
        }
        if hi - lo < 1e-12 * max(1, abs(hi)) {
            let pad = max(abs(hi) * 0.1, format == .minutes ? 60 : 1)
            lo -= pad
            hi += pad
        }
        if let fixed, fixed.upperBound > fixed.lowerBound, isPlottable(fixed.lowerBound), isPlottable(fixed.upperBound) {
            lower = fixed.lowerBound
            upper = fixed.upperBound
        } else {
            let span = hi - lo
            // Bars rise from zero: no margin below a zero baseline.
            lower = includeZero && lo == 0 ? 0 : lo - margin * span
            upper = includeZero && hi == 0 ? 0 : hi + margin * span
        }
        // Counts and indices are whole numbers: no tick between two of them (no "2.5th round").
        let whole = format == .number && !plottable.isEmpty && plottable.allSatisfy { $0.rounded() == $0 }
        var step = format == .minutes
            ? AxisScale.timeStep(forSpan: upper - lower, targetTicks: targetTicks)
            : AxisScale.niceStep(forSpan: upper - lower, targetTicks: targetTicks)
        if whole, step.rounded() != step { step = max(1, step.rounded(.down)) }
        let first = (lower / step - 1e-9).rounded(.up)
        let last = (upper / step + 1e-9).rounded(.down)
        var ticks: [Double] = []
        if step > 0, step.isFinite, first <= last, last - first < 1000, abs(first) < 1e15, abs(last) < 1e15 {
            for k in Int(first)...Int(last) { ticks.append(Double(k) * step) }
        }
        self.ticks = ticks
        let unit = format.unit(forMagnitude: ticks.map(abs).max() ?? 0)
        labels = ticks.map { AxisScale.label($0, step: step, format: format, unit: unit) }
    }

    /// A categorical axis: one slot per category centred on 0, 1, 2...
    init(categories: [String]) {
        lower = -0.6
        upper = Double(categories.count) - 0.4
        ticks = categories.indices.map(Double.init)
        labels = categories
    }

    /// Maps a value to the pixel span [start, end] (end may be smaller, for y).
    func position(_ value: Double, start: Double, end: Double) -> Double {
        start + (value - lower) / (upper - lower) * (end - start)
    }

    /// The step whose interval count comes closest to targetTicks - 1.
    static func niceStep(forSpan span: Double, targetTicks: Int) -> Double {
        let magnitude = pow(10, (log10(span / Double(max(targetTicks - 1, 1)))).rounded(.down))
        let candidates = [0.5, 1, 2, 2.5, 5, 10, 20].map { $0 * magnitude }
        return closest(candidates, span: span, targetTicks: targetTicks)
    }

    /// Steps that read well as clock time, in seconds.
    static func timeStep(forSpan span: Double, targetTicks: Int) -> Double {
        let steps: [Double] = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1200, 1800, 3600, 7200, 10800, 21600,
                               43200, 86400]
        if span / 86400 > Double(targetTicks) { return niceStep(forSpan: span / 86400, targetTicks: targetTicks) * 86400 }
        return closest(steps, span: span, targetTicks: targetTicks)
    }

    private static func closest(_ steps: [Double], span: Double, targetTicks: Int) -> Double {
        let want = Double(max(targetTicks - 1, 1))
        var best = steps[0]
        for step in steps where abs(span / step - want) <= abs(span / best - want) { best = step }
        return best
    }

    static func label(_ value: Double, step: Double, format: AxisFormat,
                      unit: (divisor: Double, suffix: String) = (1, "")) -> String {
        switch format {
        case .minutes:
            guard abs(value) < 1e12 else { return String(format: "%.3g", value) }
            let total = Int(value.rounded())
            let sign = total < 0 ? "-" : ""
            let s = abs(total)
            return String(format: "%@%d:%02d", sign, s / 60, s % 60)
        case .seconds, .bytes:
            // Every tick in the largest tick's unit, with the step's decimals: 0, 250 µs, 500 µs.
            if abs(value) < step * 1e-6 { return "0" }
            return label(value / unit.divisor, step: step / unit.divisor, format: .number) + unit.suffix
        case .number:
            if abs(value) < step * 1e-6 { return "0" }
            if abs(value) >= 1e7 || step < 1e-5 { return String(format: "%.3g", value) }
            var decimals = 0
            while decimals < 6, abs(step * pow(10, Double(decimals)) - (step * pow(10, Double(decimals))).rounded()) > 1e-6 {
                decimals += 1
            }
            return String(format: "%.\(decimals)f", value)
        }
    }
}
