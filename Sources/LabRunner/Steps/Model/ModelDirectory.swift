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
    /// `fixture:<name>`, a hub reference or a folder (ModelReference); notes which weights
    /// were used for the handout.
    func modelDirectory(_ written: String, at location: SourceLocation) throws -> URL {
        let reference = ModelReference(written)
        let url: URL
        do { url = try reference.directory(fixtures: session.services.fixtures, base: session.book.directory) } catch {
            throw LabError(location, "\(error)")
        }
        var kind = WeightsNote.Kind.of(url, language: language)
        // A folder the author names that is not one of ours: whatever its weights are.
        if kind == .pretrained, case .folder = reference, !written.isEmpty, session.services.fixtures[written] == nil {
            kind = .supplied
        }
        let name = if case let .fixture(fixture) = reference { fixture } else { url.lastPathComponent }
        noteWeights(model: name, source: written, kind: kind)
        return url
    }
}
