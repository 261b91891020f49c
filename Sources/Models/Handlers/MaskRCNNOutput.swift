// The async lab's `output_fn` reply, written straight to bytes: one JSON object per frame,
// `{"boxes": [[x1, y1, x2, y2], ...], "labels": [...], "scores": [...], "masks": ...}` where
// masks is `np.squeeze(masks.transpose(2, 3, 0, 1)).tolist()`: the [N, 1, H, W]
// probabilities as H × W × N, squeezed to H × W when N = 1 (and H × W × 0 when N = 0).
// A frame with 100 detections at 256×256 is 6.5 M numbers, so nothing goes through
// JSONSerialization; floats are written in their shortest round-trip form.
import Foundation

enum MaskRCNNOutput {
    /// One frame's object, appended to `out`.
    static func append(_ detections: [InstanceDetection], height: Int, width: Int, to out: inout Data) {
        var text = "{\"boxes\": ["
        text += detections.map { d in "[\(number(d.box.x)), \(number(d.box.y)), \(number(d.box.z)), \(number(d.box.w))]" }
            .joined(separator: ", ")
        text += "], \"labels\": [" + detections.map { "\($0.label)" }.joined(separator: ", ")
        text += "], \"scores\": [" + detections.map { number($0.score) }.joined(separator: ", ") + "], \"masks\": "
        out.append(contentsOf: Array(text.utf8))
        var row = ""
        out.append(contentsOf: Array("[".utf8))
        for y in 0..<height {
            row = y == 0 ? "[" : ", ["
            for x in 0..<width {
                if x > 0 { row += ", " }
                let pixel = y * width + x
                if detections.count == 1 {
                    row += number(detections[0].mask[pixel])
                } else {
                    row += "[" + detections.map { number($0.mask[pixel]) }.joined(separator: ", ") + "]"
                }
            }
            row += "]"
            out.append(contentsOf: Array(row.utf8))
        }
        out.append(contentsOf: Array("]}".utf8))
    }

    /// Python's repr of the float32 value widened to double, as `tolist()` gives it.
    static func number(_ value: Float) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value < 0 ? "-Infinity" : "Infinity") }
        if value == 0 { return value.sign == .minus ? "-0.0" : "0.0" }
        let text = "\(Double(value))"
        return text.contains(".") || text.contains("e") ? text : text + ".0"
    }
}
