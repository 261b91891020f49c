// PNG and JPEG decoding through libpng and libjpeg-turbo (C shims in CMediaShims
// catch the libraries' longjmp errors). Every input becomes 8-bit RGB or RGBA:
// grey is replicated, palettes and tRNS expand, 16-bit keeps the high byte, interlaced
// PNGs are de-interlaced, and a JPEG's EXIF orientation is applied.
import CMediaShims
import Foundation

public enum ImageDecoder {
    /// Upper bound on width*height checked before any pixel buffer is allocated, so a
    /// forged header cannot ask for gigabytes.
    public static let defaultMaxPixelCount = 64_000_000

    /// The format named by the data's signature, or nil.
    public static func format(of data: Data) -> ImageFormat? {
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        if data.count >= 8, data.prefix(8).elementsEqual(png) { return .png }
        if data.count >= 3, data.prefix(3).elementsEqual([0xFF, 0xD8, 0xFF]) { return .jpeg }
        return nil
    }

    /// Decodes to RGB. Transparent pixels are composited over white (a transparent
    /// PNG shows as it would on a white page), never left with their hidden colour.
    public static func decode(_ data: Data, maxPixelCount: Int = defaultMaxPixelCount) throws -> RGBImage {
        if format(of: data) == .jpeg { return try decodeJPEG(data, maxPixelCount: maxPixelCount) }
        return try decodeRGBA(data, maxPixelCount: maxPixelCount).composited(over: .white)
    }

    /// Decodes keeping alpha (straight, not premultiplied); JPEGs come back opaque.
    public static func decodeRGBA(_ data: Data, maxPixelCount: Int = defaultMaxPixelCount) throws -> RGBAImage {
        switch format(of: data) {
        case .png?:
            return try decodePNG(data, maxPixelCount: maxPixelCount)
        case .jpeg?:
            let image = try decodeJPEG(data, maxPixelCount: maxPixelCount)
            return try image.withOpaqueAlpha()
        case nil:
            let hex = data.prefix(8).map { String(format: "%02x", $0) }.joined(separator: " ")
            throw ImageError.unrecognizedFormat(leadingBytes: hex)
        }
    }

    static func decodePNG(_ data: Data, maxPixelCount: Int) throws -> RGBAImage {
        let (pixels, width, height) = try runDecoder(data, format: .png, maxPixelCount: maxPixelCount,
                                                     channels: 4, decoder: media_shim_png_decode)
        return try RGBAImage(width: width, height: height, pixels: pixels)
    }

    static func decodeJPEG(_ data: Data, maxPixelCount: Int) throws -> RGBImage {
        let (pixels, width, height) = try runDecoder(data, format: .jpeg, maxPixelCount: maxPixelCount,
                                                     channels: 3, decoder: media_shim_jpeg_decode)
        let decoded = try RGBImage(width: width, height: height, pixels: pixels)
        let orientation = ExifOrientation.read(fromJPEG: data)
        return try orientation.apply(to: decoded)
    }

    private typealias ShimDecoder = (UnsafePointer<UInt8>?, Int, UInt64, UnsafeMutablePointer<media_shim_image>?,
                                     UnsafeMutablePointer<CChar>?) -> Int32

    private static func runDecoder(_ data: Data, format: ImageFormat, maxPixelCount: Int, channels: Int,
                                   decoder: ShimDecoder) throws -> (pixels: [UInt8], width: Int, height: Int) {
        guard !data.isEmpty else { throw ImageError.malformed(format, reason: "no data") }
        var image = media_shim_image()
        var message = [CChar](repeating: 0, count: Int(MEDIA_SHIM_MESSAGE_SIZE))
        let status = data.withUnsafeBytes { raw in
            decoder(raw.bindMemory(to: UInt8.self).baseAddress, raw.count, UInt64(max(0, maxPixelCount)),
                    &image, &message)
        }
        defer { media_shim_free(image.pixels) }
        guard status == 0, let base = image.pixels else {
            throw ImageError.malformed(format, reason: messageText(message))
        }
        guard image.channels == Int32(channels) else {
            throw ImageError.malformed(format, reason: "decoder returned \(image.channels) channels, expected \(channels)")
        }
        let width = Int(image.width), height = Int(image.height)
        let count = try checkedByteCount(width: width, height: height, channels: channels)
        return (Array(UnsafeBufferPointer(start: base, count: count)), width, height)
    }
}

func messageText(_ message: [CChar]) -> String {
    let bytes = message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
    let text = String(decoding: bytes, as: UTF8.self)
    return text.isEmpty ? "unknown error" : text
}
