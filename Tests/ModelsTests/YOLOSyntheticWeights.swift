// Formula weights for any darknet .cfg: `synthetic_weights` of fixtures/make_yolo_goldens.py,
// recomputed bit for bit, so the full yolov3.cfg can be checked against OpenCV without its
// 248 MB COCO weights. Every value is u(i) (an exact float32 in [-0.5, 0.5) hashed from the
// float's index i in the file body) times and plus power-of-two fractions, or times
// float32(sqrt(12/n)) rounded from a double: one or two correctly rounded float32 operations
// that numpy and Swift agree on. The golden's CRC-32 of the file confirms it.
import Foundation
import Formats

enum YOLOSyntheticWeights {
    /// murmur3's 32-bit finaliser of i·0x9E3779B1, top 24 bits, as (h >> 8)·2⁻²⁴ − 0.5.
    static func uniform(_ index: Int) -> Float {
        var h = UInt32(truncatingIfNeeded: index) &* 0x9E37_79B1
        h ^= h >> 16
        h &*= 0x85EB_CA6B
        h ^= h >> 13
        h &*= 0xC2B2_AE35
        h ^= h >> 16
        return Float(h >> 8) * 0x1p-24 - 0.5
    }

    /// One run of `count` values: u·scale, plus `offset` when there is one, or plus −3.5
    /// at positions k with k mod classCell ≥ 5 (the class channels of a [yolo] head).
    struct Run {
        var count: Int
        var scale: Float
        var offset: Float?
        var classCell: Int?

        init(count: Int, scale: Float, offset: Float? = nil, classCell: Int? = nil) {
            (self.count, self.scale, self.offset, self.classCell) = (count, scale, offset, classCell)
        }

        func offset(at k: Int, _ offset: Float) -> Float {
            if let classCell, k % classCell >= 5 { return -3.5 }
            return offset
        }
    }

    /// The runs of every [convolutional] layer in darknet order (see the Python docstring).
    static func runs(for config: DarknetConfig) throws -> [Run] {
        let layers = Array(config.layers)
        var channels = [try config.net.int("channels", default: 3)]
        var runs: [Run] = []
        for (index, section) in layers.enumerated() {
            let previous = channels[channels.count - 1]
            let following = index + 1 < layers.count ? layers[index + 1] : nil
            switch section.type {
            case "convolutional":
                let filters = try section.int("filters"), size = try section.int("size")
                let fanIn = size * size * previous
                let kernelScale = Float((12.0 / Double(fanIn)).squareRoot())
                if try section.int("batch_normalize", default: 0) != 0 {
                    let residual = following?.type == "shortcut"
                    runs += [Run(count: filters, scale: 0.25),
                             Run(count: filters, scale: residual ? 0.125 : 0.5, offset: residual ? 0.25 : 1.375),
                             Run(count: filters, scale: 0.25),
                             Run(count: filters, scale: 0.5, offset: 1),
                             Run(count: filters * fanIn, scale: kernelScale)]
                } else {
                    let cell = following?.type == "yolo" ? 5 + (try following?.int("classes") ?? 0) : nil
                    runs += [Run(count: filters, scale: 0.25, offset: 0, classCell: cell),
                             Run(count: filters * fanIn, scale: Float(0.5 * (12.0 / Double(fanIn)).squareRoot()))]
                }
                channels.append(filters)
            case "route":
                let references = try section.ints("layers") ?? []
                channels.append(references.reduce(0) { total, reference in
                    total + channels[1 + (reference < 0 ? index + reference : reference)]
                })
            default:
                channels.append(previous)
            }
        }
        return runs
    }

    /// The whole .weights file: header 0.2.0 with a 64-bit `seen` of 0, then the runs.
    static func file(for config: DarknetConfig) throws -> Data {
        let runs = try runs(for: config)
        var values = [Float](repeating: 0, count: runs.reduce(0) { $0 + $1.count })
        values.withUnsafeMutableBufferPointer { buffer in
            var start = 0
            for run in runs {
                if let offset = run.offset {
                    for k in 0..<run.count {
                        // Two statements so the product is rounded before the sum, as numpy does.
                        let scaled = uniform(start + k) * run.scale
                        buffer[start + k] = scaled + run.offset(at: k, offset)
                    }
                } else {
                    for k in 0..<run.count { buffer[start + k] = uniform(start + k) * run.scale }
                }
                start += run.count
            }
        }
        var data = Data()
        for field: UInt32 in [0, 2, 0] { withUnsafeBytes(of: field.littleEndian) { data.append(contentsOf: $0) } }
        withUnsafeBytes(of: UInt64(0).littleEndian) { data.append(contentsOf: $0) }
        values.withUnsafeBytes { data.append(contentsOf: $0) } // little-endian, like every platform this builds for
        return data
    }
}
