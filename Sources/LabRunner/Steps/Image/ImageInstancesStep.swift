// `kind: image.instances` — the async notebook's `display_instances`: one frame of a
// Mask R-CNN reply (the seed's JSON, one object per frame with boxes, labels, scores and
// H × W × N masks) drawn on the frame the handler saw: dashed boxes, `label score` tags,
// masks blended at 0.3 with their 0.5 contours, for detections above the threshold.
//
//   - kind: image.instances
//     id: frame0
//     detections: ${steps.local-check.BodyFile}   # the reply, a JSON file
//     video: ${steps.clips.bikes}                   # or image: photos/birds.jpg
//     frame: 0                                      # which object of the reply
//     caption: {ko: 첫 프레임, en: Frame 0}
//
// The picture is prepared as the handler prepares it: every 30th frame of the video (or
// the image), RGB, 256×256 with INTER_AREA. Labels are COCO's 91 category names.
// Output: {file, width, height, Instances: [{label, score}] drawn, count}.
import Foundation
import Media
import Models

struct ImageInstancesStep: LabStep {
    static let kind = "image.instances"
    static let summary = "Draws one frame of a Mask R-CNN reply (dashed boxes, `label score` tags, masks and their contours above 0.5) on the frame the handler saw."
    static let declaration = StepDeclaration(
        keys: [
            StepKey("detections", .string, required: true, "The reply, a JSON file (a BodyFile or a result fetched from S3)."),
            StepKey("video", .string, "The video the handler read: every 30th frame, RGB, 256×256 INTER_AREA."),
            StepKey("image", .string, "Or the image it read."),
            StepKey("frame", .integer, default: "0", "Which object of the reply, one per sampled frame."),
            StepKey("threshold", .number, default: "0.5", "Draw detections scoring above this."),
            StepKey("caption", .localized, required: true, "The figure's caption."),
        ],
        exactlyOne: [["video", "image"]],
        output: [
            OutputField("file", "The PNG, relative to the handout."),
            OutputField("width", "Its width in pixels."),
            OutputField("height", "Its height in pixels."),
            OutputField("Instances", "The drawn detections: {label, score} each."),
            OutputField("count", "How many were drawn."),
        ],
        example: """
            detections: result.json
            video: clips/bikes.mp4
            caption: {ko: 첫 프레임, en: Frame 0}
            """)

    let detections: Arg<String>, video: Arg<String>?, image: Arg<String>?
    let frame: Arg<Int>?, threshold: Arg<Double>?, caption: Arg<LabValue>

    init(arguments: inout StepArguments) throws {
        detections = try arguments.required("detections")
        video = try arguments.optional("video")
        image = try arguments.optional("image")
        frame = try arguments.optional("frame")
        threshold = try arguments.optional("threshold")
        caption = try arguments.required("caption")
    }

    func run(in context: StepContext) async throws -> LabValue {
        let index = try context.resolve(frame, default: 0)
        let cut = try context.resolve(threshold, default: 0.5)
        guard (0...1).contains(cut) else {
            throw LabError(threshold?.location ?? caption.location, "'threshold' must be in 0...1, found \(cut)",
                           ko: "'threshold'는 0...1 사이여야 하는데 \(cut)입니다")
        }
        let picture = try self.picture(frame: index, in: context)
        let instances = try reply(frame: index, width: picture.width, height: picture.height, in: context)
        var style = InstanceFigure.Style()
        style.threshold = cut
        let drawn = try InstanceFigure.draw(instances, on: picture, style: style)
        let name = try context.addFigure(png: try PNGEncoder.encode(drawn), name: "instances",
                                         caption: Localizer.text(try context.resolve(caption), context.language))
        let shown = instances.filter { $0.score > cut }.map { instance in
            LabValue.object(LabObject([("label", .string(instance.label)), ("score", .number((instance.score * 1000).rounded() / 1000))]))
        }
        return .object(LabObject([("file", .string(name)), ("width", .int(drawn.width)), ("height", .int(drawn.height)),
                                  ("Instances", .list(shown)), ("count", .int(shown.count))]))
    }

    /// The frame the handler computed on.
    private func picture(frame index: Int, in context: StepContext) throws -> RGBImage {
        let size = MaskRCNNHandler.frameSize
        if let image {
            let url = try context.readableFile(try context.resolve(image), at: image.location)
            do {
                let decoded = try ImageDecoder.decode(try Data(contentsOf: url))
                return try resize(decoded, width: size.width, height: size.height, interpolation: .area)
            } catch {
                throw LabError(image.location, "cannot read the image \(url.lastPathComponent): \(error)",
                               ko: "이미지를 읽을 수 없습니다: \(url.lastPathComponent): \(error)")
            }
        }
        guard let video else {
            throw LabError(caption.location, "image.instances needs 'video' or 'image'", ko: "image.instances에는 'video'나 'image'가 필요합니다")
        }
        let url = try context.readableFile(try context.resolve(video), at: video.location)
        do {
            let reader = try VideoReader(path: url.path)
            let selection = try FrameSelection(every: MaskRCNNHandler.frameInterval, width: size.width, height: size.height)
            var seen = 0
            while let frame = try reader.nextFrame(selection) {
                if seen == index { return frame.image }
                seen += 1
            }
            throw LabError(video.location, "the video has \(seen) frames at one in \(MaskRCNNHandler.frameInterval); there is no frame \(index)",
                           ko: "동영상에서 \(MaskRCNNHandler.frameInterval)개마다 하나씩 뽑은 프레임은 \(seen)개라 \(index)번 프레임은 없습니다")
        } catch let error as VideoError {
            throw LabError(video.location, "cannot read the video \(url.lastPathComponent): \(error)",
                           ko: "동영상을 읽을 수 없습니다: \(url.lastPathComponent): \(error)")
        }
    }

    /// Frame `index` of the reply as instances, masks included.
    private func reply(frame index: Int, width: Int, height: Int, in context: StepContext) throws -> [InstanceFigure.Instance] {
        let url = try context.readableFile(try context.resolve(detections), at: detections.location)
        guard let data = try? Data(contentsOf: url, options: .alwaysMapped) else {
            throw LabError(detections.location, "cannot read \(url.lastPathComponent)", ko: "파일을 읽을 수 없습니다: \(url.lastPathComponent)")
        }
        // Only the one frame is parsed: a reply with masks runs to hundreds of MB.
        let (slice, frames) = MaskRCNNReplyFrame.element(index, ofArray: data)
        guard let slice else {
            throw LabError(frame?.location ?? detections.location,
                           "\(url.lastPathComponent) is not a JSON list with a frame \(index) (it has \(frames) elements)",
                           ko: "\(url.lastPathComponent): \(index)번 프레임이 있는 JSON 리스트가 아닙니다 (원소 \(frames)개)")
        }
        guard let object = (try? JSONSerialization.jsonObject(with: slice)) as? [String: Any] else {
            throw LabError(detections.location, "frame \(index) of \(url.lastPathComponent) is not a JSON object (the maskrcnn handler's reply)",
                           ko: "\(url.lastPathComponent)의 \(index)번 프레임이 JSON 객체(maskrcnn 핸들러의 응답)가 아닙니다")
        }
        do { return try MaskRCNNReplyFrame(object, width: width, height: height).instances }
        catch let error as MaskRCNNReplyFrame.Failure {
            throw LabError(detections.location, "frame \(index): \(error.reason)", ko: "\(index)번 프레임: \(error.ko)")
        }
    }
}

/// One frame object of the seed's reply, checked: boxes [N, 4], labels and scores [N], masks
/// H × W × N (H × W for one detection).
struct MaskRCNNReplyFrame {
    struct Failure: Error {
        var reason: String
        /// `reason` in Korean.
        var ko: String
    }
    let instances: [InstanceFigure.Instance]

    init(_ object: [String: Any], width: Int, height: Int) throws {
        let boxes = (object["boxes"] as? [[NSNumber]])?.map { $0.map(\.doubleValue) }
        let labels = (object["labels"] as? [NSNumber])?.map(\.intValue)
        let scores = (object["scores"] as? [NSNumber])?.map(\.doubleValue)
        guard let boxes, let labels, let scores, boxes.count == labels.count, scores.count == labels.count,
              boxes.allSatisfy({ $0.count == 4 }) else {
            throw Failure(reason: "needs \"boxes\" [[x1, y1, x2, y2]], \"labels\" and \"scores\" of one length",
                          ko: "\"boxes\" [[x1, y1, x2, y2]], \"labels\", \"scores\"가 같은 길이로 있어야 합니다")
        }
        let masks = try MaskRCNNReplyFrame.masks(object["masks"], count: labels.count, width: width, height: height)
        instances = labels.indices.map { n in
            InstanceFigure.Instance(x1: boxes[n][0], y1: boxes[n][1], x2: boxes[n][2], y2: boxes[n][3],
                                    label: COCOCategories.name(labels[n]) ?? "class \(labels[n])", score: scores[n],
                                    mask: masks.isEmpty ? nil : masks[n])
        }
    }

    /// The bytes of element `index` of the top-level JSON array in `data`, found by tracking
    /// nesting and strings only, and how many elements were passed on the way.
    static func element(_ index: Int, ofArray data: Data) -> (Data?, Int) {
        data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> (Data?, Int) in
            var i = 0
            while i < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[i]) { i += 1 }
            guard i < bytes.count, bytes[i] == UInt8(ascii: "[") else { return (nil, 0) }
            var depth = 0, inString = false, escaped = false, element = 0, start = i + 1
            while i < bytes.count {
                let byte = bytes[i]
                if inString {
                    if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                } else if byte == UInt8(ascii: "\"") {
                    inString = true
                } else if byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{") {
                    depth += 1
                } else if byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}") || (byte == UInt8(ascii: ",") && depth == 1) {
                    if depth == 1 {
                        if element == index { return (Data(bytes[start..<i]), element + 1) }
                        element += 1
                        start = i + 1
                    }
                    if byte != UInt8(ascii: ",") { depth -= 1 }
                    if depth == 0 { return (nil, element) }
                }
                i += 1
            }
            return (nil, element)
        }
    }

    /// `np.squeeze(masks.transpose(2, 3, 0, 1))` read back into one mask per detection.
    private static func masks(_ value: Any?, count: Int, width: Int, height: Int) throws -> [Mask] {
        guard count > 0 else { return [] }
        guard let rows = value as? [[Any]], rows.count == height, rows.allSatisfy({ $0.count == width }) else {
            throw Failure(reason: "\"masks\" must be \(height) × \(width) × \(count) (the frame's size)",
                          ko: "\"masks\"는 \(height) × \(width) × \(count)(프레임 크기)여야 합니다")
        }
        var planes = [[Float]](repeating: [Float](repeating: 0, count: width * height), count: count)
        for (y, row) in rows.enumerated() {
            for (x, cell) in row.enumerated() {
                let values = count == 1 ? [cell] : (cell as? [Any] ?? [])
                guard values.count == count else {
                    throw Failure(reason: "\"masks\"[\(y)][\(x)] has \(values.count) values, not \(count)",
                                  ko: "\"masks\"[\(y)][\(x)]의 값이 \(count)개가 아니라 \(values.count)개입니다")
                }
                for (n, value) in values.enumerated() {
                    guard let number = value as? NSNumber else {
                        throw Failure(reason: "\"masks\"[\(y)][\(x)] is not numbers", ko: "\"masks\"[\(y)][\(x)]에 숫자가 아닌 값이 있습니다")
                    }
                    planes[n][y * width + x] = number.floatValue
                }
            }
        }
        return try planes.map { try Mask(width: width, height: height, values: $0) }
    }
}
