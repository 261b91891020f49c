// Lab 4's Lambda container: darknet YOLOv3 behind `lambda_handler(event, context)`.
//
// Mirrors the lab's app.py: `body = json.loads(event['body'])`, the image is
// `base64.b64decode(body['image'])` (a JPEG), detection as YOLODetector describes,
// rectangles and `class score` captions in a colour per class, re-encoded as JPEG and
// returned as `{"statusCode": 200, "body": json.dumps({"body": <base64 JPEG>}),
// "headers": {"Content-Type": "application/json", "Access-Control-Allow-Origin": "*"}}`.
// The image folder holds the .cfg, .weights and coco.names, as the lab's Dockerfile copies them.
// Beyond app.py, the body may carry detection options (see YOLORequest).
import Foundation
import Media
import Serving

public struct YOLOLambdaHandler: LambdaFunctionHandler {
    public let detector: YOLODetector
    let colors: [RGB]

    public init(imageDirectory: URL) throws {
        detector = try YOLODetector(directory: imageDirectory)
        colors = DistinctColors.palette(count: detector.labels.count, seed: 42)
    }

    public func handle(event: Data, context: LambdaContext) throws -> Data {
        let request = try YOLOLambdaHandler.request(in: event)
        let detections = try request.detect(with: detector)
        let annotated: Data
        do { annotated = try JPEGEncoder.encode(try draw(detections, on: request.image)) } catch {
            throw HandlerError.internalError("drawing the detections failed: \(error)")
        }
        let body = PythonJSON.object([("body", .string(annotated.base64EncodedString()))]).encoded
        let reply = PythonJSON.object([
            ("statusCode", .integer(200)),
            ("body", .string(body)),
            ("headers", .object([("Content-Type", .string("application/json")), ("Access-Control-Allow-Origin", .string("*"))])),
        ])
        return Data(reply.encoded.utf8)
    }

    /// Boxes 2 px wide and filled caption tags `label score` in the class's colour.
    func draw(_ detections: [ObjectDetection], on image: RGBImage) throws -> RGBImage {
        let canvas = try Canvas(image: image)
        for detection in detections {
            let color = colors[detection.classID % max(colors.count, 1)]
            let box = Rect(x: Double(detection.x), y: Double(detection.y), width: Double(detection.width), height: Double(detection.height))
            canvas.strokeRectangle(box, color: color, lineWidth: 2)
            let size = max(12, min(24, Double(min(image.width, image.height)) / 30))
            try canvas.drawCaption("\(detection.label) \(String(format: "%.2f", detection.score))", x: box.x, y: box.y,
                                   background: color, size: size)
        }
        return try canvas.image()
    }

    static func request(in event: Data) throws -> YOLORequest {
        guard let object = (try? JSONSerialization.jsonObject(with: event)) as? [String: Any] else {
            throw HandlerError.badInput("event is not a JSON object")
        }
        guard let body = object["body"] else { throw HandlerError.badInput("event has no \"body\"") }
        guard let bodyText = body as? String else { throw HandlerError.badInput("event \"body\" must be a JSON string") }
        guard let fields = (try? JSONSerialization.jsonObject(with: Data(bodyText.utf8))) as? [String: Any] else {
            throw HandlerError.badInput("event \"body\" is not a JSON object: \(bodyText.prefix(80))")
        }
        return try YOLORequest(fields: fields)
    }
}
