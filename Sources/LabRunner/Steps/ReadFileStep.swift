// `kind: read-file` — shows a sample file as the notebooks' `!cat` does, and parses it
// so later steps can use its content.
//
//   - kind: read-file
//     id: sample
//     path: samples/nsmc.jsonl      # relative to the book's folder
//     format: jsonlines             # text | json | jsonlines | bytes (default: from the extension)
//
// Output: {path, bytes, lines?, text? (text), value? (json), records? (jsonlines)}
import Formats
import Foundation

struct ReadFileStep: LabStep {
    static let kind = "read-file"
    static let summary = "Shows a file (text, JSON, JSON Lines) in the handout and parses it for later steps."
    static let formats = ["text", "json", "jsonlines", "bytes"]
    static let maxBytes = 64 << 20
    /// The `$ cat` block already shows the content.
    static let showsOutput = false

    static let declaration = StepDeclaration(
        keys: [
            StepKey("path", .string, required: true, "The file, relative to the book's folder (or under the handout folder or the asset cache)."),
            StepKey("format", .choice(formats), default: "from the extension", "How to parse it."),
        ],
        output: [
            OutputField("path", "The file as written in the book."),
            OutputField("bytes", "Its size."),
            OutputField("lines", "Its line count (text and JSON Lines)."),
            OutputField("text", "Its text (text)."),
            OutputField("value", "The parsed document (json)."),
            OutputField("records", "One parsed value per line (jsonlines)."),
        ],
        example: "path: samples/reviews.jsonl")

    let path: Arg<String>
    let format: Arg<String>?

    init(arguments: inout StepArguments) throws {
        path = try arguments.required("path")
        format = try arguments.optional("format")
        if let f = format?.literal, !Self.formats.contains(f) {
            throw LabError.unknown("format", f, at: format!.location, known: Self.formats)
        }
    }

    func run(in context: StepContext) async throws -> LabValue {
        let written = try context.resolve(path)
        let url = try context.readableFile(written, at: path.location)
        let data: Data
        do {
            let size = (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
            guard size <= Self.maxBytes else {
                throw LabError(path.location, "\(written) is \(size) bytes; read-file shows files up to 64 MiB",
                               ko: "\(written) 파일이 \(size) 바이트입니다. read-file은 64 MiB까지만 보여 줍니다")
            }
            data = try Data(contentsOf: url)
        } catch let error as LabError { throw error } catch {
            let reason = FileProblem.reason(error, at: url)
            throw LabError(path.location, "cannot read \(url.path): \(reason)", ko: "\(url.path) 파일을 읽을 수 없습니다: \(reason)")
        }
        let chosen = try context.resolve(format, default: Self.defaultFormat(for: written, data: data))
        guard Self.formats.contains(chosen) else { throw LabError.unknown("format", chosen, at: format!.location, known: Self.formats) }
        var output = LabObject([("path", .string(written)), ("bytes", .int(data.count))])
        if chosen == "bytes" {
            context.show(.code(ByteSize.text(data.count), language: "text", caption: written))
            return .object(output)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            let bad = TextPosition.firstInvalidUTF8(in: data)
            let problem = bad.map(TextPosition.describe) ?? "not UTF-8 text"
            let place = bad.map { String(format: "%d행 %d열의 바이트 0x%02X", $0.position.line, $0.position.column, $0.byte) } ?? "어딘가"
            throw LabError(path.location, "\(written) is \(problem); use format: bytes",
                           ko: "\(written) 파일은 UTF-8 텍스트가 아닙니다(\(place)). format: bytes로 읽으세요")
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        output["lines"] = .int(text.hasSuffix("\n") ? lines.count - 1 : lines.count)
        let rest = text.count - 8000
        let shown = rest > 0 ? String(text.prefix(8000)) + (context.language == .ko ? "\n… (이하 \(rest)자 생략)" : "\n… (\(rest) more characters)") : text
        context.show(.code(shown, language: chosen == "text" ? "text" : "json", caption: "$ cat \(written)"))
        switch chosen {
        case "text": output["text"] = .string(text)
        case "json": output["value"] = try parse(data, what: written)
        case "jsonlines":
            var records: [LabValue] = []
            for (number, line) in lines.enumerated() where !line.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                records.append(try parse(Data(line.utf8), what: "\(written) line \(number + 1)"))
            }
            output["records"] = .list(records)
        default: break
        }
        return .object(output)
    }

    private func parse(_ data: Data, what: String) throws -> LabValue {
        do { return try LabValue(json: data) } catch let error as JSONParseError {
            throw LabError(path.location, "\(what): \(error.located(in: data))", ko: "\(what)의 JSON이 올바르지 않습니다: \(error.located(in: data))")
        }
    }

    /// JSON and JSON Lines by extension; anything else that is UTF-8 is text.
    static func defaultFormat(for path: String, data: Data) -> String {
        switch (path as NSString).pathExtension.lowercased() {
        case "json": "json"
        case "jsonl", "jsonlines", "ndjson": "jsonlines"
        default: String(data: data, encoding: .utf8) == nil ? "bytes" : "text"
        }
    }
}
