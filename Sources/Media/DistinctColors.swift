// Distinct colours for detections: hues evenly spaced around the HSV circle at full
// saturation, then shuffled with a seeded generator so neighbouring classes differ
// (the scheme of Mask R-CNN's `random_colors`, but repeatable).
import Foundation

public enum DistinctColors {
    public static func palette(count: Int, seed: UInt64 = 0, brightness: Double = 1.0) -> [RGB] {
        guard count > 0 else { return [] }
        var colors = (0..<count).map { hsv(hue: Double($0) / Double(count), saturation: 1, value: brightness) }
        var generator = SplitMix64(state: seed)
        // Fisher-Yates with the seeded generator.
        for i in stride(from: count - 1, to: 0, by: -1) {
            let j = Int(generator.next() % UInt64(i + 1))
            colors.swapAt(i, j)
        }
        return colors
    }

    /// HSV (each 0...1) to 8-bit RGB.
    public static func hsv(hue: Double, saturation: Double, value: Double) -> RGB {
        let hue = hue.isFinite ? hue : 0
        let h = (hue - hue.rounded(.down)) * 6
        let sector = Int(h) % 6
        let f = h - Double(Int(h))
        let v = min(max(value, 0), 1), s = min(max(saturation, 0), 1)
        let p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f))
        let (r, g, b): (Double, Double, Double)
        switch sector {
        case 0: (r, g, b) = (v, t, p)
        case 1: (r, g, b) = (q, v, p)
        case 2: (r, g, b) = (p, v, t)
        case 3: (r, g, b) = (p, q, v)
        case 4: (r, g, b) = (t, p, v)
        default: (r, g, b) = (v, p, q)
        }
        func byte(_ x: Double) -> UInt8 { UInt8((x * 255).rounded()) }
        return RGB(byte(r), byte(g), byte(b))
    }
}

/// SplitMix64: tiny, seedable, good enough to shuffle a palette.
struct SplitMix64 {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
