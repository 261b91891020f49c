// `maskrcnn`: the async lab's handler (`inference.py` of the seed notebook) as a typed
// handler.
// - input_fn: the body is a video (`video/mp4`, or any MP4/MOV, Matroska/WebM or AVI that
//   FFmpeg opens): every 30th frame, RGB, resized to 256×256 with INTER_AREA, as the seed
//   does with cv2.VideoCapture; or a single JPEG/PNG image (the notebook's local-mode
//   check), prepared the same way as one frame.
// - predict_fn: torchvision's `maskrcnn_resnet50_fpn` on each frame.
// - output_fn: the seed's JSON, one object per frame (MaskRCNNOutput).
// Frames are decoded, computed and serialized one at a time, so memory holds one frame's
// masks and the reply, never the decoded video; the reply is capped at the async 1 GB.
import Foundation
import Media
import Serving

public struct MaskRCNNHandler: InferenceHandler {
    public let model: MaskRCNN
    /// The seed's `input_fn` settings.
    public static let frameInterval = 30
    public static let frameSize = (width: 256, height: 256)
    /// Frames one request may hold (a 10-minute clip at 30 fps); a longer video is refused
    /// rather than computed for hours.
    public static let maximumFrames = 600
    /// SageMaker's asynchronous payload limit, for the reply too.
    public static let maximumReplyBytes = 1 << 30

    public init(directory: URL) throws {
        model = try MaskRCNN(directory: directory)
    }

    public init(model: MaskRCNN) { self.model = model }

    public func invoke(body: Data, contentType: String, accept: String) throws -> InvocationResponse {
        let type = accept.lowercased()
        guard type.isEmpty || type == "*/*" || type.hasPrefix("application/json") else {
            throw HandlerError(statusCode: 406, "accept '\(accept)' is not supported; the reply is application/json")
        }
        var reply = Data("[".utf8), count = 0
        try forEachFrame(body, contentType: contentType) { frame in
            try appendPrediction(for: frame, index: count, to: &reply)
            count += 1
        }
        reply.append(contentsOf: Array("]".utf8))
        return InvocationResponse(body: reply, contentType: "application/json")
    }

    /// predict_fn and output_fn for one frame: its JSON object appended to the reply.
    public func appendPrediction(for frame: RGBImage, index: Int, to reply: inout Data) throws {
        let detections: [InstanceDetection]
        do { detections = try model.detect(rgb: frame.pixels, height: frame.height, width: frame.width) } catch {
            throw HandlerError.internalError("Mask R-CNN failed on frame \(index) (\(frame.width)×\(frame.height)): \(error)")
        }
        if index > 0 { reply.append(contentsOf: Array(", ".utf8)) }
        MaskRCNNOutput.append(detections, height: frame.height, width: frame.width, to: &reply)
        guard reply.count <= MaskRCNNHandler.maximumReplyBytes else {
            throw HandlerError(statusCode: 413, "the reply passed \(MaskRCNNHandler.maximumReplyBytes >> 20) MB after \(index + 1) frames; send a shorter video")
        }
    }

    /// input_fn, one frame at a time: the image, or every 30th frame of the video.
    func forEachFrame(_ body: Data, contentType: String, _ handle: (RGBImage) throws -> Void) throws {
        guard !body.isEmpty else {
            throw HandlerError.badInput("the body is empty; send a video (video/mp4) or an image (image/jpeg, image/png)")
        }
        let size = MaskRCNNHandler.frameSize
        if contentType.lowercased().hasPrefix("image/") || ImageDecoder.format(of: body) != nil {
            let image: RGBImage
            do { image = try ImageDecoder.decode(body) } catch {
                throw HandlerError(statusCode: 415, "the body is not a decodable JPEG or PNG (\(body.count) bytes): \(error)")
            }
            return try handle(try resize(image, width: size.width, height: size.height, interpolation: .area))
        }
        do {
            let reader = try VideoReader(data: body)
            let selection = try FrameSelection(every: MaskRCNNHandler.frameInterval, width: size.width, height: size.height)
            var frames = 0
            while let frame = try reader.nextFrame(selection) {
                frames += 1
                guard frames <= MaskRCNNHandler.maximumFrames else {
                    throw HandlerError.badInput("the video has more than \(MaskRCNNHandler.maximumFrames) frames at one in \(MaskRCNNHandler.frameInterval); split it")
                }
                try handle(frame.image)
            }
            guard frames > 0 else { throw HandlerError.badInput("the video has no frames") }
        } catch let error as VideoError {
            let status = if case .notAVideo = error { 415 } else { 400 }
            throw HandlerError(statusCode: status, "cannot read the video (\(contentType)): \(error)")
        }
    }
}
