// Which model folder a step means. Model steps package a model as model.tar.gz
// (weights at the root, inference code under code/) or run its handler directly, as
// the notebooks' first cells do.
//
// `model:` is a folder in the seed's layout (config.json, model.pth or
// model.safetensors, vocab/), `fixture:<name>` for a model the project makes, or a hub
// reference (`torchvision://maskrcnn_resnet50_fpn_coco`, `hf://owner/repo`) downloaded once.
import Foundation
import Cloud
import Models
import Serving

extension StepContext {
    /// `fixture:<name>`, a hub reference or a folder; notes which weights were used for the handout.
    func modelDirectory(_ written: String, at location: SourceLocation) throws -> URL {
        if written.hasPrefix("fixture:") {
            let name = String(written.dropFirst("fixture:".count))
            guard let url = session.services.fixtureModel(name) else {
                throw LabError(location, "no fixture model '\(name)'; fixtures: \(session.services.fixtureModelNames.joined(separator: ", "))")
            }
            // Models the project makes live in fixtures/models; others (yolov3-tiny) are fetched real weights.
            noteWeights(model: name, source: written, kind: url.path.contains("/fixtures/models/") ? kind(of: url) : .pretrained)
            return url
        }
        if written.hasPrefix("torchvision://") || written.hasPrefix("hf://") {
            do {
                let url = try Models.modelDirectory(for: written)
                noteWeights(model: url.lastPathComponent, source: written, kind: .pretrained)
                return url
            } catch { throw LabError(location, "\(error)") }
        }
        let url = bookFile(written)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw LabError(location, "model folder \(url.path) does not exist")
        }
        // A fixture passed by path is still what it is.
        let isProjects = url.standardizedFileURL.resolvingSymlinksInPath().path.contains("/fixtures/models/")
        noteWeights(model: url.lastPathComponent, source: written, kind: isProjects ? kind(of: url) : .supplied)
        return url
    }

    /// A model of the project's own: a demo model when its config.json describes its
    /// training (`description_<lang>` in the handout's language, else `description`), else
    /// a random fixture.
    func kind(of folder: URL) -> WeightsNote.Kind {
        let config = folder.appendingPathComponent("config.json")
        guard let data = try? Data(contentsOf: config),
              let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
              let description = (object["description_\(language.rawValue)"] ?? object["description"]) as? String,
              !description.isEmpty else { return .randomFixture }
        return .demo(description: description)
    }
}
