// The `maskrcnn` handler: the seed's reply shape (one object per frame, masks H × W × N
// squeezed as numpy squeezes), every 30th frame of a video, an image as one frame, and bad
// bodies answered with 4xx HandlerErrors, never a crash.
import Foundation
import Media
import Serving
import XCTest
@testable import Models

final class MaskRCNNHandlerTests: XCTestCase {
    private static let handler = Result { try MaskRCNNHandler(directory: TinyModels.fixture("models/maskrcnn-tiny")) }

    private func tinyVideo() throws -> Data {
        try Data(contentsOf: TinyModels.fixture("..").appendingPathComponent("Tests/MediaTests/Goldens/video/tiny.mp4"))
    }

    private func reply(_ body: Data, _ type: String) throws -> [[String: Any]] {
        let response = try Self.handler.get().invoke(body: body, contentType: type, accept: "application/json")
        XCTAssertEqual(response.contentType, "application/json")
        return try XCTUnwrap(JSONSerialization.jsonObject(with: response.body) as? [[String: Any]])
    }

    /// Each frame object has boxes [N][4], labels [N], scores [N] and masks 256 × 256 × N.
    private func assertSeedShape(_ frame: [String: Any], file: StaticString = #filePath, line: UInt = #line) throws {
        let labels = try XCTUnwrap(frame["labels"] as? [Int], file: file, line: line)
        let boxes = try XCTUnwrap(frame["boxes"] as? [[Double]], file: file, line: line)
        let scores = try XCTUnwrap(frame["scores"] as? [Double], file: file, line: line)
        XCTAssertEqual(Set([labels.count, boxes.count, scores.count]).count, 1, file: file, line: line)
        XCTAssertTrue(boxes.allSatisfy { $0.count == 4 && $0[0] <= $0[2] && $0[1] <= $0[3] }, file: file, line: line)
        XCTAssertEqual(scores, scores.sorted(by: >), "scores best first", file: file, line: line)
        let masks = try XCTUnwrap(frame["masks"] as? [[Any]], file: file, line: line)
        XCTAssertEqual(masks.count, 256, file: file, line: line)
        XCTAssertEqual(masks[0].count, 256, file: file, line: line)
        if labels.count == 1 {
            XCTAssertNotNil(masks[0][0] as? Double, "N = 1 squeezes to H × W", file: file, line: line)
        } else {
            XCTAssertEqual((masks[0][0] as? [Any])?.count, labels.count, "H × W × N", file: file, line: line)
        }
    }

    func testVideoGivesEveryThirtiethFrame() throws {
        let video = try tinyVideo()
        let reader = try VideoReader(data: video)
        var decoded = 0
        while try reader.nextFrame() != nil { decoded += 1 }
        let frames = try reply(video, "video/mp4")
        XCTAssertEqual(frames.count, (decoded + 29) / 30, "frames 0, 30, 60, … of \(decoded)")
        for frame in frames { try assertSeedShape(frame) }
    }

    func testImageIsOneFrame() throws {
        let photo = try PNGEncoder.encode(try RGBImage(width: 120, height: 90, fill: RGB(200, 40, 40)))
        let frames = try reply(photo, "image/png")
        XCTAssertEqual(frames.count, 1)
        try assertSeedShape(frames[0])
    }

    func testMasksSqueezeAsNumpy() throws {
        let box = SIMD4<Float>(1, 2, 3, 4)
        let one = InstanceDetection(box: box, label: 1, score: 0.9, mask: [Float](repeating: 0.25, count: 4))
        for (detections, expected) in [([one], "[0.25, 0.25], [0.25, 0.25]"), ([one, one], "[[0.25, 0.25], [0.25, 0.25]], [[0.25, 0.25], [0.25, 0.25]]"),
                                       ([], "[[], []], [[], []]")] {
            var out = Data()
            MaskRCNNOutput.append(detections, height: 2, width: 2, to: &out)
            let text = String(decoding: out, as: UTF8.self)
            XCTAssertTrue(text.hasSuffix("\"masks\": [\(expected)]}"), text)
            XCTAssertNotNil(try JSONSerialization.jsonObject(with: out))
        }
        XCTAssertEqual(MaskRCNNOutput.number(1), "1.0")
        XCTAssertEqual(MaskRCNNOutput.number(0.1), "0.10000000149011612", "float32 widened to double, as tolist() writes it")
    }

    /// Empty, not a video, truncated, corrupted, an image bomb, a wrong Accept: a 4xx, never a crash.
    func testBadBodiesAreClientErrors() throws {
        let video = try tinyVideo()
        var corrupted = video
        for i in stride(from: 200, to: corrupted.count, by: 37) { corrupted[i] ^= 0x5A }
        var bomb = try PNGEncoder.encode(try RGBImage(width: 8, height: 8, fill: .white))
        bomb.replaceSubrange(16..<24, with: [0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00])  // IHDR 65536 × 65536
        let cases: [(String, Data, String, Set<Int>)] = [
            ("empty", Data(), "video/mp4", [400]),
            ("text", Data("not a video at all".utf8), "video/mp4", [415]),
            ("truncated", video.prefix(video.count / 3), "video/mp4", [400, 415]),
            ("corrupted", corrupted, "video/mp4", [400, 415]),
            ("image bomb", bomb, "image/png", [415]),
        ]
        let handler = try Self.handler.get()
        for (name, body, type, statuses) in cases {
            do {
                _ = try handler.invoke(body: body, contentType: type, accept: "application/json")
                // A corruption H.264 conceals may still decode: that is a reply, not a crash.
                XCTAssertEqual(name, "corrupted", "\(name) should have failed")
            } catch let error as HandlerError {
                XCTAssertTrue(statuses.contains(error.statusCode), "\(name): \(error.statusCode) \(error.message)")
            }
        }
        XCTAssertThrowsError(try handler.invoke(body: video, contentType: "video/mp4", accept: "text/csv")) { error in
            XCTAssertEqual((error as? HandlerError)?.statusCode, 406)
        }
    }
}
