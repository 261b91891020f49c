// PyTorch checkpoints (`torch.save` of a state dict) read into name → float32 tensors.
//
// Two layouts exist. Since PyTorch 1.6 a zip archive: `<root>/data.pkl` is the pickled
// dict, with tensors as `_rebuild_tensor_v2(persistent storage id, offset, size, stride)`
// and each storage's raw bytes in `<root>/data/<key>` (the root folder's name varies).
// Before 1.6 (and with `_use_new_zipfile_serialization=False`) one stream: the magic
// number, the protocol version and a sys_info dict as three pickles, then the state dict
// pickle, then a pickled list of storage keys, then per key an int64 element count and
// the raw elements. Both are little-endian here; torch writes big-endian only on
// big-endian hosts, which the byteorder record (zip) or sys_info (legacy) would show.
import Foundation
import Inference

public enum TorchCheckpoint {
    /// Reads either layout, told apart by the first bytes.
    public static func read(_ data: Data, location: String) throws -> [String: Tensor] {
        if data.starts(with: [0x50, 0x4B, 0x03, 0x04]) || data.starts(with: [0x50, 0x4B, 0x05, 0x06]) {
            return try readZip(data, location: location)
        }
        if data.starts(with: [0x80, 0x02]) {
            return try readLegacy(data, location: location)
        }
        if data.count >= 2, data[data.startIndex] == 0x80 {
            throw CheckpointError(.unsupported, location, "a bare pickle with protocol \(data[data.startIndex + 1]); torch.save writes a zip "
                                  + "archive (PyTorch 1.6 and later) or a legacy stream that starts with pickle protocol 2")
        }
        throw CheckpointError(.malformed, location, "neither a zip checkpoint nor a legacy torch.save stream")
    }

    static func readZip(_ data: Data, location: String) throws -> [String: Tensor] {
        let archive = try ZipArchive(data: data, location: location)
        let pickles = archive.entries.filter { $0.name.hasSuffix("data.pkl") && $0.name.split(separator: "/").count == 2 }
        guard pickles.count == 1, let pickleName = pickles.first?.name else {
            throw CheckpointError(.malformed, location, "expected one <root>/data.pkl, found \(pickles.count)")
        }
        let root = String(pickleName.dropLast("data.pkl".count))
        if let order = try? archive.contents(of: root + "byteorder"), String(decoding: order, as: UTF8.self) != "little" {
            throw CheckpointError(.unsupported, location, "big-endian checkpoint")
        }
        let pickle = try archive.contents(of: pickleName)
        let (value, _) = try pickle.withUnsafeBytes { raw in
            try PickleMachine.load(ByteReader(raw, location: "\(location):\(pickleName)"), persistentLoad: storageReference)
        }
        var storages: [String: Data] = [:]
        return try tensors(in: value, location: location) { ref in
            if let cached = storages[ref.key] { return cached }
            let bytes = try archive.contents(of: "\(root)data/\(ref.key)")
            storages[ref.key] = bytes
            return bytes
        }
    }

    static func readLegacy(_ data: Data, location: String) throws -> [String: Tensor] {
        try data.withUnsafeBytes { raw in
            var offset = 0
            func next(_ persistentLoad: ((PickleValue) throws -> PickleValue)? = nil) throws -> PickleValue {
                let reader = ByteReader(raw, location: location, offset: offset)
                let (value, end) = try persistentLoad.map { try PickleMachine.load(reader, persistentLoad: $0) }
                    ?? PickleMachine.load(reader)
                offset = end
                return value
            }
            let magic: [UInt8] = [0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19]
            guard case let .bytes(found) = try next(), found == magic else {
                throw CheckpointError(.malformed, location, "legacy torch.save magic number missing")
            }
            guard case .int(1001) = try next() else {
                throw CheckpointError(.unsupported, location, "legacy protocol version other than 1001")
            }
            if case let .dict(info) = try next(), let little = lookup(info, "little_endian"), case .bool(false) = little {
                throw CheckpointError(.unsupported, location, "big-endian checkpoint")
            }
            var types: [String: ElementType] = [:]
            let state = try next { id in
                let value = try storageReference(id)
                if case let .storage(ref) = value { types[ref.key] = ref.elementType }
                return value
            }
            guard case let .list(keyList) = try next() else {
                throw CheckpointError(.malformed, location, "legacy storage key list missing")
            }
            var storages: [String: Data] = [:]
            var reader = ByteReader(raw, location: location, offset: offset)
            for item in keyList.items {
                guard case let .string(key) = item, let type = types[key] else {
                    throw CheckpointError(.malformed, location, "storage key \(item.typeName) not referenced by the state dict")
                }
                let count = try reader.littleEndian(Int64.self)
                guard count >= 0, count <= Int64(reader.remaining / type.byteSize) else {
                    throw CheckpointError(.truncated, "\(location) storage \(key)", "claims \(count) elements, \(reader.remaining) bytes left")
                }
                let bytes = try reader.take(Int(count) * type.byteSize)
                storages[key] = Data(bytes)
            }
            return try tensors(in: state, location: location) { ref in
                guard let bytes = storages[ref.key] else {
                    throw CheckpointError(.malformed, location, "storage \(ref.key) has no data")
                }
                return bytes
            }
        }
    }

    /// persistent_load for both layouts: ('storage', torch.XStorage, key, location, numel[, view]).
    private static func storageReference(_ id: PickleValue) throws -> PickleValue {
        guard case let .tuple(parts) = id, parts.count >= 5, case .string("storage") = parts[0],
              case let .global(_, typeName) = parts[1], case let .string(key) = parts[2] else {
            throw CheckpointError(.malformed, "pickle", "persistent id is not a torch storage reference")
        }
        guard let type = ElementType(torchStorageName: typeName) else {
            throw CheckpointError(.unsupported, "pickle", "storage type \(typeName)")
        }
        if parts.count > 5, case .tuple = parts[5] {
            throw CheckpointError(.unsupported, "pickle", "storage views (pre-1.0 checkpoints)")
        }
        var count: Int?
        if case let .int(n) = parts[4] { count = n }
        return .storage(TorchStorageRef(key: key, elementType: type, elementCount: count))
    }

    private static func lookup(_ dict: PickleDict, _ name: String) -> PickleValue? {
        dict.pairs.first { if case .string(name) = $0.key { return true } else { return false } }?.value
    }

    /// The string → tensor entries of the top-level dict (or of its `state_dict` /
    /// `model_state_dict` entry, as training scripts often wrap it).
    private static func tensors(in value: PickleValue, location: String,
                                storage: (TorchStorageRef) throws -> Data) throws -> [String: Tensor] {
        guard case let .dict(dict) = value else {
            throw CheckpointError(.malformed, location, "top-level object is \(value.typeName), not a state dict")
        }
        for wrapper in ["state_dict", "model_state_dict"] {
            if let inner = lookup(dict, wrapper), case .dict = inner { return try tensors(in: inner, location: location, storage: storage) }
        }
        var result: [String: Tensor] = [:]
        for (key, entry) in dict.pairs {
            guard case let .string(name) = key, case let .tensor(ref) = entry else { continue }
            result[name] = try materialize(ref, bytes: try storage(ref.storage), location: "\(location): \(name)")
        }
        return result
    }

    /// Copies a strided view of a storage into a contiguous float32 tensor, checking that
    /// every element it names lies inside the storage.
    static func materialize(_ ref: TorchTensorRef, bytes: Data, location: String) throws -> Tensor {
        let type = ref.storage.elementType
        let available = bytes.count / type.byteSize
        if let declared = ref.storage.elementCount, declared > available {
            throw CheckpointError(.truncated, location, "storage declares \(declared) elements but holds \(available)")
        }
        guard ref.shape.count == ref.strides.count, ref.offset >= 0, ref.strides.allSatisfy({ $0 >= 0 }),
              let count = Tensor.elementCount(ref.shape) else {
            throw CheckpointError(.malformed, location, "invalid size \(ref.shape) / stride \(ref.strides) / offset \(ref.offset)")
        }
        var last = ref.offset
        if count > 0 {
            for (dim, stride) in zip(ref.shape, ref.strides) {
                let (step, overflow1) = (dim - 1).multipliedReportingOverflow(by: stride)
                let (sum, overflow2) = last.addingReportingOverflow(step)
                guard !overflow1, !overflow2 else { throw CheckpointError(.malformed, location, "stride overflow") }
                last = sum
            }
            guard last < available else {
                throw CheckpointError(.malformed, location, "view reaches element \(last), storage holds \(available)")
            }
        }
        let values: [Float] = bytes.withUnsafeBytes { raw in
            if isContiguous(ref.shape, ref.strides) {
                let start = ref.offset * type.byteSize
                return type.decode(UnsafeRawBufferPointer(rebasing: raw[start..<(start + count * type.byteSize)]), count: count)
            }
            return gather(ref, count: count) { type.load(raw, $0) }
        }
        return try Tensor(shape: ref.shape, storage: values)
    }

    private static func isContiguous(_ shape: [Int], _ strides: [Int]) -> Bool {
        var expected = 1
        for (dim, stride) in zip(shape, strides).reversed() {
            if dim != 1, stride != expected { return false }
            expected *= dim
        }
        return true
    }

    private static func gather(_ ref: TorchTensorRef, count: Int, load: (Int) -> Float) -> [Float] {
        var index = [Int](repeating: 0, count: ref.shape.count)
        var values = [Float]()
        values.reserveCapacity(count)
        for _ in 0..<count {
            var position = ref.offset
            for axis in index.indices { position += index[axis] * ref.strides[axis] }
            values.append(load(position))
            var axis = index.count - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < ref.shape[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        return values
    }
}
