// Decoding and resizing against fixtures/make_media_goldens.py (Pillow and cv2).
// Tolerances come from the manifest: 0 for PNG decodes and INTER_NEAREST; 1 per
// channel for JPEG (Pillow's bundled libjpeg-turbo vs Debian's may round IDCT output
// differently) and for INTER_LINEAR / INTER_AREA (OpenCV's SIMD and scalar paths
// round differently at row ends).
import Foundation
import XCTest
@testable import Media

struct GoldenCase: Decodable {
    var name: String
    var input: String
    var expected: String
    var width: Int
    var height: Int
    var tolerance: Int
    var how: String
}

enum Goldens {
    static var directory: URL {
        Bundle.module.resourceURL!.appendingPathComponent("Goldens")
    }

    static func cases() throws -> [GoldenCase] {
        struct Manifest: Decodable { var cases: [GoldenCase] }
        let data = try Data(contentsOf: directory.appendingPathComponent("manifest.json"))
        return try JSONDecoder().decode(Manifest.self, from: data).cases
    }

    static func image(_ name: String) throws -> Data {
        try Data(contentsOf: directory.appendingPathComponent("images").appendingPathComponent(name))
    }

    static func expected(_ c: GoldenCase) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(c.expected)))
    }
}

/// Largest per-channel difference, and how many bytes differ at all.
func difference(_ a: [UInt8], _ b: [UInt8]) -> (maximum: Int, count: Int) {
    var maximum = 0, count = 0
    for (x, y) in zip(a, b) where x != y {
        maximum = max(maximum, abs(Int(x) - Int(y)))
        count += 1
    }
    return (maximum, count)
}

final class GoldenTests: XCTestCase {
    func testDecodesMatchPillow() throws {
        let cases = try Goldens.cases().filter { !$0.name.hasPrefix("resize_") }
        XCTAssertEqual(cases.count, 21)
        for c in cases {
            let image = try ImageDecoder.decode(try Goldens.image(c.input))
            XCTAssertEqual(image.width, c.width, c.name)
            XCTAssertEqual(image.height, c.height, c.name)
            let expected = try Goldens.expected(c)
            XCTAssertEqual(image.pixels.count, expected.count, c.name)
            let diff = difference(image.pixels, expected)
            XCTAssertLessThanOrEqual(diff.maximum, c.tolerance, "\(c.name): \(diff.count) bytes differ")
            if c.tolerance > 0 { print("\(c.name): max diff \(diff.maximum), \(diff.count) bytes differ") }
        }
    }

    func testResizesMatchOpenCV() throws {
        let cases = try Goldens.cases().filter { $0.name.hasPrefix("resize_") }
        XCTAssertEqual(cases.count, 20)
        let source = try ImageDecoder.decode(try Goldens.image("resize_source.png"))
        for c in cases {
            let mode: Interpolation
            switch c.how {
            case "cv2.resize bilinear": mode = .bilinear
            case "cv2.resize area": mode = .area
            default: mode = .nearest
            }
            let out = try resize(source, width: c.width, height: c.height, interpolation: mode)
            let diff = difference(out.pixels, try Goldens.expected(c))
            XCTAssertLessThanOrEqual(diff.maximum, c.tolerance, "\(c.name): \(diff.count) bytes differ")
            print("\(c.name): max diff \(diff.maximum), \(diff.count) of \(out.pixels.count) bytes differ")
        }
    }
}
