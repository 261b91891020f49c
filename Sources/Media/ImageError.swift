// Errors for everything the Media room reads, writes or draws.
import Foundation

public enum ImageFormat: String, Sendable, Equatable {
    case png = "PNG"
    case jpeg = "JPEG"
}

public enum ImageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Neither a PNG nor a JPEG signature; carries the first bytes seen (hex).
    case unrecognizedFormat(leadingBytes: String)
    /// The library rejected the data: truncated, corrupt, or over the pixel limit.
    case malformed(ImageFormat, reason: String)
    /// Width or height not positive, or width*height*channels overflows.
    case invalidDimensions(width: Int, height: Int)
    /// The pixel buffer does not hold width*height*channels bytes.
    case pixelBufferSize(width: Int, height: Int, channels: Int, count: Int)
    case encodingFailed(ImageFormat, reason: String)
    /// An argument out of its range, named.
    case invalidArgument(name: String, reason: String)

    public var description: String {
        switch self {
        case let .unrecognizedFormat(bytes):
            return "unrecognized image format: expected a PNG or JPEG signature, found bytes [\(bytes)]"
        case let .malformed(format, reason):
            return "malformed \(format.rawValue) image: \(reason)"
        case let .invalidDimensions(width, height):
            return "invalid image size \(width)x\(height): both sides must be positive and the pixel count must fit in memory"
        case let .pixelBufferSize(width, height, channels, count):
            return "pixel buffer for a \(width)x\(height) image with \(channels) channels must hold \(width * height * channels) bytes, found \(count)"
        case let .encodingFailed(format, reason):
            return "\(format.rawValue) encoding failed: \(reason)"
        case let .invalidArgument(name, reason):
            return "invalid \(name): \(reason)"
        }
    }
}

/// width*height*channels without overflow, or an error naming the size.
func checkedByteCount(width: Int, height: Int, channels: Int) throws -> Int {
    guard width > 0, height > 0 else { throw ImageError.invalidDimensions(width: width, height: height) }
    let (area, o1) = width.multipliedReportingOverflow(by: height)
    let (bytes, o2) = area.multipliedReportingOverflow(by: channels)
    guard !o1, !o2 else { throw ImageError.invalidDimensions(width: width, height: height) }
    return bytes
}
