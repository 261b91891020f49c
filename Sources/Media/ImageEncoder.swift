// PNG (libpng) and JPEG (libjpeg-turbo, baseline, 4:2:0) encoding.
import CMediaShims
import Foundation

public enum PNGEncoder {
    public static func encode(_ image: RGBImage) throws -> Data {
        let image = try image.validated()
        return try encode(pixels: image.pixels, width: image.width, height: image.height, channels: 3)
    }

    public static func encode(_ image: RGBAImage) throws -> Data {
        let count = try checkedByteCount(width: image.width, height: image.height, channels: 4)
        guard image.pixels.count == count else {
            throw ImageError.pixelBufferSize(width: image.width, height: image.height, channels: 4,
                                             count: image.pixels.count)
        }
        return try encode(pixels: image.pixels, width: image.width, height: image.height, channels: 4)
    }

    private static func encode(pixels: [UInt8], width: Int, height: Int, channels: Int) throws -> Data {
        guard width <= Int(Int32.max), height <= Int(Int32.max) else {
            throw ImageError.invalidDimensions(width: width, height: height)
        }
        return try runEncoder(.png) { out, message in
            media_shim_png_encode(pixels, Int32(width), Int32(height), Int32(channels), out, message)
        }
    }
}

public enum JPEGEncoder {
    /// `quality` 1...100 (libjpeg's scale; 75 is its default, 95 near-lossless).
    public static func encode(_ image: RGBImage, quality: Int = 90) throws -> Data {
        let image = try image.validated()
        guard (1...100).contains(quality) else {
            throw ImageError.invalidArgument(name: "quality", reason: "\(quality) is outside 1...100")
        }
        guard image.width <= 65500, image.height <= 65500 else {
            throw ImageError.invalidDimensions(width: image.width, height: image.height)
        }
        return try runEncoder(.jpeg) { out, message in
            media_shim_jpeg_encode(image.pixels, Int32(image.width), Int32(image.height), Int32(quality), out, message)
        }
    }
}

private func runEncoder(_ format: ImageFormat,
                        _ body: (UnsafeMutablePointer<media_shim_buffer>, UnsafeMutablePointer<CChar>) -> Int32)
    throws -> Data {
    var buffer = media_shim_buffer()
    var message = [CChar](repeating: 0, count: Int(MEDIA_SHIM_MESSAGE_SIZE))
    let status = message.withUnsafeMutableBufferPointer { text -> Int32 in
        guard let base = text.baseAddress else { return -1 }
        return body(&buffer, base)
    }
    defer { media_shim_free(buffer.bytes) }
    guard status == 0, let bytes = buffer.bytes else {
        throw ImageError.encodingFailed(format, reason: messageText(message))
    }
    return Data(bytes: bytes, count: buffer.count)
}
