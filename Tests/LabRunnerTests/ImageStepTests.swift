// image.encode → image.show round trip, and their errors.
import Foundation
import Media
import XCTest
@testable import LabRunner

final class ImageStepTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("labbook-image-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var image = try RGBImage(width: 400, height: 200, fill: RGB(20, 120, 220))
        for x in 0..<200 { image.setPixel(x: x, y: 50, to: .white) }
        try PNGEncoder.encode(image).write(to: dir.appendingPathComponent("photo.png"))
        try Data("not an image".utf8).write(to: dir.appendingPathComponent("bad.png"))
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    private func run(_ yaml: String) async throws -> RunOutcome {
        let file = dir.appendingPathComponent("book.yaml")
        try Data(yaml.utf8).write(to: file)
        let engine = LabEngine()
        return try await engine.run([try engine.load(file)], overrides: [:],
                                    options: RunOptions(outputRoot: dir.appendingPathComponent("out")), progress: .silent)
    }

    func testEncodeShrinksAndShowWritesTheFigure() async throws {
        let outcome = try await run("""
        id: images
        title: {ko: 그림, en: Images}
        steps:
          - kind: image.encode
            id: photo
            file: photo.png
            max-side: 100
            expect:
              - {path: $.width, equals: 100}
              - {path: $.height, equals: 50}
          - kind: image.show
            id: shown
            base64: ${steps.photo.base64}
            caption: {ko: 사진, en: photo}
            expect:
              - {image: $.file, size: [100, 50]}
          - kind: image.show
            id: original
            file: photo.png
            caption: {ko: 원본, en: original}
            expect:
              - {image: $.file, size: [400, 200]}
        """)
        XCTAssertEqual(outcome.exitCode, 0, outcome.runs[0].records.compactMap(\.failure).joined(separator: "\n"))
        let png = try Data(contentsOf: dir.appendingPathComponent("out/images/shown-image.png"))
        let shown = try ImageDecoder.decode(png)
        XCTAssertEqual(shown.pixel(x: 50, y: 25).map { Int($0.b) } ?? 0, 220, accuracy: 12, "JPEG keeps the colour")
        let handout = try String(contentsOf: dir.appendingPathComponent("out/images/README.md"), encoding: .utf8)
        XCTAssertTrue(handout.contains("](shown-image.png)"))
    }

    func testBadImagesFailWithTheirPlace() async throws {
        let outcome = try await run("""
        id: bad-images
        title: {ko: 그림, en: Images}
        steps:
          - kind: image.show
            id: not-base64
            base64: "@@@"
            caption: x
          - kind: image.encode
            id: not-an-image
            always: true
            file: bad.png
        """)
        let failures = outcome.runs[0].records.compactMap(\.failure)
        XCTAssertEqual(failures.count, 2, "\(failures)")
        XCTAssertTrue(failures[0].contains("not base64"), failures[0])
        XCTAssertTrue(failures[1].contains("bad.png is not a decodable image"), failures[1])
    }

    func testShowNeedsExactlyOneSource() throws {
        let file = dir.appendingPathComponent("book.yaml")
        try Data("""
        id: two
        title: {ko: 둘, en: two}
        steps:
          - {kind: image.show, base64: "AAAA", file: photo.png, caption: x}
        """.utf8).write(to: file)
        XCTAssertThrowsError(try LabEngine().load(file)) { error in
            XCTAssertTrue("\(error)".contains("takes exactly one of base64 or file; found base64 and file"), "\(error)")
        }
    }
}
