// Resizing as OpenCV's cv::resize defines it for 8-bit images, so tensors built here
// match the ones the labs' Python handlers built with cv2 byte for byte (the goldens of
// fixtures/make_media_goldens.py are exact).
//   .bilinear = INTER_LINEAR: half-pixel centres, clamped borders, 11-bit fixed-point
//               weights (INTER_RESIZE_COEF_SCALE 2048) and the SIMD vertical pass's
//               rounding ((S>>4)*b >> 16, then +2 >> 2).
//   .area     = INTER_AREA: exact area averaging when shrinking (integer factors take
//               the fast block-average path), OpenCV's area-weighted linear otherwise.
//   .nearest  = INTER_NEAREST: floor(dst * src/dst), not half-pixel.
import Foundation

public enum Interpolation: Sendable, Equatable {
    case nearest
    case bilinear
    case area
}

public func resize(_ image: RGBImage, width: Int, height: Int,
                   interpolation: Interpolation = .bilinear) throws -> RGBImage {
    let image = try image.validated()
    _ = try checkedByteCount(width: width, height: height, channels: 3)
    let pixels = resizeInterleaved(image.pixels, width: image.width, height: image.height, channels: 3,
                                   toWidth: width, toHeight: height, interpolation: interpolation)
    return try RGBImage(width: width, height: height, pixels: pixels)
}

/// Sizes must be positive and the buffer must hold width*height*channels bytes.
func resizeInterleaved(_ src: [UInt8], width sw: Int, height sh: Int, channels cn: Int,
                       toWidth dw: Int, toHeight dh: Int, interpolation: Interpolation) -> [UInt8] {
    if sw == dw && sh == dh { return src }
    switch interpolation {
    case .nearest:
        return resizeNearest(src, sw, sh, cn, dw, dh)
    case .bilinear:
        // OpenCV switches an exact 2x shrink to the (equivalent) fast area path.
        if sw == 2 * dw && sh == 2 * dh { return resizeAreaFast(src, sw, sh, cn, dw, dh) }
        return resizeLinear(src, sw, sh, cn, dw, dh, areaMode: false)
    case .area:
        if sw >= dw && sh >= dh {
            if sw % dw == 0 && sh % dh == 0 { return resizeAreaFast(src, sw, sh, cn, dw, dh) }
            return resizeArea(src, sw, sh, cn, dw, dh)
        }
        return resizeLinear(src, sw, sh, cn, dw, dh, areaMode: true)
    }
}

private func resizeNearest(_ src: [UInt8], _ sw: Int, _ sh: Int, _ cn: Int, _ dw: Int, _ dh: Int) -> [UInt8] {
    let fx = 1.0 / (Double(dw) / Double(sw)), fy = 1.0 / (Double(dh) / Double(sh))
    let xs = (0..<dw).map { min(Int((Double($0) * fx).rounded(.down)), sw - 1) }
    var out = [UInt8](repeating: 0, count: dw * dh * cn)
    for y in 0..<dh {
        let sy = min(Int((Double(y) * fy).rounded(.down)), sh - 1)
        for x in 0..<dw {
            let s = (sy * sw + xs[x]) * cn, d = (y * dw + x) * cn
            for c in 0..<cn { out[d + c] = src[s + c] }
        }
    }
    return out
}

/// Two taps per output index with OpenCV's 11-bit weights.
struct LinearTaps {
    var first: [Int] = []
    var second: [Int] = []
    var w0: [Int32] = []
    var w1: [Int32] = []

    /// `vertical`: OpenCV keeps the fraction of a row tap past the edge and only clips the
    /// row index (both taps then read the edge row, weighted apart); columns it clamps.
    init(source: Int, destination: Int, areaMode: Bool, vertical: Bool) {
        let inverseScale = Double(destination) / Double(source)
        let scale = 1.0 / inverseScale
        for d in 0..<destination {
            var s: Int
            var f: Float
            if areaMode {
                s = Int((Double(d) * scale).rounded(.down))
                f = Float(Double(d + 1) - Double(s + 1) * inverseScale)
                f = f <= 0 ? 0 : f - f.rounded(.down)
            } else {
                f = Float((Double(d) + 0.5) * scale - 0.5)
                s = Int(f.rounded(.down))
                f -= Float(s)
            }
            if vertical {
                first.append(min(max(s, 0), source - 1))
                second.append(min(max(s + 1, 0), source - 1))
            } else {
                if s < 0 { s = 0; f = 0 }
                if s >= source - 1 { s = source - 1; f = 0 }
                first.append(s)
                second.append(min(s + 1, source - 1))
            }
            w0.append(Int32(((1 - f) * 2048).rounded(.toNearestOrEven)))
            w1.append(Int32((f * 2048).rounded(.toNearestOrEven)))
        }
    }
}

private func resizeLinear(_ src: [UInt8], _ sw: Int, _ sh: Int, _ cn: Int, _ dw: Int, _ dh: Int,
                          areaMode: Bool) -> [UInt8] {
    let xt = LinearTaps(source: sw, destination: dw, areaMode: areaMode, vertical: false)
    let yt = LinearTaps(source: sh, destination: dh, areaMode: areaMode, vertical: true)
    let rowLength = dw * cn
    // Horizontal pass per source row, cached: each output row needs two of them.
    var rows = [Int: [Int32]]()
    func horizontal(_ sy: Int) -> [Int32] {
        if let row = rows[sy] { return row }
        var row = [Int32](repeating: 0, count: rowLength)
        let base = sy * sw * cn
        for x in 0..<dw {
            let a = base + xt.first[x] * cn, b = base + xt.second[x] * cn
            for c in 0..<cn {
                row[x * cn + c] = Int32(src[a + c]) * xt.w0[x] + Int32(src[b + c]) * xt.w1[x]
            }
        }
        if rows.count > 4 { rows.removeAll(keepingCapacity: true) }
        rows[sy] = row
        return row
    }
    var out = [UInt8](repeating: 0, count: dh * rowLength)
    for y in 0..<dh {
        let r0 = horizontal(yt.first[y]), r1 = horizontal(yt.second[y])
        let b0 = yt.w0[y], b1 = yt.w1[y]
        for i in 0..<rowLength {
            let v = (((r0[i] >> 4) * b0) >> 16) + (((r1[i] >> 4) * b1) >> 16)
            out[y * rowLength + i] = UInt8(clamping: (v + 2) >> 2)
        }
    }
    return out
}
