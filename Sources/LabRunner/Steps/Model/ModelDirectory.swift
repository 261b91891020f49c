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
            throw LabError(location, "\(error)", ko: "모델을 찾을 수 없습니다: \(error)")
        }
        // A folder the book names is read (and packaged into the handout's listing) like any
        // other file; the project's fixtures and downloaded hub weights are ours.
        if case .folder = reference, session.services.fixtures[written] == nil { try confine(url, written: written, at: location) }
        var kind = WeightsNote.Kind.of(url, language: language)
        // A folder the author names that is not one of ours: whatever its weights are.
        if kind == .pretrained, case .folder = reference, !written.isEmpty, session.services.fixtures[written] == nil {
            kind = .supplied
        }
        let name = if case let .fixture(fixture) = reference { fixture } else { url.lastPathComponent }
        noteWeights(model: name, source: written, kind: kind)
        session.noteRead(url)
        return url
    }
}

extension StepKey {
    /// `model:` as every model step reads it.
    static let model = StepKey("model", .string, required: true,
                               "The model: fixture:<name>, a folder in the seed's layout, torchvision://… or hf://owner/repo.")
    /// The handler, as the SDK's entry_point / SAGEMAKER_PROGRAM names it.
    static let program = StepKey("program", .string, required: true, "The inference handler (nsmc, korsts, kobart, maskrcnn, yolo-detect); `labbook models` lists which fits.")
}
