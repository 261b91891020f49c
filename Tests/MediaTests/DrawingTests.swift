// Canvas drawing checked by pixels. Set MEDIA_ARTIFACTS=/some/dir to also write the
// pictures for a person to look at.
import Foundation
import XCTest
@testable import Media

func saveArtifact(_ image: RGBImage, _ name: String) throws {
    guard let dir = ProcessInfo.processInfo.environment["MEDIA_ARTIFACTS"] else { return }
    try PNGEncoder.encode(image).write(to: URL(fileURLWithPath: dir).appendingPathComponent(name))
}

func saveArtifact(_ data: Data, _ name: String) throws {
    guard let dir = ProcessInfo.processInfo.environment["MEDIA_ARTIFACTS"] else { return }
    try data.write(to: URL(fileURLWithPath: dir).appendingPathComponent(name))
}

final class DrawingTests: XCTestCase {
    func testSolidRectangleCoversItsEdgeAndLeavesTheInsideAlone() throws {
        let canvas = try Canvas(width: 40, height: 30, background: .white)
        // A 2-pixel stroke centred on x = 10 covers columns 9 and 10 exactly.
        canvas.strokeRectangle(Rect(x: 10, y: 5, width: 20, height: 15), color: RGB(255, 0, 0), lineWidth: 2)
        let image = try canvas.image()
        XCTAssertEqual(image.pixel(x: 9, y: 12), RGB(255, 0, 0))
        XCTAssertEqual(image.pixel(x: 10, y: 12), RGB(255, 0, 0))
        XCTAssertEqual(image.pixel(x: 11, y: 12), .white)
        XCTAssertEqual(image.pixel(x: 20, y: 12), .white)
        XCTAssertEqual(image.pixel(x: 5, y: 12), .white)
    }

    func testDashedRectangleHasGaps() throws {
        let canvas = try Canvas(width: 80, height: 40, background: .white)
        canvas.strokeRectangle(Rect(x: 10, y: 10, width: 60, height: 20), color: RGB(0, 0, 255), lineWidth: 2,
                               dash: [6, 4])
        let image = try canvas.image()
        // Along the top edge (row 10, covered by the stroke y 9...11) count ink and gaps.
        var ink = 0, gaps = 0
        for x in 12..<68 {
            if image.pixel(x: x, y: 10) == .white { gaps += 1 } else { ink += 1 }
        }
        XCTAssertGreaterThan(ink, 25)
        XCTAssertGreaterThan(gaps, 15)
        let solid = try Canvas(width: 80, height: 40, background: .white)
        solid.strokeRectangle(Rect(x: 10, y: 10, width: 60, height: 20), color: RGB(0, 0, 255), lineWidth: 2)
        let full = try solid.image()
        XCTAssertTrue((12..<68).allSatisfy { full.pixel(x: $0, y: 10) != .white })
        try saveArtifact(image, "dashed.png")
    }

    func testMaskBlendAtAlphaPointThree() throws {
        let base = try RGBImage(width: 8, height: 6, fill: RGB(100, 200, 50))
        let canvas = try Canvas(image: base)
        var values = [Float](repeating: 0.2, count: 48)
        for i in 0..<24 { values[i] = 0.9 }  // top three rows over the threshold
        try canvas.blendMask(Mask(width: 8, height: 6, values: values), color: RGB(255, 0, 0), alpha: 0.3)
        let image = try canvas.image()
        // 0.7 * (100, 200, 50) + 0.3 * (255, 0, 0) = (146.5, 140, 35); tolerance 2.
        let p = try XCTUnwrap(image.pixel(x: 3, y: 1))
        XCTAssertLessThanOrEqual(abs(Int(p.r) - 147), 2)
        XCTAssertLessThanOrEqual(abs(Int(p.g) - 140), 2)
        XCTAssertLessThanOrEqual(abs(Int(p.b) - 35), 2)
        XCTAssertEqual(image.pixel(x: 3, y: 4), RGB(100, 200, 50))
        XCTAssertThrowsError(try canvas.blendMask(Mask(width: 4, height: 4, values: [Float](repeating: 1, count: 16)),
                                                  color: .black))
    }

    func testContourOfASquareMask() throws {
        var values = [Float](repeating: 0, count: 100)
        for y in 3...6 { for x in 2...7 { values[y * 10 + x] = 1 } }
        let contours = Contours.find(in: try Mask(width: 10, height: 10, values: values))
        XCTAssertEqual(contours.count, 1)
        let xs = contours[0].map(\.x), ys = contours[0].map(\.y)
        // Level 0.5 lies halfway between the last inside and first outside pixel centres.
        XCTAssertEqual(xs.min(), 1.5)
        XCTAssertEqual(xs.max(), 7.5)
        XCTAssertEqual(ys.min(), 2.5)
        XCTAssertEqual(ys.max(), 6.5)
    }

    func testContoursOfTwoBlobsAndAHole() throws {
        var values = [Float](repeating: 0, count: 20 * 12)
        for y in 1...10 { for x in 1...8 { values[y * 20 + x] = 1 } }
        for y in 4...6 { for x in 4...5 { values[y * 20 + x] = 0 } }  // hole
        for y in 2...4 { for x in 14...17 { values[y * 20 + x] = 0.8 } }
        let contours = Contours.find(in: try Mask(width: 20, height: 12, values: values))
        XCTAssertEqual(contours.count, 3)
    }

    func testDistinctColorsAreDeterministicAndDistinct() {
        let a = DistinctColors.palette(count: 12, seed: 7)
        XCTAssertEqual(a, DistinctColors.palette(count: 12, seed: 7))
        XCTAssertEqual(Set(a).count, 12)
        XCTAssertNotEqual(a, DistinctColors.palette(count: 12, seed: 8))
        XCTAssertEqual(DistinctColors.hsv(hue: 0, saturation: 1, value: 1), RGB(255, 0, 0))
        XCTAssertEqual(DistinctColors.hsv(hue: 1.0 / 3, saturation: 1, value: 1), RGB(0, 255, 0))
        XCTAssertTrue(DistinctColors.palette(count: 0).isEmpty)
    }

    func testHangulCaptionInksItsTag() throws {
        let canvas = try Canvas(width: 200, height: 80, background: .white)
        let box = Rect(x: 20, y: 40, width: 150, height: 35)
        canvas.strokeRectangle(box, color: RGB(0, 160, 0), lineWidth: 2, dash: [6, 3])
        let tag = try canvas.drawCaption("고양이 0.97", x: box.x, y: box.y, background: RGB(0, 160, 0))
        XCTAssertGreaterThan(tag.width, 60)
        XCTAssertLessThanOrEqual(tag.y + tag.height, 40.5)
        let image = try canvas.image()
        // Text pixels are light on the green tag: count them.
        var light = 0
        for y in Int(tag.y)..<Int(tag.y + tag.height) {
            for x in Int(tag.x)..<Int(tag.x + tag.width) {
                if let p = image.pixel(x: x, y: y), p.r > 150 { light += 1 }
            }
        }
        XCTAssertGreaterThan(light, 40, "caption text left no light pixels on its tag")
        try saveArtifact(image, "caption.png")
    }

    func testDetectionVisualisationLooksRight() throws {
        // Everything the async lab's visualiser draws, on one picture.
        var base = try RGBImage(width: 240, height: 160, fill: RGB(90, 110, 130))
        for y in 0..<160 { for x in 0..<240 { base.setPixel(x: x, y: y, to: RGB(UInt8(x), UInt8(y), 140)) } }
        let canvas = try Canvas(image: base)
        var values = [Float](repeating: 0, count: 240 * 160)
        for y in 0..<160 { for x in 0..<240 {
            let dx = Double(x - 120) / 60, dy = Double(y - 90) / 40
            values[y * 240 + x] = Float(max(0, 1 - (dx * dx + dy * dy)))
        } }
        let mask = try Mask(width: 240, height: 160, values: values)
        let color = DistinctColors.palette(count: 5, seed: 1)[0]
        try canvas.blendMask(mask, color: color, alpha: 0.3)
        canvas.strokeContours(of: mask, color: color, lineWidth: 1.5)
        canvas.strokeRectangle(Rect(x1: 60, y1: 50, x2: 180, y2: 130), color: color, lineWidth: 2, dash: [6, 4])
        try canvas.drawCaption("사람 person 0.91", x: 60, y: 50, background: color)
        try saveArtifact(try canvas.image(), "detection.png")
    }
}

extension DrawingTests {
    func testBadGeometryNeitherCrashesNorBreaksTheCanvas() throws {
        let canvas = try Canvas(width: 30, height: 20, background: .white)
        canvas.strokeRectangle(Rect(x: .nan, y: 0, width: 5, height: 5), color: .black)
        canvas.strokeRectangle(Rect(x: 2, y: 2, width: 5, height: 5), color: .black, dash: [0, 0])
        canvas.strokePolygon([Point(x: 0, y: 0), Point(x: .infinity, y: 3)], color: .black)
        XCTAssertThrowsError(try canvas.drawText("x", x: .nan, y: 3, size: 12, color: .black))
        XCTAssertThrowsError(try canvas.drawText("x", x: 1, y: 3, size: 0, color: .black))
        // Still drawing after all that.
        canvas.fillRectangle(Rect(x: 20, y: 10, width: 5, height: 5), color: RGB(0, 0, 255))
        XCTAssertEqual(try canvas.image().pixel(x: 22, y: 12), RGB(0, 0, 255))
        XCTAssertEqual(try canvas.image().pixel(x: 2, y: 4), .black)
    }
}
