// `kind: image.encode` — a photo as the base64 JPEG a request carries (the notebooks'
// `base64.b64encode(open(path, 'rb').read())` after cv2.imencode('.jpg', ...)).
//
//   - kind: image.encode
//     id: photo
//     file: ${steps.assets.files.motorcycle_left}   # JPEG or PNG, relative to the book
//     max-side: 640                                 # optional: shrink so the longer side fits (INTER_AREA)
//     quality: 90                                   # optional JPEG quality
//
// Output: {base64, bytes, width, height, file}: `file` is the JPEG written beside the handout
// (a BodyFile for steps that send raw image bytes).
import Foundation
import Media

struct ImageEncodeStep: LabStep {
    static let kind = "image.encode"
    static let summary = "Re-encodes a photo file as a JPEG (optionally shrunk): its base64 for a request body, and the file for BodyFile."
    static let declaration = StepDeclaration(
        keys: [
            StepKey("file", .string, required: true, "A JPEG or PNG, relative to the book's folder or from assets.fetch."),
            StepKey("max-side", .integer, "Shrink (INTER_AREA) so the longer side fits."),
            StepKey("quality", .integer, default: "90", "JPEG quality, 1 to 100."),
        ],
        output: [
            OutputField("base64", "The JPEG as base64, for a JSON request."),
            OutputField("bytes", "The JPEG's size."),
            OutputField("width", "Its width in pixels."),
            OutputField("height", "Its height in pixels."),
            OutputField("file", "The JPEG beside the handout, for BodyFile."),
        ],
        example: """
            file: photos/street.jpg
            max-side: 640
            """)

    let file: Arg<String>
    let maxSide: Arg<Int>?
    let quality: Arg<Int>?

    init(arguments: inout StepArguments) throws {
        file = try arguments.required("file")
        maxSide = try arguments.optional("max-side")
        quality = try arguments.optional("quality")
    }

    func run(in context: StepContext) async throws -> LabValue {
        let url = try context.readableFile(try context.resolve(file), at: file.location)
        guard let data = try? Data(contentsOf: url) else { throw LabError(file.location, "cannot read \(url.path)", ko: "파일을 읽을 수 없습니다: \(url.path)") }
        var image: RGBImage
        do { image = try ImageDecoder.decode(data) } catch {
            throw LabError(file.location, "\(url.lastPathComponent) is not a decodable image: \(error)",
                           ko: "이미지로 디코딩할 수 없는 파일입니다: \(url.lastPathComponent): \(error)")
        }
        let limit = try context.resolve(maxSide, default: 0)
        guard limit >= 0 else { throw LabError(maxSide?.location ?? file.location, "'max-side' must be 0 (keep the size) or more", ko: "'max-side'는 0(크기 그대로) 이상이어야 합니다") }
        if limit > 0, max(image.width, image.height) > limit {
            let scale = Double(limit) / Double(max(image.width, image.height))
            image = try resize(image, width: max(1, Int((Double(image.width) * scale).rounded())),
                               height: max(1, Int((Double(image.height) * scale).rounded())), interpolation: .area)
        }
        let level = try context.resolve(quality, default: 90)
        guard (1...100).contains(level) else { throw LabError(quality?.location ?? file.location, "'quality' must be 1–100", ko: "'quality'는 1–100 사이여야 합니다") }
        let jpeg = try JPEGEncoder.encode(image, quality: level)
        // The size as a reader wants it (114 KB), in either language.
        context.show(.text("`\(url.lastPathComponent)` → JPEG \(image.width)×\(image.height), \(ByteSize.text(jpeg.count))"))
        // Also a file beside the handout, for steps that send raw bytes (BodyFile).
        let name = "\(context.fileStem)-\(url.deletingPathExtension().lastPathComponent).jpg"
        try context.writeOutput(jpeg, named: name)
        return .object(LabObject([("base64", .string(jpeg.base64EncodedString())), ("bytes", .int(jpeg.count)),
                                  ("width", .int(image.width)), ("height", .int(image.height)), ("file", .string(name))]))
    }
}
