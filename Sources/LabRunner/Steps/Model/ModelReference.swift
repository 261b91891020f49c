// What a book's `model:` (or `labbook predict --model-dir`) names, resolved in one place:
// `fixture:<name>` or a bare fixture name (a model the project makes, or fetched real
// weights such as yolov3-tiny), a hub reference (`torchvision://…`, `hf://…`, downloaded
// once), or a folder, relative to `base`.
import Foundation
import Models

enum ModelReference {
    case fixture(String)
    case hub(String)
    case folder(String)

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    init(_ written: String) {
        if written.hasPrefix("fixture:") {
            self = .fixture(String(written.dropFirst("fixture:".count)))
        } else if written.hasPrefix("torchvision://") || written.hasPrefix("hf://") {
            self = .hub(written)
        } else {
            self = .folder(written)
        }
    }

    /// The model folder; a folder that does not exist may still be a bare fixture name.
    func directory(fixtures: [String: URL], base: URL) throws -> URL {
        switch self {
        case let .fixture(name):
            guard let url = fixtures[name] else {
                throw Failure(description: "no fixture model '\(name)'; fixtures: \(fixtures.keys.sorted().map { "fixture:\($0)" }.joined(separator: ", "))")
            }
            return url
        case let .hub(reference):
            do { return try Models.modelDirectory(for: reference) } catch { throw Failure(description: "\(error)") }
        case let .folder(path):
            let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : base.appendingPathComponent(path)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue { return url }
            if let fixture = fixtures[path] { return fixture }
            throw Failure(description: "model folder \(url.path) does not exist, and '\(path)' is no fixture (\(fixtures.keys.sorted().joined(separator: ", "))), "
                          + "torchvision:// (\(TorchvisionWeights.all.map(\.reference).joined(separator: ", "))) or hf://<owner>/<repo> reference")
        }
    }
}
