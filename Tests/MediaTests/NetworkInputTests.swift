// blobFromImage and darknet's letterbox.
import Foundation
import XCTest
@testable import Media

final class NetworkInputTests: XCTestCase {
    func testBlobIsNCHWScaledAndOptionallyBGR() throws {
        let image = try RGBImage(width: 2, height: 1, pixels: [255, 0, 51, 0, 102, 255])
        let blob = try blobFromImage(image, size: (width: 2, height: 1))
        XCTAssertEqual(blob.shape, [1, 3, 1, 2])
        XCTAssertEqual(blob.values, [1, 0, 0, 0.4, 0.2, 1].map { Float($0) }, accuracy: 1e-6)
        let bgr = try blobFromImage(image, size: (width: 2, height: 1), swapRB: true)
        XCTAssertEqual(bgr.values, [0.2, 1, 0, 0.4, 1, 0].map { Float($0) }, accuracy: 1e-6)
    }

    func testBlobResizesBilinearly() throws {
        let image = try testPattern(width: 64, height: 48)
        let blob = try blobFromImage(image, size: (width: 32, height: 24), scale: 1)
        let resized = try resize(image, width: 32, height: 24)
        XCTAssertEqual(blob.values[0], Float(resized.pixels[0]))
        XCTAssertEqual(blob.values[32 * 24 + 5], Float(resized.pixels[5 * 3 + 1]))
    }

    func testLetterboxKeepsAspectAndPadsGrey() throws {
        let image = try RGBImage(width: 640, height: 480, fill: RGB(10, 20, 30))
        let box = try letterbox(image, width: 416, height: 416)
        XCTAssertEqual(box.contentWidth, 416)
        XCTAssertEqual(box.contentHeight, 312)
        XCTAssertEqual(box.contentX, 0)
        XCTAssertEqual(box.contentY, 52)
        XCTAssertEqual(box.image.pixel(x: 200, y: 10), RGB(128, 128, 128))
        XCTAssertEqual(box.image.pixel(x: 200, y: 200), RGB(10, 20, 30))
        let blob = box.blob()
        XCTAssertEqual(blob.shape, [1, 3, 416, 416])
        XCTAssertEqual(blob.values[10 * 416 + 200], 0.5)
        XCTAssertEqual(blob.values[200 * 416 + 200], 10 / 255, accuracy: 1e-6)
        let mapped = box.sourceBox(x1: 0, y1: 52, x2: 416, y2: 364)
        XCTAssertEqual(mapped.x2, 640, accuracy: 1e-9)
        XCTAssertEqual(mapped.y1, 0, accuracy: 1e-9)
        XCTAssertEqual(mapped.y2, 480, accuracy: 1e-9)
    }

    func testResizeRejectsBadSizes() throws {
        let image = try testPattern(width: 4, height: 4)
        XCTAssertThrowsError(try resize(image, width: 0, height: 4))
        XCTAssertThrowsError(try letterbox(image, width: -1, height: 4))
        XCTAssertEqual(try resize(image, width: 4, height: 4, interpolation: .area), image)
    }
}

func XCTAssertEqual(_ a: [Float], _ b: [Float], accuracy: Float, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, file: file, line: line) }
}
