// Which model folder a step means. Model steps package a model as model.tar.gz
// (weights at the root, inference code under code/) or run its handler directly, as
// the notebooks' first cells do.
//
// `model:` is a folder in the seed's layout (config.json, model.pth or
// model.safetensors, vocab/), or `fixture:<name>` for a small model the project makes.
import Foundation
import Cloud
import Serving

extension StepContext {
    /// `fixture:<name>` or a folder; notes which weights were used for the handout.
    func modelDirectory(_ written: String, at location: SourceLocation) throws -> URL {
        if written.hasPrefix("fixture:") {
            let name = String(written.dropFirst("fixture:".count))
            guard let url = session.services.fixtureModel(name) else {
                throw LabError(location, "no fixture model '\(name)'; fixtures: \(session.services.fixtureModelNames.joined(separator: ", "))")
            }
            // Fixtures the project makes live in fixtures/models; others (yolov3-tiny) are fetched real weights.
            noteWeights(model: name, source: written, isFixture: url.path.contains("/fixtures/models/"))
            return url
        }
        let url = bookFile(written)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw LabError(location, "model folder \(url.path) does not exist")
        }
        noteWeights(model: url.lastPathComponent, source: written, isFixture: false)
        return url
    }
}
