// smithy-rpc-v2-cbor bodies (CloudWatch's preferred protocol in current botocore), read
// and written with libcbor: structures are maps keyed by member name, blobs are byte
// strings, timestamps are tag 1 around epoch seconds.
import AWSShapes
import CCBOR
import Foundation

/// CBOR decoded into Swift values, before any shape gives it meaning.
indirect enum CBORTree {
    case null, bool(Bool), integer(Int64), double(Double), text(String), bytes(Data)
    case array([CBORTree]), map([(CBORTree, CBORTree)]), tagged(UInt64, CBORTree)

    static func decode(_ data: Data) throws -> CBORTree {
        var result = cbor_load_result()
        let item = data.withUnsafeBytes { raw in
            cbor_load(raw.bindMemory(to: UInt8.self).baseAddress, raw.count, &result)
        }
        guard let loaded = item, result.error.code == CBOR_ERR_NONE else {
            throw WireError.serialization("The request body is not valid CBOR (error \(result.error.code.rawValue) at byte \(result.error.position)).")
        }
        var owned: UnsafeMutablePointer<cbor_item_t>? = loaded
        defer { cbor_decref(&owned) }
        return try tree(loaded, depth: 0)
    }

    /// AWS shapes nest a few levels; anything deeper than this is an attack on the stack.
    static let maxDepth = 64

    private static func tree(_ item: UnsafeMutablePointer<cbor_item_t>, depth: Int) throws -> CBORTree {
        guard depth < maxDepth else {
            throw WireError.serialization("The CBOR body nests deeper than \(maxDepth) levels.")
        }
        let tree = { (inner: UnsafeMutablePointer<cbor_item_t>) in try Self.tree(inner, depth: depth + 1) }
        switch cbor_typeof(item) {
        case CBOR_TYPE_UINT: return .integer(Int64(truncatingIfNeeded: cbor_get_int(item)))
        case CBOR_TYPE_NEGINT: return .integer(-1 - Int64(truncatingIfNeeded: cbor_get_int(item)))
        case CBOR_TYPE_BYTESTRING: return .bytes(chunks(item, string: false))
        case CBOR_TYPE_STRING: return .text(String(decoding: chunks(item, string: true), as: UTF8.self))
        case CBOR_TYPE_ARRAY:
            let handle = cbor_array_handle(item)!
            return .array(try (0..<cbor_array_size(item)).map { try tree(handle[$0]!) })
        case CBOR_TYPE_MAP:
            let handle = cbor_map_handle(item)!
            return .map(try (0..<cbor_map_size(item)).map { (try tree(handle[$0].key), try tree(handle[$0].value)) })
        case CBOR_TYPE_TAG:
            var inner = cbor_tag_item(item)
            defer { cbor_decref(&inner) }
            guard let inner else { return .null }
            return .tagged(cbor_tag_value(item), try tree(inner))
        default:
            // libcbor asserts if a float is asked for its control value: check the width first.
            guard cbor_isa_float_ctrl(item) else { return .null }
            if cbor_float_get_width(item) != CBOR_FLOAT_0 { return .double(cbor_float_get_float(item)) }
            switch cbor_ctrl_value(item) {
            case 20: return .bool(false)
            case 21: return .bool(true)
            default: return .null
            }
        }
    }

    private static func chunks(_ item: UnsafeMutablePointer<cbor_item_t>, string: Bool) -> Data {
        let definite = string ? cbor_string_is_definite(item) : cbor_bytestring_is_definite(item)
        if definite {
            let length = string ? cbor_string_length(item) : cbor_bytestring_length(item)
            guard let handle = string ? cbor_string_handle(item) : cbor_bytestring_handle(item) else { return Data() }
            return Data(bytes: handle, count: length)
        }
        let count = string ? cbor_string_chunk_count(item) : cbor_bytestring_chunk_count(item)
        guard let handle = string ? cbor_string_chunks_handle(item) : cbor_bytestring_chunks_handle(item) else { return Data() }
        return (0..<count).reduce(into: Data()) { $0 += chunks(handle[$1]!, string: string) }
    }
}

struct CBORShapeCodec {
    let model: ServiceModel

    func decode(_ data: Data, shape: String) throws -> AWSValue {
        guard !data.isEmpty else { return .empty }
        return value(try CBORTree.decode(data), model.shape(shape))
    }

    /// A body read with no shape to guide it (error bodies).
    func decodeRaw(_ data: Data) throws -> AWSValue { raw(try CBORTree.decode(data)) }

    func value(_ tree: CBORTree, _ shape: Shape) -> AWSValue {
        switch (shape.kind, tree) {
        case (_, .null): return .null
        case (.structure, .map(let pairs)), (.unionStructure, .map(let pairs)):
            var map: [String: AWSValue] = [:]
            for (key, item) in pairs {
                guard case .text(let name) = key, let member = shape.member(named: name) else { continue }
                map[name] = value(item, model.shape(member.shape))
            }
            return .map(map)
        case (.map, .map(let pairs)):
            var map: [String: AWSValue] = [:]
            for (key, item) in pairs { if case .text(let k) = key { map[k] = value(item, model.shape(shape.value!.shape)) } }
            return .map(map)
        case (.list, .array(let items)):
            return .list(items.map { value($0, model.shape(shape.member!.shape)) })
        case (.timestamp, .tagged(1, let inner)), (.timestamp, let inner):
            switch inner {
            case .integer(let i): return .timestamp(Date(timeIntervalSince1970: Double(i)))
            case .double(let d): return .timestamp(Date(timeIntervalSince1970: d))
            default: return raw(inner)
            }
        case (.float, .integer(let i)), (.double, .integer(let i)): return .double(Double(i))
        default: return raw(tree)
        }
    }

    private func raw(_ tree: CBORTree) -> AWSValue {
        switch tree {
        case .null: .null
        case .bool(let b): .bool(b)
        case .integer(let i): .integer(i)
        case .double(let d): .double(d)
        case .text(let s): .string(s)
        case .bytes(let d): .blob(d)
        case .array(let a): .list(a.map(raw))
        case .map(let pairs): .map(Dictionary(pairs.compactMap { k, v in
            if case .text(let key) = k { (key, raw(v)) } else { nil } }, uniquingKeysWith: { a, _ in a }))
        case .tagged(_, let inner): raw(inner)
        }
    }

    func encode(_ value: AWSValue, shape: String?) -> Data {
        var item = build(value, shape.map(model.shape))
        defer { cbor_decref(&item) }
        var buffer: UnsafeMutablePointer<UInt8>?
        var size = 0
        let length = cbor_serialize_alloc(item, &buffer, &size)
        defer { free(buffer) }
        guard let buffer, length > 0 else { return Data() }
        return Data(bytes: buffer, count: length)
    }

    /// A new libcbor item (reference count 1) for `value`, shaped by `shape` when known.
    private func build(_ value: AWSValue, _ shape: Shape?) -> UnsafeMutablePointer<cbor_item_t>? {
        switch value {
        case .null: return cbor_new_null()
        case .bool(let b): return cbor_build_bool(b)
        case .integer(let i): return i >= 0 ? cbor_build_uint64(UInt64(i)) : cbor_build_negint64(UInt64(-1 - i))
        case .double(let d): return cbor_build_float8(d)
        case .string(let s): return s.withCString { cbor_build_stringn($0, s.utf8.count) }
        case .blob(let d): return d.withUnsafeBytes { cbor_build_bytestring($0.bindMemory(to: UInt8.self).baseAddress, d.count) }
        case .timestamp(let d): return cbor_build_tag(1, cbor_move(cbor_build_float8(d.timeIntervalSince1970)))
        case .list(let items):
            let array = cbor_new_definite_array(items.count)
            let inner = shape?.member.map { model.shape($0.shape) }
            for item in items { _ = cbor_array_push(array, cbor_move(build(item, inner))) }
            return array
        case .map(let entries):
            let members = shape?.kind == .structure ? shape?.members.filter { $0.location == nil && entries[$0.name] != nil && entries[$0.name] != .null } : nil
            let keys = members?.map(\.name) ?? entries.keys.sorted()
            let map = cbor_new_definite_map(keys.count)
            for key in keys {
                let inner = shape?.kind == .map ? shape?.value.map { model.shape($0.shape) }
                    : shape?.member(named: key).map { model.shape($0.shape) }
                let pair = cbor_pair(key: cbor_move(key.withCString { cbor_build_stringn($0, key.utf8.count) }),
                                     value: cbor_move(build(entries[key]!, inner)))
                _ = cbor_map_add(map, pair)
            }
            return map
        }
    }
}
