// One entry point for weights files, chosen by content.
import Foundation
import Inference

public enum Checkpoint {
    /// Reads `.safetensors`, zip `.pth`/`.bin` or a legacy `torch.save` stream into a
    /// name → float32 tensor map. The file is memory-mapped.
    public static func read(contentsOf url: URL) throws -> [String: Tensor] {
        let data: Data
        do { data = try Data(contentsOf: url, options: .alwaysMapped) } catch {
            throw CheckpointError(.io, url.path, "cannot read: \(FileProblem.reason(error, at: url))")
        }
        return try read(data, location: url.lastPathComponent, isSafeTensors: url.pathExtension == "safetensors")
    }

    public static func read(_ data: Data, location: String, isSafeTensors: Bool) throws -> [String: Tensor] {
        isSafeTensors ? try SafeTensors.read(data, location: location) : try TorchCheckpoint.read(data, location: location)
    }
}
