// safetensors (huggingface/safetensors format spec): an 8-byte little-endian header
// length, a JSON header `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__":
// {...}}`, then the byte buffer. The file is memory-mapped; every entry is validated
// against the buffer (size matches dtype × shape, inside the buffer, no overlaps, no
// holes) before any tensor is decoded, and F16/BF16 are widened to float32.
import Foundation
import Inference

public enum SafeTensors {
    public struct TensorInfo: Sendable, Equatable {
        public var name: String
        public var elementType: ElementType
        public var shape: [Int]
        public var begin: Int, end: Int
    }

    /// The largest header accepted, as the reference implementation does (100 MB).
    static let maximumHeaderSize = 100_000_000

    public static func read(_ data: Data, location: String) throws -> [String: Tensor] {
        let (infos, bufferStart) = try header(data, location: location)
        var result: [String: Tensor] = [:]
        try data.withUnsafeBytes { raw in
            for info in infos {
                let slice = UnsafeRawBufferPointer(rebasing: raw[(bufferStart + info.begin)..<(bufferStart + info.end)])
                let count = (info.end - info.begin) / info.elementType.byteSize
                result[info.name] = try Tensor(shape: info.shape, storage: info.elementType.decode(slice, count: count))
            }
        }
        return result
    }

    /// Parses and validates the header; returns the entries sorted by offset and where the buffer starts.
    public static func header(_ data: Data, location: String) throws -> ([TensorInfo], Int) {
        guard data.count >= 8 else { throw CheckpointError(.truncated, location, "shorter than the 8-byte header length") }
        let length = data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> UInt64 in
            var value: UInt64 = 0
            for i in 0..<8 { value |= UInt64(raw[i]) << UInt64(8 * i) }
            return value
        }
        guard length <= UInt64(maximumHeaderSize), Int(length) <= data.count - 8 else {
            throw CheckpointError(.truncated, location, "header length \(length) exceeds the file (\(data.count) bytes)")
        }
        let headerBytes = data[(data.startIndex + 8)..<(data.startIndex + 8 + Int(length))]
        guard let json = try? JSONSerialization.jsonObject(with: headerBytes), let object = json as? [String: Any] else {
            throw CheckpointError(.malformed, location, "header is not a JSON object")
        }
        let bufferStart = 8 + Int(length)
        let bufferSize = data.count - bufferStart
        var infos: [TensorInfo] = []
        for (name, value) in object where name != "__metadata__" {
            infos.append(try entry(name, value, bufferSize: bufferSize, location: location))
        }
        infos.sort { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        var covered = 0
        for info in infos {
            guard info.begin >= covered else {
                throw CheckpointError(.malformed, "\(location): \(info.name)", "data_offsets [\(info.begin), \(info.end)] overlap the previous tensor (ends at \(covered))")
            }
            guard info.begin == covered else {
                throw CheckpointError(.malformed, "\(location): \(info.name)", "hole in the byte buffer before offset \(info.begin)")
            }
            covered = info.end
        }
        guard covered == bufferSize else {
            throw CheckpointError(.malformed, location, "tensors cover \(covered) bytes but the buffer holds \(bufferSize)")
        }
        return (infos, bufferStart)
    }

    private static func entry(_ name: String, _ value: Any, bufferSize: Int, location: String) throws -> TensorInfo {
        let place = "\(location): \(name)"
        guard let fields = value as? [String: Any], let dtypeName = fields["dtype"] as? String,
              let shapeValues = fields["shape"] as? [Any], let offsetValues = fields["data_offsets"] as? [Any] else {
            throw CheckpointError(.malformed, place, "entry needs dtype, shape and data_offsets")
        }
        guard let type = ElementType(rawValue: dtypeName) else {
            throw CheckpointError(.unsupported, place, "dtype \(dtypeName)")
        }
        let shape = try shapeValues.map { try integer($0, place, "shape") }
        let offsets = try offsetValues.map { try integer($0, place, "data_offsets") }
        guard offsets.count == 2, offsets[0] <= offsets[1], offsets[1] <= bufferSize else {
            throw CheckpointError(.malformed, place, "data_offsets \(offsets) outside the \(bufferSize)-byte buffer")
        }
        guard let count = Tensor.elementCount(shape), count <= bufferSize,
              count * type.byteSize == offsets[1] - offsets[0] else {
            throw CheckpointError(.malformed, place, "shape \(shape) of \(dtypeName) does not fill data_offsets \(offsets)")
        }
        return TensorInfo(name: name, elementType: type, shape: shape, begin: offsets[0], end: offsets[1])
    }

    private static func integer(_ value: Any, _ location: String, _ field: String) throws -> Int {
        guard let number = value as? NSNumber, number.doubleValue == Double(number.int64Value), number.int64Value >= 0,
              number.int64Value <= Int64(Int32.max) * 1024 else {
            throw CheckpointError(.malformed, location, "\(field) holds \(value), not a non-negative integer")
        }
        return Int(number.int64Value)
    }
}
