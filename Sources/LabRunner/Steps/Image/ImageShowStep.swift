// `kind: image.show` — an image from an earlier step's output (base64 JPEG or PNG, as a
// Lambda returns it) or a file, written as a PNG figure in the handout.
//
//   - kind: image.show
//     id: shown
//     base64: ${steps.predict.Payload.body | json-body}   # or: file: photos/cat.jpg
//     caption: {ko: 검출 결과, en: Detections}
//
// Output: {file, width, height}; `expect: [{image: $.file, size: [w, h]}]` checks the PNG.
import Foundation
import Media

struct ImageShowStep: LabStep {
    static let kind = "image.show"
    static let summary = "Shows an image (base64 JPEG/PNG from an earlier output, or a file) as a PNG figure in the handout."
    static let showsOutput = false
    static let declaration = StepDeclaration(
        keys: [
            StepKey("base64", .string, "A base64 JPEG or PNG from an earlier output."),
            StepKey("file", .string, "Or an image file, relative to the book's folder."),
            StepKey("caption", .localized, required: true, "The figure's caption."),
        ],
        exactlyOne: [["base64", "file"]],
        output: [
            OutputField("file", "The PNG, relative to the handout; `{image: $.file}` checks it."),
            OutputField("width", "Its width in pixels."),
            OutputField("height", "Its height in pixels."),
        ],
        example: """
            file: photos/street.jpg
            caption: {ko: 입력 사진, en: The input photo}
            """)

    let base64: Arg<String>?
    let file: Arg<String>?
    let caption: Arg<LabValue>

    init(arguments: inout StepArguments) throws {
        base64 = try arguments.optional("base64")
        file = try arguments.optional("file")
        caption = try arguments.required("caption")
    }

    func run(in context: StepContext) async throws -> LabValue {
        let data: Data
        let location: SourceLocation
        if let base64 {
            location = base64.location
            let text = try context.resolve(base64)
            guard let decoded = Data(base64Encoded: text, options: .ignoreUnknownCharacters), !decoded.isEmpty else {
                throw LabError(location, "'base64' is not base64 (\(text.count) characters starting \(text.prefix(24).debugDescription))",
                               ko: "'base64'가 base64가 아닙니다 (\(text.count)자, 시작: \(text.prefix(24).debugDescription))")
            }
            data = decoded
        } else if let file {
            location = file.location
            let url = try context.readableFile(try context.resolve(file), at: location)
            guard let read = try? Data(contentsOf: url) else {
                throw LabError(location, "cannot read \(url.path)", ko: "파일을 읽을 수 없습니다: \(url.path)")
            }
            data = read
        } else {
            throw LabError(caption.location, "image.show needs 'base64' or 'file'", ko: "image.show에는 'base64'나 'file'이 필요합니다")
        }
        let image: RGBImage
        do { image = try ImageDecoder.decode(data) } catch {
            throw LabError(location, "not a decodable image (\(ByteSize.text(data.count))): \(error)",
                           ko: "이미지로 디코딩할 수 없습니다 (\(ByteSize.text(data.count))): \(error)")
        }
        let name = try context.addFigure(png: try PNGEncoder.encode(image), name: "image",
                                         caption: Localizer.text(try context.resolve(caption), context.language))
        return .object(LabObject([("file", .string(name)), ("width", .int(image.width)), ("height", .int(image.height))]))
    }
}
