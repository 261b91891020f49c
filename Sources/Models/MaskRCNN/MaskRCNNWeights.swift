// Mask R-CNN weights as a model folder holds them: `model.pth` in torchvision's state_dict
// layout (zip or the legacy pre-1.6 stream, as the COCO checkpoint
// `maskrcnn_resnet50_fpn_coco-bf2d0c1e.pth` is), and an optional `config.json`
// (MaskRCNNConfig). torchvision 0.13 wrapped the FPN, RPN-head and mask-head convolutions
// in `Conv2dNormActivation`, renaming their keys; checkpoints saved before that (the COCO
// one among them) are renamed here, as torchvision's `_load_from_state_dict` hooks do.
import Foundation
import Formats
import Inference

public enum MaskRCNNWeights {
    /// Weight files tried in order.
    public static let fileNames = ["model.pth", "model.safetensors", "maskrcnn_resnet50_fpn_coco-bf2d0c1e.pth"]

    /// The renamed keys: `inner_blocks.K.weight` → `inner_blocks.K.0.weight` (also
    /// layer_blocks), `rpn.head.conv.weight` → `rpn.head.conv.0.0.weight`, and
    /// `mask_head.mask_fcnN.weight` → `mask_head.(N−1).0.weight`.
    public static func renamingLegacyKeys(_ tensors: [String: Tensor]) -> [String: Tensor] {
        var renamed: [String: Tensor] = [:]
        for (key, tensor) in tensors { renamed[newName(key)] = tensor }
        return renamed
    }

    static func newName(_ key: String) -> String {
        var parts = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2 else { return key }
        let leaf = parts.removeLast()
        if parts.count == 4, parts[0] == "backbone", parts[1] == "fpn", ["inner_blocks", "layer_blocks"].contains(parts[2]) {
            return (parts + ["0", leaf]).joined(separator: ".")
        }
        if parts == ["rpn", "head", "conv"] { return "rpn.head.conv.0.0.\(leaf)" }
        if parts.count == 3, parts[0] == "roi_heads", parts[1] == "mask_head", parts[2].hasPrefix("mask_fcn"),
           let number = Int(parts[2].dropFirst("mask_fcn".count)), number >= 1 {
            return "roi_heads.mask_head.\(number - 1).0.\(leaf)"
        }
        return key
    }
}

extension MaskRCNN {
    /// Loads `directory`'s weights and config (torchvision's COCO defaults without one).
    public init(directory: URL) throws {
        let manager = FileManager.default
        guard let weights = MaskRCNNWeights.fileNames.map({ directory.appendingPathComponent($0) })
            .first(where: { manager.fileExists(atPath: $0.path) }) else {
            throw ModelSourceError.notAModelDirectory(directory.path, missing: MaskRCNNWeights.fileNames.joined(separator: " or "))
        }
        let configFile = directory.appendingPathComponent("config.json")
        let config = manager.fileExists(atPath: configFile.path) ? try MaskRCNNConfig(contentsOf: configFile) : MaskRCNNConfig()
        try self.init(weights: try Checkpoint.read(contentsOf: weights), config: config, checkpointName: weights.path)
    }
}
