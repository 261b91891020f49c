// What both YOLO handlers accept: an image and, optionally, how to detect in it.
//
// JSON fields: "image" (base64 JPEG or PNG), and optional "preprocessing" ("stretch",
// the lab handler's default, or "letterbox"), "threshold" (default 0.5) and
// "nms_threshold" (default 0.3). YOLOv3-tiny needs letterbox and a lower threshold to
// find anything in the lab's photos.
import Foundation
import Media
import Serving

struct YOLORequest {
    var image: RGBImage
    var preprocessing: YOLOPreprocessing = .stretch
    var threshold: Float = 0.5
    var nmsThreshold: Float = 0.3

    init(image: RGBImage) { self.image = image }

    init(fields: [String: Any]) throws {
        guard let encoded = fields["image"] as? String else { throw HandlerError.badInput("body has no \"image\" string (base64 JPEG)") }
        guard let bytes = Data(base64Encoded: encoded, options: .ignoreUnknownCharacters), !bytes.isEmpty else {
            throw HandlerError.badInput("body \"image\" is not base64")
        }
        self.init(image: try YOLORequest.decodeImage(bytes))
        if let mode = fields["preprocessing"] {
            guard let name = mode as? String, let value = YOLOPreprocessing(rawValue: name) else {
                throw HandlerError.badInput("\"preprocessing\" must be one of \(YOLOPreprocessing.allCases.map(\.rawValue)), found \(mode)")
            }
            preprocessing = value
        }
        threshold = try YOLORequest.fraction(fields["threshold"], name: "threshold") ?? threshold
        nmsThreshold = try YOLORequest.fraction(fields["nms_threshold"], name: "nms_threshold") ?? nmsThreshold
    }

    func detect(with detector: YOLODetector) throws -> [ObjectDetection] {
        do {
            return try detector.detect(image, preprocessing: preprocessing, scoreThreshold: threshold, nmsThreshold: nmsThreshold)
        } catch {
            throw HandlerError.internalError("detection failed: \(error)")
        }
    }

    static func decodeImage(_ data: Data) throws -> RGBImage {
        guard !data.isEmpty else { throw HandlerError.badInput("the image is empty; send JPEG or PNG bytes") }
        do { return try ImageDecoder.decode(data) } catch {
            throw HandlerError.badInput("the image is not a decodable JPEG or PNG (\(data.count) bytes): \(error)")
        }
    }

    private static func fraction(_ value: Any?, name: String) throws -> Float? {
        guard let value else { return nil }
        guard let number = JSONNumber.number(value), (0...1).contains(number.doubleValue) else {
            throw HandlerError.badInput("\"\(name)\" must be a number in 0...1, found \(value)")
        }
        return number.floatValue
    }
}
