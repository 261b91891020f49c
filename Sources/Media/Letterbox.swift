// Network input preparation: darknet's letterbox and OpenCV's dnn.blobFromImage.
import Foundation

/// A float tensor in NCHW order.
public struct Blob: Sendable, Equatable {
    public var values: [Float]
    /// [1, 3, height, width].
    public var shape: [Int]
}

/// cv2.dnn.blobFromImage(image, scale, size, swapRB=..., crop=False): resizes with
/// INTER_LINEAR when the size differs, then value = pixel * scale per channel plane.
/// Planes come out in the image's R, G, B order; `swapRB` emits B, G, R instead.
public func blobFromImage(_ image: RGBImage, size: (width: Int, height: Int), scale: Float = 1.0 / 255,
                          swapRB: Bool = false) throws -> Blob {
    let resized = try resize(image, width: size.width, height: size.height, interpolation: .bilinear)
    let plane = size.width * size.height
    var values = [Float](repeating: 0, count: plane * 3)
    let order = swapRB ? [2, 1, 0] : [0, 1, 2]
    for (planeIndex, channel) in order.enumerated() {
        let offset = planeIndex * plane
        for i in 0..<plane { values[offset + i] = Float(resized.pixels[i * 3 + channel]) * scale }
    }
    return Blob(values: values, shape: [1, 3, size.height, size.width])
}

/// darknet's letterbox_image: scale to fit keeping the aspect ratio, centre, pad grey.
public struct Letterbox: Sendable, Equatable {
    /// The padded image; the padding is 128, the nearest 8-bit value to darknet's 0.5.
    public let image: RGBImage
    /// Placement of the resized source inside `image`.
    public let contentX: Int
    public let contentY: Int
    public let contentWidth: Int
    public let contentHeight: Int
    public let sourceWidth: Int
    public let sourceHeight: Int

    /// A box in letterboxed pixel coordinates mapped back to the source image.
    public func sourceBox(x1: Double, y1: Double, x2: Double, y2: Double) -> (x1: Double, y1: Double, x2: Double, y2: Double) {
        let sx = Double(sourceWidth) / Double(contentWidth), sy = Double(sourceHeight) / Double(contentHeight)
        return ((x1 - Double(contentX)) * sx, (y1 - Double(contentY)) * sy,
                (x2 - Double(contentX)) * sx, (y2 - Double(contentY)) * sy)
    }

    /// NCHW float blob with pixels scaled by 1/255 and the padding exactly 0.5, as
    /// darknet's float letterbox has it.
    public func blob(swapRB: Bool = false) -> Blob {
        let w = image.width, h = image.height, plane = w * h
        var values = [Float](repeating: 0.5, count: plane * 3)
        let order = swapRB ? [2, 1, 0] : [0, 1, 2]
        for y in contentY..<(contentY + contentHeight) {
            for x in contentX..<(contentX + contentWidth) {
                let p = (y * w + x) * 3
                for (planeIndex, channel) in order.enumerated() {
                    values[planeIndex * plane + y * w + x] = Float(image.pixels[p + channel]) / 255
                }
            }
        }
        return Blob(values: values, shape: [1, 3, h, w])
    }
}

public func letterbox(_ image: RGBImage, width: Int, height: Int) throws -> Letterbox {
    let image = try image.validated()
    _ = try checkedByteCount(width: width, height: height, channels: 3)
    var newWidth = width, newHeight = height
    if Float(width) / Float(image.width) < Float(height) / Float(image.height) {
        newHeight = max(1, image.height * width / image.width)
    } else {
        newWidth = max(1, image.width * height / image.height)
    }
    let resized = try resize(image, width: newWidth, height: newHeight, interpolation: .bilinear)
    var canvas = try RGBImage(width: width, height: height, fill: RGB(128, 128, 128))
    let dx = (width - newWidth) / 2, dy = (height - newHeight) / 2
    for y in 0..<newHeight {
        let s = y * newWidth * 3, d = ((y + dy) * width + dx) * 3
        canvas.pixels.replaceSubrange(d..<(d + newWidth * 3), with: resized.pixels[s..<(s + newWidth * 3)])
    }
    return Letterbox(image: canvas, contentX: dx, contentY: dy, contentWidth: newWidth, contentHeight: newHeight,
                     sourceWidth: image.width, sourceHeight: image.height)
}
