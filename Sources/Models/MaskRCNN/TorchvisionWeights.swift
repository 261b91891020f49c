// torchvision's published COCO weights for `maskrcnn_resnet50_fpn`, fetched as
// `torch.hub.load_state_dict_from_url(..., check_hash=True)` fetches them: from
// download.pytorch.org into a cache, checked against the SHA-256 prefix in the file name
// (`-bf2d0c1e`). A book names them `torchvision://maskrcnn_resnet50_fpn_coco`. Offline
// (as on the workshop machine this project is built for) the download fails with its
// reason, and labs use the project's own demo model instead.
import Foundation
import Serving

public enum TorchvisionWeights {
    public struct Checkpoint: Sendable {
        public var reference: String
        public var url: URL
        /// The hash prefix torchvision puts in the file name.
        public var sha256Prefix: String
        public var fileName: String { url.lastPathComponent }
    }

    public static let maskRCNNCOCO = Checkpoint(
        reference: "torchvision://maskrcnn_resnet50_fpn_coco",
        url: URL(string: "https://download.pytorch.org/models/maskrcnn_resnet50_fpn_coco-bf2d0c1e.pth")!,
        sha256Prefix: "bf2d0c1e")

    public static let all = [maskRCNNCOCO]

    public static var cacheDirectory: URL {
        FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/labbook/torchvision")
    }

    /// A model folder holding the checkpoint, downloading it on first use.
    public static func modelDirectory(_ reference: String, cache: URL = cacheDirectory) throws -> URL {
        guard let checkpoint = all.first(where: { $0.reference == reference }) else {
            throw ModelSourceError.unknownTinyModel(reference, known: all.map(\.reference))
        }
        return try modelDirectory(checkpoint, cache: cache)
    }

    /// The folder for `checkpoint`: downloaded and hash-checked once, then from the cache.
    static func modelDirectory(_ checkpoint: Checkpoint, cache: URL) throws -> URL {
        let folder = cache.appendingPathComponent(checkpoint.fileName.replacingOccurrences(of: ".pth", with: ""))
        let file = folder.appendingPathComponent(checkpoint.fileName)
        if FileManager.default.fileExists(atPath: file.path) { return folder }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let staged = folder.appendingPathComponent("download.pth")
        try downloadFile(checkpoint.url, to: staged)
        let data = try Data(contentsOf: staged, options: .alwaysMapped)
        let digest = Digest.sha256Hex(data)
        guard digest.hasPrefix(checkpoint.sha256Prefix) else {
            try? FileManager.default.removeItem(at: staged)
            throw ModelSourceError.download(url: checkpoint.url.absoluteString,
                                            reason: "invalid hash value (expected prefix \(checkpoint.sha256Prefix), got \(digest))")
        }
        try FileManager.default.moveItem(at: staged, to: file)
        return folder
    }
}
