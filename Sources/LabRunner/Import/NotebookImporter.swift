// `labbook import NOTEBOOK.ipynb`: a lab book skeleton from a Jupyter notebook (nbformat 4).
// Markdown cells become prose steps in the notebook's language; the boto3 calls it
// recognizes (a client made with `boto3.client("svc")`, then `client.op(Key=value)` for a
// step kind `svc.op`, or a waiter) become typed steps with their parameters; a
// `%%writefile` cell becomes a note about the handler; any other code becomes a prose step
// that shows it with a TODO. Values the importer cannot read (variables, expressions)
// become book parameters whose default says TODO, so the skeleton validates as it is.
import Foundation
import Yams

public struct NotebookImporter {
    public enum Failure: Error, CustomStringConvertible {
        case notNotebook(String, reason: String)
        public var description: String {
            switch self {
            case let .notNotebook(name, reason): "\(name) is not a Jupyter notebook labbook can import: \(reason)"
            }
        }
    }

    struct Cell {
        var markdown: Bool
        var source: String
    }

    let catalog: StepCatalog

    public init(catalog: StepCatalog) { self.catalog = catalog }

    /// The notebook's cells, in order.
    static func cells(of data: Data, name: String) throws -> [Cell] {
        guard data.count <= 64 << 20 else { throw Failure.notNotebook(name, reason: "it is larger than 64 MB") }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw Failure.notNotebook(name, reason: "it is not a JSON object")
        }
        guard let cells = object["cells"] as? [[String: Any]] else {
            throw Failure.notNotebook(name, reason: "it has no 'cells' list (nbformat 4)")
        }
        return cells.compactMap { cell in
            let source = (cell["source"] as? String) ?? (cell["source"] as? [String])?.joined() ?? ""
            switch cell["cell_type"] as? String {
            case "markdown": return Cell(markdown: true, source: source)
            case "code": return Cell(markdown: false, source: source)
            default: return nil
            }
        }
    }

    /// The lab book, as YAML text.
    public func book(from data: Data, name: String) throws -> String {
        let cells = try Self.cells(of: data, name: name)
        let language = cells.contains { $0.source.unicodeScalars.contains { (0xAC00...0xD7A3).contains($0.value) } } ? "ko" : "en"
        var draft = BookDraft(language: language, catalog: catalog)
        for cell in cells where !cell.source.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            if cell.markdown { draft.addProse(cell.source) } else { draft.addCode(cell.source) }
        }
        let id = Self.bookID(name)
        let title = cells.first(where: \.markdown).flatMap { Self.heading($0.source) } ?? id
        return try draft.yaml(id: id, title: title, source: name)
    }

    static func bookID(_ name: String) -> String {
        let stem = URL(fileURLWithPath: name).deletingPathExtension().lastPathComponent.lowercased()
        var id = String(stem.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "-" })
        while id.contains("--") { id = id.replacingOccurrences(of: "--", with: "-") }
        id = id.trimmingCharacters(in: CharacterSet(charactersIn: "-"))
        if !(id.first?.isLetter ?? false) { id = "notebook-" + id }
        return String(id.prefix(63)).trimmingCharacters(in: CharacterSet(charactersIn: "-"))
    }

    static func heading(_ markdown: String) -> String? {
        markdown.split(separator: "\n").first { $0.hasPrefix("#") }
            .map { $0.drop(while: { $0 == "#" }).trimmingCharacters(in: .whitespaces) }
    }
}
