// EXIF orientation (TIFF tag 0x0112) from a JPEG's APP1 segment, and the transform
// that turns the stored pixels upright, as Pillow's ImageOps.exif_transpose does.
// A missing or malformed EXIF block means "as stored": cameras write broken EXIF
// often enough that refusing the whole image would be worse.
import Foundation

public enum ExifOrientation: Int, Sendable, Equatable {
    case up = 1, upMirrored, down, downMirrored, leftMirrored, right, rightMirrored, left

    /// The orientation recorded in a JPEG, `.up` when there is none.
    public static func read(fromJPEG data: Data) -> ExifOrientation {
        let bytes = [UInt8](data)
        guard let tiff = exifPayload(in: bytes), let value = orientationTag(inTIFF: tiff) else { return .up }
        return ExifOrientation(rawValue: value) ?? .up
    }

    /// Walks marker segments from SOI up to the first SOS, returning the TIFF block of
    /// the first APP1 segment that starts with "Exif\0\0".
    private static func exifPayload(in bytes: [UInt8]) -> ArraySlice<UInt8>? {
        var i = 2
        while i + 4 <= bytes.count {
            guard bytes[i] == 0xFF else { return nil }
            let marker = bytes[i + 1]
            if marker == 0xFF { i += 1; continue }
            if marker == 0xDA || marker == 0xD9 { return nil }
            let length = Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
            guard length >= 2, i + 2 + length <= bytes.count else { return nil }
            let body = bytes[(i + 4)..<(i + 2 + length)]
            if marker == 0xE1, body.starts(with: [0x45, 0x78, 0x69, 0x66, 0, 0]) {
                return body.dropFirst(6)
            }
            i += 2 + length
        }
        return nil
    }

    private static func orientationTag(inTIFF tiff: ArraySlice<UInt8>) -> Int? {
        let t = Array(tiff)
        guard t.count >= 8 else { return nil }
        let little: Bool
        switch (t[0], t[1]) {
        case (0x49, 0x49): little = true
        case (0x4D, 0x4D): little = false
        default: return nil
        }
        func u16(_ at: Int) -> Int? {
            guard at >= 0, at + 2 <= t.count else { return nil }
            return little ? Int(t[at]) | Int(t[at + 1]) << 8 : Int(t[at]) << 8 | Int(t[at + 1])
        }
        func u32(_ at: Int) -> Int? {
            guard let a = u16(at), let b = u16(at + 2) else { return nil }
            return little ? a | b << 16 : a << 16 | b
        }
        guard u16(2) == 42, let ifd = u32(4), let entries = u16(ifd) else { return nil }
        for n in 0..<entries {
            let entry = ifd + 2 + n * 12
            guard let tag = u16(entry), let type = u16(entry + 2) else { return nil }
            if tag == 0x0112 && type == 3 { return u16(entry + 8) }
        }
        return nil
    }

    /// The upright picture: rotated and/or mirrored as the tag says.
    public func apply(to image: RGBImage) throws -> RGBImage {
        let image = try image.validated()
        if self == .up { return image }
        let w = image.width, h = image.height
        let swaps = rawValue >= 5
        let outW = swaps ? h : w, outH = swaps ? w : h
        var out = [UInt8](repeating: 0, count: image.pixels.count)
        for y in 0..<outH {
            for x in 0..<outW {
                let (sx, sy) = source(x: x, y: y, width: w, height: h)
                let s = (sy * w + sx) * 3, d = (y * outW + x) * 3
                out[d] = image.pixels[s]
                out[d + 1] = image.pixels[s + 1]
                out[d + 2] = image.pixels[s + 2]
            }
        }
        return try RGBImage(width: outW, height: outH, pixels: out)
    }

    /// For an output pixel, the stored pixel it comes from.
    private func source(x: Int, y: Int, width w: Int, height h: Int) -> (Int, Int) {
        switch self {
        case .up: return (x, y)
        case .upMirrored: return (w - 1 - x, y)
        case .down: return (w - 1 - x, h - 1 - y)
        case .downMirrored: return (x, h - 1 - y)
        case .leftMirrored: return (y, x)
        case .right: return (y, h - 1 - x)
        case .rightMirrored: return (w - 1 - y, h - 1 - x)
        case .left: return (w - 1 - y, x)
        }
    }
}
