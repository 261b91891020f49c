// INTER_AREA for shrinking: each output pixel is the area-weighted mean of the source
// pixels its footprint covers (OpenCV's computeResizeAreaTab weights, float sums).
import Foundation

/// Integer shrink factors: plain block means, rounded half up.
func resizeAreaFast(_ src: [UInt8], _ sw: Int, _ sh: Int, _ cn: Int, _ dw: Int, _ dh: Int) -> [UInt8] {
    let kx = sw / dw, ky = sh / dh, area = kx * ky
    var out = [UInt8](repeating: 0, count: dw * dh * cn)
    for y in 0..<dh {
        for x in 0..<dw {
            for c in 0..<cn {
                var sum = 0
                for j in 0..<ky {
                    let row = (y * ky + j) * sw
                    for i in 0..<kx { sum += Int(src[(row + x * kx + i) * cn + c]) }
                }
                out[(y * dw + x) * cn + c] = UInt8((sum + area / 2) / area)
            }
        }
    }
    return out
}

/// One source index contributing `weight` to one destination index.
struct AreaTap {
    var destination: Int
    var source: Int
    var weight: Float
}

func areaTaps(source: Int, destination: Int) -> [AreaTap] {
    let scale = Double(source) / Double(destination)
    var taps: [AreaTap] = []
    for d in 0..<destination {
        let start = Double(d) * scale, end = start + scale
        let cell = min(scale, Double(source) - start)
        var first = Int(start.rounded(.up)), last = Int(end.rounded(.down))
        last = min(last, source - 1)
        first = min(first, last)
        if Double(first) - start > 1e-3 {
            taps.append(AreaTap(destination: d, source: first - 1, weight: Float((Double(first) - start) / cell)))
        }
        for s in first..<max(first, last) {
            taps.append(AreaTap(destination: d, source: s, weight: Float(1.0 / cell)))
        }
        if end - Double(last) > 1e-3 {
            taps.append(AreaTap(destination: d, source: last,
                                weight: Float(min(min(end - Double(last), 1), cell) / cell)))
        }
    }
    return taps
}

func resizeArea(_ src: [UInt8], _ sw: Int, _ sh: Int, _ cn: Int, _ dw: Int, _ dh: Int) -> [UInt8] {
    let xTaps = areaTaps(source: sw, destination: dw)
    let yTaps = areaTaps(source: sh, destination: dh)
    let rowLength = dw * cn
    var sums = [[Float]](repeating: [Float](repeating: 0, count: rowLength), count: dh)
    var buffer = [Float](repeating: 0, count: rowLength)
    for yTap in yTaps {
        for i in 0..<rowLength { buffer[i] = 0 }
        let base = yTap.source * sw * cn
        for xTap in xTaps {
            for c in 0..<cn {
                buffer[xTap.destination * cn + c] += Float(src[base + xTap.source * cn + c]) * xTap.weight
            }
        }
        for i in 0..<rowLength { sums[yTap.destination][i] += yTap.weight * buffer[i] }
    }
    var out = [UInt8](repeating: 0, count: dh * rowLength)
    for y in 0..<dh {
        for i in 0..<rowLength {
            out[y * rowLength + i] = UInt8(clamping: Int(sums[y][i].rounded(.toNearestOrEven)))
        }
    }
    return out
}
