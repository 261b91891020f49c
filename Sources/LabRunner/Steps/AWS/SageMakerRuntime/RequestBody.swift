// Request bodies written in a book (text, a value sent as JSON, or a file), and
// replies made readable, for every step that sends or receives a payload.
import Cloud
import Foundation

/// Request bodies written in a book, and replies made readable.
enum RequestBody {
    static func resolve(body: Arg<LabValue>?, file: Arg<String>?, in context: StepContext) throws -> Data {
        if let file {
            let path = try context.resolve(file)
            let url = try context.readableFile(path, at: file.location)
            guard let data = try? Data(contentsOf: url) else {
                throw LabError(file.location, "cannot read BodyFile \(path)", ko: "BodyFile을 읽을 수 없습니다: \(path)")
            }
            return data
        }
        let value = try context.resolve(body!)
        if let text = value.string { return Data(text.utf8) }
        return Data(value.jsonString.utf8)
    }

    static func preview(_ data: Data, language: Language) -> String {
        guard let text = String(data: data, encoding: .utf8) else {
            return "\(ByteSize.text(data.count)) " + (language == .ko ? "(이진 데이터)" : "(binary)")
        }
        return text.count > 2000 ? String(text.prefix(2000)) + "\n…" : text
    }

    /// Replies larger than this are written beside the handout instead of into it: a
    /// video model's JSON runs to tens of MB.
    static let largestShownBytes = 1 << 20

    /// `decoded`, or for a large reply its size and the file it was saved to (`BodyFile`,
    /// in the handout folder), which later steps can read.
    static func readable(_ data: Data, contentType: String, context: StepContext) throws -> [(String, LabValue)] {
        guard data.count > largestShownBytes else { return decoded(data, contentType: contentType) }
        let suffix = contentType.contains("json") ? "json" : (contentType.hasPrefix("text/") ? "txt" : "bin")
        let name = "\(context.fileStem)-body.\(suffix)"
        try context.writeOutput(data, named: name)
        return [("ContentLength", .int(data.count)), ("BodyFile", .string(name))]
    }

    /// JSON Lines as `Lines`, JSON as `Json`, anything else as text in `Body`.
    static func decoded(_ data: Data, contentType: String) -> [(String, LabValue)] {
        guard let text = String(data: data, encoding: .utf8) else {
            return [("BodyBytes", .int(data.count))]
        }
        // A parsed body replaces the raw text: the handout shows it once, readably.
        if contentType.contains("jsonlines") {
            let lines = text.split(separator: "\n").map { try? LabValue(json: Data($0.utf8)) }
            if lines.allSatisfy({ $0 != nil }) { return [("Lines", .list(lines.compactMap { $0 }))] }
        } else if contentType.contains("json"), let value = try? LabValue(json: data) {
            return [("Json", value)]
        }
        return [("Body", .string(text))]
    }
}

extension StepKey {
    /// A request body written in the book: text as is, any other value as JSON.
    static let body = StepKey("Body", .any, "The request: text is sent as is, a list or mapping as JSON.")
    /// A request body read from a file.
    static let bodyFile = StepKey("BodyFile", .string, "A file to send as the request, relative to the book's folder or the handout folder.")
}

extension OutputField {
    /// How a reply reads (RequestBody.readable): one of these by content type and size.
    static let reply = [
        OutputField("ContentType", "The reply's content type."),
        OutputField("Lines", "JSON Lines replies: one parsed value per line."),
        OutputField("Json", "JSON replies: the parsed value."),
        OutputField("Body", "Other text replies: the text."),
        OutputField("BodyBytes", "Binary replies: their size."),
        OutputField("BodyFile", "Replies over 1 MB: the file beside the handout that holds them (with ContentLength)."),
    ]
}
