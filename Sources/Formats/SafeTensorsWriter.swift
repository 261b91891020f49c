// Writes float32 tensors as a safetensors file (the layout SafeTensors.read accepts): an
// 8-byte little-endian header length, the JSON header with names sorted and offsets
// packed back to back, the header padded with spaces to a multiple of 8 as the reference
// writer does (so the buffer stays aligned), then the little-endian data.
import Foundation
import Inference

extension SafeTensors {
    /// The bytes of a safetensors file holding `tensors` as F32, with optional `__metadata__`.
    public static func encode(_ tensors: [String: Tensor], metadata: [String: String] = [:]) throws -> Data {
        let entries = tensors.sorted { $0.key < $1.key }
        var header: [String: Any] = [:]
        var offset = 0
        for (name, tensor) in entries {
            let bytes = tensor.count * MemoryLayout<Float>.size
            header[name] = ["dtype": ElementType.float32.rawValue, "shape": tensor.shape, "data_offsets": [offset, offset + bytes]]
            offset += bytes
        }
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        json.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8))
        var data = Data(capacity: 8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(json)
        // Float's in-memory bytes are little-endian on the hosts this package supports (x86-64, arm64).
        for (_, tensor) in entries {
            tensor.storage.withUnsafeBytes { data.append(contentsOf: $0) }
        }
        return data
    }

    /// Writes `tensors` to `url` (see `encode`).
    public static func write(_ tensors: [String: Tensor], to url: URL, metadata: [String: String] = [:]) throws {
        try encode(tensors, metadata: metadata).write(to: url, options: .atomic)
    }
}
