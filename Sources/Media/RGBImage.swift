// 8-bit images as plain values: interleaved, row-major, top row first.
import Foundation

public struct RGB: Sendable, Hashable {
    public var r: UInt8
    public var g: UInt8
    public var b: UInt8

    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) {
        self.r = r
        self.g = g
        self.b = b
    }

    public static let white = RGB(255, 255, 255)
    public static let black = RGB(0, 0, 0)
}

public struct RGBImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// R, G, B interleaved, row-major. Functions that read an image check that this
    /// still holds width*height*3 bytes and throw `ImageError.pixelBufferSize` if not.
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) throws {
        let expected = try checkedByteCount(width: width, height: height, channels: 3)
        guard pixels.count == expected else {
            throw ImageError.pixelBufferSize(width: width, height: height, channels: 3, count: pixels.count)
        }
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    public init(width: Int, height: Int, fill: RGB = .black) throws {
        let count = try checkedByteCount(width: width, height: height, channels: 3)
        var pixels = [UInt8](repeating: 0, count: count)
        for i in stride(from: 0, to: count, by: 3) {
            pixels[i] = fill.r
            pixels[i + 1] = fill.g
            pixels[i + 2] = fill.b
        }
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// The pixel at (x, y), or nil outside the image.
    public func pixel(x: Int, y: Int) -> RGB? {
        guard x >= 0, y >= 0, x < width, y < height else { return nil }
        let i = (y * width + x) * 3
        guard i + 2 < pixels.count else { return nil }
        return RGB(pixels[i], pixels[i + 1], pixels[i + 2])
    }

    /// Sets the pixel at (x, y); false (and no change) outside the image.
    @discardableResult
    public mutating func setPixel(x: Int, y: Int, to value: RGB) -> Bool {
        guard x >= 0, y >= 0, x < width, y < height else { return false }
        let i = (y * width + x) * 3
        guard i + 2 < pixels.count else { return false }
        pixels[i] = value.r
        pixels[i + 1] = value.g
        pixels[i + 2] = value.b
        return true
    }

    func validated() throws -> RGBImage {
        let expected = try checkedByteCount(width: width, height: height, channels: 3)
        guard pixels.count == expected else {
            throw ImageError.pixelBufferSize(width: width, height: height, channels: 3, count: pixels.count)
        }
        return self
    }
}

/// RGBA with straight (not premultiplied) alpha, for inputs whose transparency matters.
public struct RGBAImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// R, G, B, A interleaved, row-major.
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) throws {
        let expected = try checkedByteCount(width: width, height: height, channels: 4)
        guard pixels.count == expected else {
            throw ImageError.pixelBufferSize(width: width, height: height, channels: 4, count: pixels.count)
        }
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// Composites over a solid background in 8-bit sRGB space:
    /// out = (c*a + bg*(255-a) + 127) / 255 in integers, no gamma linearisation.
    public func composited(over background: RGB = .white) throws -> RGBImage {
        let count = try checkedByteCount(width: width, height: height, channels: 4)
        guard pixels.count == count else {
            throw ImageError.pixelBufferSize(width: width, height: height, channels: 4, count: pixels.count)
        }
        let bg = [Int(background.r), Int(background.g), Int(background.b)]
        var out = [UInt8](repeating: 0, count: count / 4 * 3)
        var o = 0
        for i in stride(from: 0, to: count, by: 4) {
            let a = Int(pixels[i + 3])
            for c in 0..<3 {
                out[o + c] = UInt8((Int(pixels[i + c]) * a + bg[c] * (255 - a) + 127) / 255)
            }
            o += 3
        }
        return try RGBImage(width: width, height: height, pixels: out)
    }

    /// Drops the alpha channel, keeping the stored colour of transparent pixels.
    public func droppingAlpha() throws -> RGBImage {
        let count = try checkedByteCount(width: width, height: height, channels: 4)
        guard pixels.count == count else {
            throw ImageError.pixelBufferSize(width: width, height: height, channels: 4, count: pixels.count)
        }
        var out = [UInt8](repeating: 0, count: count / 4 * 3)
        var o = 0
        for i in stride(from: 0, to: count, by: 4) {
            out[o] = pixels[i]
            out[o + 1] = pixels[i + 1]
            out[o + 2] = pixels[i + 2]
            o += 3
        }
        return try RGBImage(width: width, height: height, pixels: out)
    }
}

extension RGBImage {
    /// The same picture with an opaque alpha channel.
    public func withOpaqueAlpha() throws -> RGBAImage {
        let image = try validated()
        var out = [UInt8](repeating: 255, count: width * height * 4)
        var o = 0
        for i in stride(from: 0, to: image.pixels.count, by: 3) {
            out[o] = image.pixels[i]
            out[o + 1] = image.pixels[i + 1]
            out[o + 2] = image.pixels[i + 2]
            o += 4
        }
        return try RGBAImage(width: width, height: height, pixels: out)
    }
}
