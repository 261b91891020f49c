// InstanceFigure: masks blended at 0.3, outlines, dashed boxes and tags, only above the
// threshold. Set MEDIA_ARTIFACTS=/some/dir to also write the figures to look at.
import Foundation
import Models
import XCTest
@testable import Media

/// A mask of probabilities, 1 inside the ellipse and 0 outside.
func ellipseMask(width: Int, height: Int, cx: Double, cy: Double, rx: Double, ry: Double) throws -> Mask {
    var values = [Float](repeating: 0, count: width * height)
    for y in 0..<height {
        for x in 0..<width {
            let dx = (Double(x) - cx) / rx, dy = (Double(y) - cy) / ry
            if dx * dx + dy * dy <= 1 { values[y * width + x] = 1 }
        }
    }
    return try Mask(width: width, height: height, values: values)
}

final class InstanceFigureTests: XCTestCase {
    func testDrawsOnlyInstancesAboveTheThreshold() throws {
        let image = try RGBImage(width: 200, height: 120, fill: RGB(100, 100, 100))
        let cat = try ellipseMask(width: 200, height: 120, cx: 60, cy: 70, rx: 30, ry: 25)
        let hidden = try ellipseMask(width: 200, height: 120, cx: 150, cy: 70, rx: 25, ry: 25)
        let figure = try InstanceFigure.draw([
            .init(x1: 30, y1: 45, x2: 90, y2: 95, label: "cat", score: 0.93, mask: cat),
            .init(x1: 125, y1: 45, x2: 175, y2: 95, label: "dog", score: 0.5, mask: hidden),
        ], on: image)
        try saveArtifact(figure, "instances-threshold.png")

        // The one kept instance takes the palette's only colour, the hue-0 red.
        let red = DistinctColors.palette(count: 1)[0]
        XCTAssertEqual(red, RGB(255, 0, 0))
        // Inside the mask, away from outline and box: 0.7 * 100 + 0.3 * colour.
        XCTAssertEqual(figure.pixel(x: 60, y: 75), RGB(147, 70, 70))
        // Score 0.5 is not above 0.5: nothing of the dog is drawn.
        for (x, y) in [(150, 70), (125, 70), (150, 45), (126, 46)] {
            XCTAssertEqual(figure.pixel(x: x, y: y), RGB(100, 100, 100), "(\(x), \(y))")
        }
        // The dashed box: some of the left edge inked red at alpha 0.7, some gaps.
        let edge = (50..<95).compactMap { figure.pixel(x: 30, y: $0) }
        XCTAssertTrue(edge.contains { $0.r > 200 && $0.g < 60 }, "\(edge)")
        XCTAssertTrue(edge.contains { $0 == RGB(100, 100, 100) }, "dashes leave gaps")
        // The tag sits on the box's top-left corner, above it: solid red.
        XCTAssertEqual(figure.pixel(x: 33, y: 40), red)
    }

    func testEveryInstanceHasItsOwnColour() throws {
        let image = try RGBImage(width: 300, height: 100, fill: .white)
        let instances = (0..<3).map { (i: Int) -> InstanceFigure.Instance in
            let left = Double(20 + 100 * i)
            return InstanceFigure.Instance(x1: left, y1: 30, x2: left + 60, y2: 90, label: "box", score: 0.9)
        }
        let figure = try InstanceFigure.draw(instances, on: image)
        let tags = (0..<3).compactMap { figure.pixel(x: 22 + 100 * $0, y: 25) }
        XCTAssertEqual(Set(tags).count, 3, "\(tags)")
        XCTAssertEqual(Set(tags), Set(DistinctColors.palette(count: 3)))
    }

    func testBadInstancesThrow() throws {
        let image = try RGBImage(width: 40, height: 30)
        let small = try Mask(width: 10, height: 10, values: [Float](repeating: 1, count: 100))
        XCTAssertThrowsError(try InstanceFigure.draw([.init(x1: 0, y1: 0, x2: 5, y2: 5, label: "a", score: 1, mask: small)], on: image))
        XCTAssertThrowsError(try InstanceFigure.draw([.init(x1: .nan, y1: 0, x2: 5, y2: 5, label: "a", score: 1)], on: image)) {
            XCTAssertTrue("\($0)".contains("instance 0 (a)"), "\($0)")
        }
        // Below the threshold, even a broken box is simply left out.
        XCTAssertEqual(try InstanceFigure.draw([.init(x1: .nan, y1: 0, x2: 5, y2: 5, label: "a", score: 0.1)], on: image), image)
    }

    /// The seed's figure on a real photo, for a person to look at (MEDIA_ARTIFACTS).
    func testFigureOnAPhoto() throws {
        let photo = try ImageDecoder.decode(Data(contentsOf: DarknetAssets.photo("chelsea.png")))
        let (w, h) = (photo.width, photo.height)
        let instances: [InstanceFigure.Instance] = [
            .init(x1: 70, y1: 10, x2: 330, y2: 290, label: "cat", score: 0.987,
                  mask: try ellipseMask(width: w, height: h, cx: 200, cy: 150, rx: 125, ry: 135)),
            .init(x1: 330, y1: 150, x2: 440, y2: 290, label: "teddy bear", score: 0.611,
                  mask: try ellipseMask(width: w, height: h, cx: 385, cy: 220, rx: 50, ry: 65)),
            .init(x1: 10, y1: 200, x2: 60, y2: 290, label: "dog", score: 0.2),
        ]
        let figure = try InstanceFigure.draw(instances, on: photo)
        XCTAssertEqual([figure.width, figure.height], [w, h])
        XCTAssertNotEqual(figure, photo)
        try saveArtifact(figure, "instances-chelsea.png")
    }
}
