// Encoding round trips, EXIF parsing, and bad input of every kind ending in a typed
// error rather than a crash or libjpeg's exit().
import Foundation
import XCTest
@testable import Media

func testPattern(width: Int, height: Int) throws -> RGBImage {
    var pixels = [UInt8](repeating: 0, count: width * height * 3)
    for y in 0..<height {
        for x in 0..<width {
            let i = (y * width + x) * 3
            pixels[i] = UInt8((x * 255) / max(width - 1, 1))
            pixels[i + 1] = UInt8((y * 255) / max(height - 1, 1))
            pixels[i + 2] = UInt8((x + y) % 2 == 0 ? 40 : 200)
        }
    }
    return try RGBImage(width: width, height: height, pixels: pixels)
}

final class CodecTests: XCTestCase {
    func testPNGRoundTripIsExact() throws {
        let image = try testPattern(width: 33, height: 21)
        let data = try PNGEncoder.encode(image)
        XCTAssertEqual(ImageDecoder.format(of: data), .png)
        XCTAssertEqual(try ImageDecoder.decode(data), image)
    }

    func testRGBAPNGRoundTripKeepsAlpha() throws {
        var pixels = [UInt8]()
        for i in 0..<(5 * 4) { pixels += [UInt8(i * 10), 100, 200, UInt8(i * 13)] }
        let image = try RGBAImage(width: 5, height: 4, pixels: pixels)
        let data = try PNGEncoder.encode(image)
        XCTAssertEqual(try ImageDecoder.decodeRGBA(data), image)
        // Composited over white: a fully transparent pixel is white, an opaque one unchanged.
        let rgb = try ImageDecoder.decode(data)
        XCTAssertEqual(rgb.pixel(x: 0, y: 0), .white)
        XCTAssertEqual(try image.droppingAlpha().pixel(x: 0, y: 0), RGB(0, 100, 200))
    }

    func testJPEGRoundTripIsClose() throws {
        // Smooth content so quality 95 stays within a few levels (tolerance 12 per
        // channel at the worst pixel, mean under 2).
        var image = try RGBImage(width: 48, height: 32)
        for y in 0..<32 { for x in 0..<48 { image.setPixel(x: x, y: y, to: RGB(UInt8(x * 5), UInt8(y * 7), 128)) } }
        let data = try JPEGEncoder.encode(image, quality: 95)
        XCTAssertEqual(ImageDecoder.format(of: data), .jpeg)
        let back = try ImageDecoder.decode(data)
        XCTAssertEqual(back.width, 48)
        XCTAssertEqual(back.height, 32)
        let diffs = zip(back.pixels, image.pixels).map { abs(Int($0) - Int($1)) }
        XCTAssertLessThanOrEqual(diffs.max() ?? 0, 12)
        XCTAssertLessThan(Double(diffs.reduce(0, +)) / Double(diffs.count), 2)
        XCTAssertThrowsError(try JPEGEncoder.encode(image, quality: 0))
    }

    func testExifOrientationIsRead() throws {
        for n in 2...8 {
            let data = try Goldens.image("orientation\(n).jpg")
            XCTAssertEqual(ExifOrientation.read(fromJPEG: data).rawValue, n)
        }
        XCTAssertEqual(ExifOrientation.read(fromJPEG: try Goldens.image("rgb.jpg")), .up)
        XCTAssertEqual(ExifOrientation.read(fromJPEG: Data([0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF])), .up)
    }

    func testInvalidImagesAreRejectedByInit() {
        XCTAssertThrowsError(try RGBImage(width: 2, height: 2, pixels: [1, 2, 3]))
        XCTAssertThrowsError(try RGBImage(width: 0, height: 2, pixels: []))
        XCTAssertThrowsError(try RGBImage(width: Int.max, height: 2, pixels: []))
        var image = try? RGBImage(width: 2, height: 2)
        image?.pixels.removeLast()
        if let image { XCTAssertThrowsError(try PNGEncoder.encode(image)) }
        XCTAssertNil(image?.pixel(x: 5, y: 0))
    }

    func testUnknownAndEmptyDataAreNamed() {
        XCTAssertThrowsError(try ImageDecoder.decode(Data())) { error in
            XCTAssertEqual(error as? ImageError, .unrecognizedFormat(leadingBytes: ""))
        }
        XCTAssertThrowsError(try ImageDecoder.decode(Data("GIF89a".utf8))) { error in
            XCTAssertTrue("\(error)".contains("47 49 46 38 39 61"), "\(error)")
        }
    }

    func testTruncatedPNGsAndJPEGsFailWithTypedErrors() throws {
        for name in ["rgb8.png", "interlaced.png", "palette.png", "rgb16.png", "rgb.jpg", "orientation6.jpg"] {
            let data = try Goldens.image(name)
            let format = ImageDecoder.format(of: data)
            var offsets = Array(stride(from: 0, to: data.count, by: max(1, data.count / 60)))
            offsets += [data.count - 1, data.count - 2, data.count - 12]
            for offset in offsets where offset >= 0 && offset < data.count {
                XCTAssertThrowsError(try ImageDecoder.decode(data.prefix(offset)), "\(name) cut at \(offset)") { error in
                    guard let error = error as? ImageError else { return XCTFail("untyped error \(error)") }
                    switch error {
                    case .malformed(let f, _): XCTAssertEqual(f, format)
                    case .unrecognizedFormat: XCTAssertLessThan(offset, 8)
                    default: XCTFail("\(name) cut at \(offset): \(error)")
                    }
                }
            }
        }
    }

    func testRandomAndCorruptedBytesNeverCrash() throws {
        var generator = SplitMix64(state: 42)
        let png = try Goldens.image("rgb8.png"), jpeg = try Goldens.image("rgb.jpg")
        for trial in 0..<150 {
            let base = trial % 2 == 0 ? png : jpeg
            var bytes = [UInt8](base)
            // Flip a few bytes after the signature.
            for _ in 0..<(1 + trial % 5) {
                let at = 8 + Int(generator.next() % UInt64(bytes.count - 8))
                bytes[at] = UInt8(truncatingIfNeeded: generator.next())
            }
            _ = try? ImageDecoder.decode(Data(bytes))
            // Pure noise behind a valid signature.
            let noise = (0..<(64 + trial * 3)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            XCTAssertThrowsError(try ImageDecoder.decode(Data(base.prefix(8) + noise)))
        }
    }

    func testForgedHugeDimensionsAreRefusedBeforeAllocating() throws {
        // A PNG header claiming 100000 x 100000 pixels with a valid CRC.
        var png = [UInt8](try PNGEncoder.encode(try RGBImage(width: 1, height: 1)))
        let ihdr = 8 + 8
        for (offset, value) in [(0, 100_000), (4, 100_000)] {
            for k in 0..<4 { png[ihdr + offset + k] = UInt8(truncatingIfNeeded: value >> (24 - 8 * k)) }
        }
        let crc = crc32(png[(ihdr - 4)..<(ihdr + 13)])
        for k in 0..<4 { png[ihdr + 13 + k] = UInt8(truncatingIfNeeded: crc >> (24 - 8 * UInt32(k))) }
        XCTAssertThrowsError(try ImageDecoder.decode(Data(png))) { error in
            XCTAssertTrue("\(error)".contains("limit"), "\(error)")
        }
    }
}

/// CRC-32 as PNG chunks use it.
func crc32<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
}

extension CodecTests {
    /// A big-endian ("MM") EXIF block with orientation 6 spliced in after SOI.
    func testBigEndianExifRotatesClockwise() throws {
        let image = try testPattern(width: 16, height: 8)
        var jpeg = [UInt8](try JPEGEncoder.encode(image, quality: 95))
        let tiff: [UInt8] = [0x4D, 0x4D, 0, 42, 0, 0, 0, 8,  // header, IFD0 at 8
                             0, 1,  // one entry
                             0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0,  // orientation SHORT 6
                             0, 0, 0, 0]  // no next IFD
        let body: [UInt8] = Array("Exif".utf8) + [0, 0] + tiff
        let length = body.count + 2
        jpeg.insert(contentsOf: [0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + body, at: 2)
        XCTAssertEqual(ExifOrientation.read(fromJPEG: Data(jpeg)), .right)
        let upright = try ImageDecoder.decode(Data(jpeg))
        XCTAssertEqual(upright.width, 8)
        XCTAssertEqual(upright.height, 16)
        // Rotating clockwise puts the stored top-left pixel at the top-right.
        let stored = try ImageDecoder.decode(try JPEGEncoder.encode(image, quality: 95))
        let a = try XCTUnwrap(stored.pixel(x: 0, y: 0)), b = try XCTUnwrap(upright.pixel(x: 7, y: 0))
        XCTAssertLessThanOrEqual(abs(Int(a.r) - Int(b.r)) + abs(Int(a.g) - Int(b.g)), 4)
    }
}
