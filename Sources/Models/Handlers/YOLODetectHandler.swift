// `yolo-detect`: a SageMaker-style model handler. The body is image bytes (JPEG or PNG),
// detected as the lab's handler does (stretch blob, best class score > 0.5, NMS IoU 0.3),
// or with Content-Type application/json a YOLORequest object ({"image": base64, ...}).
// The reply is JSON `[{"label", "class_id", "score", "box": [x, y, w, h]}]`, boxes in
// source-image pixels.
import Foundation
import Media
import Serving

public struct YOLODetectHandler: InferenceHandler {
    public let detector: YOLODetector

    public init(directory: URL) throws {
        detector = try YOLODetector(directory: directory)
    }

    public func invoke(body: Data, contentType: String, accept: String) throws -> InvocationResponse {
        let request: YOLORequest
        // The media type alone, without parameters: "application/jsonlines" is not JSON here.
        let mediaType = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        if mediaType.hasPrefix("application/json") || mediaType.hasPrefix("application/x-json") {
            guard mediaType == "application/json" else {
                throw HandlerError.unsupportedContentType(mediaType, accepted: ["image/jpeg", "image/png", "application/json (one object)"])
            }
            guard let fields = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else {
                throw HandlerError.badInput("an application/json body must be an object {\"image\": <base64>, ...}")
            }
            request = try YOLORequest(fields: fields)
        } else {
            request = YOLORequest(image: try YOLORequest.decodeImage(body))
        }
        let detections = try request.detect(with: detector)
        return InvocationResponse(body: Data(YOLODetectHandler.json(detections).utf8), contentType: "application/json")
    }

    /// `[{"label": ..., "class_id": ..., "score": ..., "box": [x, y, w, h]}]` as json.dumps writes it.
    static func json(_ detections: [ObjectDetection]) -> String {
        let objects = detections.map { d in
            let fields = PythonJSON.object([("label", .string(d.label)), ("class_id", .integer(d.classID)),
                                            ("score", .number(Double(d.score)))]).encoded.dropLast()
            return fields + ", \"box\": [\(d.x), \(d.y), \(d.width), \(d.height)]}"
        }
        return "[" + objects.joined(separator: ", ") + "]"
    }
}
