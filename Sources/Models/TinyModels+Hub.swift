// Where a model directory comes from: a committed tiny model, a local folder in the labs'
// layout, or real weights from the Hugging Face Hub (`hf://<owner>/<repo>[@revision]`),
// downloaded once into a cache (default ~/.cache/labbook/hf) and laid out like the seed:
// config.json and the weights at the root, the tokenizer files under vocab/.
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

public struct HuggingFaceHub: Sendable {
    public struct Reference: Sendable, Equatable {
        public var repository: String
        public var revision: String

        /// Parses `hf://owner/repo` or `hf://owner/repo@revision` (revision defaults to main).
        public init(_ text: String) throws {
            guard text.hasPrefix("hf://") else { throw ModelSourceError.badHubReference(text) }
            let rest = text.dropFirst("hf://".count)
            let parts = rest.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let path = parts.first ?? ""
            let pieces = path.split(separator: "/", omittingEmptySubsequences: false)
            let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_."))
            guard pieces.count == 2, pieces.allSatisfy({ !$0.isEmpty && $0 != ".." && $0.unicodeScalars.allSatisfy(allowed.contains) }),
                  parts.count == 1 || !(parts.last ?? "").isEmpty else {
                throw ModelSourceError.badHubReference(text)
            }
            repository = path
            revision = parts.count == 2 ? parts[1] : "main"
        }
    }

    public static let configFile = "config.json"
    /// Tried in order; the first one the repository has is used.
    public static let weightFiles = ["model.safetensors", "pytorch_model.bin", "model.pth"]
    public static let tokenizerFiles = ["tokenizer.json", "vocab.txt", "tokenizer_config.json", "special_tokens_map.json"]

    public var cacheDirectory: URL
    public var endpoint: URL

    public init(cacheDirectory: URL = HuggingFaceHub.defaultCacheDirectory,
                endpoint: URL = URL(string: "https://huggingface.co")!) {
        self.cacheDirectory = cacheDirectory
        self.endpoint = endpoint
    }

    public static var defaultCacheDirectory: URL {
        FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/labbook/hf")
    }

    /// `https://huggingface.co/<repo>/resolve/<revision>/<file>`.
    public func resolveURL(_ reference: Reference, file: String) -> URL {
        endpoint.appendingPathComponent(reference.repository).appendingPathComponent("resolve")
            .appendingPathComponent(reference.revision).appendingPathComponent(file)
    }

    /// The cache folder for one repository at one revision.
    public func cacheFolder(_ reference: Reference) -> URL {
        cacheDirectory.appendingPathComponent(reference.repository.replacingOccurrences(of: "/", with: "--"))
            .appendingPathComponent(reference.revision)
    }

    /// The cached model directory if it is complete (config, weights, a tokenizer), else nil.
    public func cachedModelDirectory(_ reference: Reference) -> URL? {
        let folder = cacheFolder(reference)
        let manager = FileManager.default
        func has(_ path: String) -> Bool { manager.fileExists(atPath: folder.appendingPathComponent(path).path) }
        guard has(HuggingFaceHub.configFile), HuggingFaceHub.weightFiles.contains(where: has),
              has("vocab/tokenizer.json") || has("vocab/vocab.txt") else { return nil }
        return folder
    }

    /// The model directory, downloading what the cache lacks. Needs network access.
    public func modelDirectory(_ reference: Reference) throws -> URL {
        if let cached = cachedModelDirectory(reference) { return cached }
        let folder = cacheFolder(reference)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("vocab"), withIntermediateDirectories: true)
        try download(reference, HuggingFaceHub.configFile, to: folder.appendingPathComponent(HuggingFaceHub.configFile), required: true)
        var gotWeights = false
        for name in HuggingFaceHub.weightFiles where !gotWeights {
            gotWeights = try download(reference, name, to: folder.appendingPathComponent(name), required: false)
        }
        guard gotWeights else {
            throw ModelSourceError.download(url: resolveURL(reference, file: "model.safetensors").absoluteString,
                                            reason: "the repository has none of \(HuggingFaceHub.weightFiles)")
        }
        for name in HuggingFaceHub.tokenizerFiles {
            try download(reference, name, to: folder.appendingPathComponent("vocab").appendingPathComponent(name), required: false)
        }
        guard let complete = cachedModelDirectory(reference) else {
            throw ModelSourceError.download(url: resolveURL(reference, file: "tokenizer.json").absoluteString, reason: "no tokenizer files")
        }
        return complete
    }

    /// Fetches one file to `target`. Returns false for a 404 on an optional file.
    @discardableResult
    private func download(_ reference: Reference, _ file: String, to target: URL, required: Bool) throws -> Bool {
        let url = resolveURL(reference, file: file)
        let status = try downloadFile(url, to: target, acceptMissing: !required)
        return status != 404
    }
}

/// Resolves what a lab book names as a model: `hf://owner/repo[@rev]` (cached download),
/// `torchvision://maskrcnn_resnet50_fpn_coco` (cached download), the name of a committed
/// model (`nsmc`, `korsts`, `nsmc-tiny`, `maskrcnn-demo`, ...), or a local folder path.
public func modelDirectory(for reference: String, hub: HuggingFaceHub = HuggingFaceHub()) throws -> URL {
    if reference.hasPrefix("hf://") { return try hub.modelDirectory(try HuggingFaceHub.Reference(reference)) }
    if reference.hasPrefix("torchvision://") { return try TorchvisionWeights.modelDirectory(reference) }
    let local = URL(fileURLWithPath: reference)
    // A folder with a config, or with weights alone (torchvision's COCO Mask R-CNN needs no config).
    if ["config.json", "model.pth"].contains(where: { FileManager.default.fileExists(atPath: local.appendingPathComponent($0).path) }) {
        return local
    }
    return try offlineModelDirectory(reference)
}
