// The yolo-detect and yolo-lambda handlers: request and response shapes, bad input,
// and the annotated image coming back.
import Foundation
import Media
import Serving
import XCTest
@testable import Models

final class YOLOHandlerTests: XCTestCase {
    private func photoJPEG(_ name: String) throws -> Data {
        try JPEGEncoder.encode(try ImageDecoder.decode(Data(contentsOf: try DarknetAssets.photo(name))))
    }

    func testDetectHandlerRepliesWithJSONListAndRejectsNonImages() throws {
        let handler = try YOLODetectHandler(directory: try TinyModels.fixture("models/yolo-mini"))
        let image = try RGBImage(width: 50, height: 40, fill: RGB(200, 30, 30))
        let reply = try handler.invoke(body: try PNGEncoder.encode(image), contentType: "image/png", accept: "application/json")
        let list = try XCTUnwrap(try JSONSerialization.jsonObject(with: reply.body) as? [[String: Any]])
        for item in list {
            XCTAssertEqual(Set(item.keys), ["label", "class_id", "score", "box"])
            XCTAssertEqual((item["box"] as? [Int])?.count, 4)
        }
        XCTAssertThrowsError(try handler.invoke(body: Data("not an image".utf8), contentType: "image/jpeg", accept: "")) { error in
            XCTAssertEqual((error as? HandlerError)?.statusCode, 400)
        }
    }

    func testDetectHandlerTakesJSONWithOptions() throws {
        let handler = try YOLODetectHandler(directory: try TinyModels.fixture("models/yolo-mini"))
        let png = try PNGEncoder.encode(try RGBImage(width: 80, height: 30, fill: RGB(10, 200, 90)))
        let request = try JSONSerialization.data(withJSONObject: ["image": png.base64EncodedString(), "preprocessing": "letterbox",
                                                                  "threshold": 0.45])
        let reply = try handler.invoke(body: request, contentType: "application/json", accept: "application/json")
        XCTAssertNotNil(try JSONSerialization.jsonObject(with: reply.body) as? [[String: Any]])
        for bad in [["image": png.base64EncodedString(), "threshold": 2], ["image": png.base64EncodedString(), "preprocessing": "crop"],
                    ["picture": "x"]] as [[String: Any]] {
            XCTAssertThrowsError(try handler.invoke(body: try JSONSerialization.data(withJSONObject: bad), contentType: "application/json",
                                                    accept: "")) { error in
                XCTAssertEqual((error as? HandlerError)?.statusCode, 400, "\(bad): \(error)")
            }
        }
    }

    /// Issue 15: 0 and 1 are thresholds (JSONSerialization's 0 and 1 also pass `is Bool` on
    /// Linux), `true` is not, and a JSON Lines body is not taken for JSON.
    func testThresholdsAtTheEndsAndJSONLinesBodies() throws {
        let handler = try YOLODetectHandler(directory: try TinyModels.fixture("models/yolo-mini"))
        let image = try PNGEncoder.encode(try RGBImage(width: 40, height: 30, fill: RGB(10, 200, 90))).base64EncodedString()
        for threshold in ["0", "1", "0.0", "1e-3"] {
            let body = Data(#"{"image": "\#(image)", "threshold": \#(threshold), "nms_threshold": \#(threshold)}"#.utf8)
            XCTAssertNoThrow(try handler.invoke(body: body, contentType: "application/json", accept: ""), threshold)
        }
        XCTAssertThrowsError(try handler.invoke(body: Data(#"{"image": "\#(image)", "threshold": true}"#.utf8),
                                                contentType: "application/json", accept: "")) { error in
            XCTAssertEqual((error as? HandlerError)?.statusCode, 400, "\(error)")
        }
        XCTAssertThrowsError(try handler.invoke(body: Data(#"{"image": "\#(image)"}"#.utf8) + Data("\n".utf8),
                                                contentType: "application/jsonlines", accept: "")) { error in
            XCTAssertEqual((error as? HandlerError)?.statusCode, 415, "\(error)")
            XCTAssertTrue("\(error)".contains("application/jsonlines"), "\(error)")
        }
        XCTAssertNoThrow(try handler.invoke(body: Data(#"{"image": "\#(image)"}"#.utf8), contentType: "Application/JSON; charset=utf-8", accept: ""))
    }

    /// Lab 4's call: motorcycle_left.png as a base64 JPEG, letterbox, threshold 0.3.
    func testLambdaFindsTheMotorbikeAndReturnsAnAnnotatedJPEG() throws {
        let handler = try YOLOLambdaHandler(imageDirectory: try DarknetAssets.yoloV3TinyDirectory())
        let jpeg = try photoJPEG("motorcycle_left.png")
        let body = String(decoding: try JSONSerialization.data(withJSONObject: [
            "image": jpeg.base64EncodedString(), "preprocessing": "letterbox", "threshold": 0.3]), as: UTF8.self)
        let event = try JSONSerialization.data(withJSONObject: ["body": body])
        let context = LambdaContext(functionName: "yolov3", memoryLimitInMB: 2048, requestID: "r", remainingTimeSeconds: 50)
        let reply = try XCTUnwrap(try JSONSerialization.jsonObject(with: handler.handle(event: event, context: context)) as? [String: Any])
        XCTAssertEqual(reply["statusCode"] as? Int, 200)
        XCTAssertEqual(reply["headers"] as? [String: String], ["Content-Type": "application/json", "Access-Control-Allow-Origin": "*"])
        let inner = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(XCTUnwrap(reply["body"] as? String).utf8)) as? [String: String])
        let annotated = try ImageDecoder.decode(XCTUnwrap(Data(base64Encoded: XCTUnwrap(inner["body"]))))
        let original = try ImageDecoder.decode(jpeg)
        XCTAssertEqual([annotated.width, annotated.height], [original.width, original.height])
        let changed = zip(annotated.pixels, original.pixels).filter { abs(Int($0) - Int($1)) > 60 }.count
        XCTAssertGreaterThan(changed, 1000, "the box and caption are drawn")

        let detections = try handler.detector.detect(original, preprocessing: .letterbox, scoreThreshold: 0.3, nmsThreshold: 0.3)
        XCTAssertEqual(detections.map(\.label), ["motorbike"])
    }

    func testLambdaRejectsBadEvents() throws {
        let handler = try YOLOLambdaHandler(imageDirectory: try TinyModels.fixture("models/yolo-mini"))
        let context = LambdaContext(functionName: "f", memoryLimitInMB: 128, requestID: "r", remainingTimeSeconds: 3)
        for event in ["[]", "{}", "{\"body\": 3}", "{\"body\": \"{}\"}", "{\"body\": \"{\\\"image\\\": \\\"@@@\\\"}\"}",
                      "{\"body\": \"{\\\"image\\\": \\\"aGVsbG8=\\\"}\"}",
                      "{\"body\": \"{\\\"image\\\": \\\"aGVsbG8=\\\", \\\"preprocessing\\\": \\\"crop\\\"}\"}"] {
            XCTAssertThrowsError(try handler.handle(event: Data(event.utf8), context: context), event) { error in
                XCTAssertEqual((error as? HandlerError)?.statusCode, 400, "\(event): \(error)")
            }
        }
    }
}
