// Element types found in checkpoints, and their conversion to float32.
import Inference

public enum ElementType: String, Sendable, CaseIterable {
    case float32 = "F32", float16 = "F16", bfloat16 = "BF16", float64 = "F64"
    case int64 = "I64", int32 = "I32", int16 = "I16", int8 = "I8", uint8 = "U8", bool = "BOOL"

    public var byteSize: Int {
        switch self {
        case .float64, .int64: return 8
        case .float32, .int32: return 4
        case .float16, .bfloat16, .int16: return 2
        case .int8, .uint8, .bool: return 1
        }
    }

    /// The element type of a legacy typed storage class such as `torch.HalfStorage`.
    init?(torchStorageName name: String) {
        let table: [String: ElementType] = [
            "FloatStorage": .float32, "HalfStorage": .float16, "BFloat16Storage": .bfloat16, "DoubleStorage": .float64,
            "LongStorage": .int64, "IntStorage": .int32, "ShortStorage": .int16, "CharStorage": .int8,
            "ByteStorage": .uint8, "BoolStorage": .bool,
        ]
        guard let type = table[name] else { return nil }
        self = type
    }

    /// Element `index` of little-endian `raw`, as float32. The caller has bounds-checked it.
    func load(_ raw: UnsafeRawBufferPointer, _ index: Int) -> Float {
        let at = index * byteSize
        switch self {
        case .float32: return Float(bitPattern: raw.loadUnaligned(fromByteOffset: at, as: UInt32.self).littleEndian)
        case .float16: return floatFromHalf(raw.loadUnaligned(fromByteOffset: at, as: UInt16.self).littleEndian)
        case .bfloat16: return Float(bitPattern: UInt32(raw.loadUnaligned(fromByteOffset: at, as: UInt16.self).littleEndian) << 16)
        case .float64: return Float(Double(bitPattern: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self).littleEndian))
        case .int64: return Float(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: Int64.self)))
        case .int32: return Float(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: Int32.self)))
        case .int16: return Float(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: Int16.self)))
        case .int8: return Float(raw.loadUnaligned(fromByteOffset: at, as: Int8.self))
        case .uint8, .bool: return Float(raw[at])
        }
    }

    /// Converts `count` contiguous elements to float32.
    func decode(_ raw: UnsafeRawBufferPointer, count: Int) -> [Float] {
        if self == .float32 {
            return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                if count > 0, let base = buffer.baseAddress { memcpyFloats(base, raw, count) }
                initialized = count
            }
        }
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            switch self {
            case .float16:
                for i in 0..<count { buffer[i] = floatFromHalf(raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self).littleEndian) }
            case .bfloat16:
                for i in 0..<count {
                    buffer[i] = Float(bitPattern: UInt32(raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self).littleEndian) << 16)
                }
            default:
                for i in 0..<count { buffer[i] = load(raw, i) }
            }
            initialized = count
        }
    }
}

private func memcpyFloats(_ target: UnsafeMutablePointer<Float>, _ raw: UnsafeRawBufferPointer, _ count: Int) {
    guard let source = raw.baseAddress else { return }
    UnsafeMutableRawPointer(target).copyMemory(from: source, byteCount: count * 4)
}

/// IEEE 754 binary16 to binary32, subnormals and infinities included.
func floatFromHalf(_ bits: UInt16) -> Float {
    let sign = UInt32(bits & 0x8000) << 16
    let exponent = Int(bits >> 10 & 0x1F)
    let mantissa = UInt32(bits & 0x3FF)
    switch exponent {
    case 0:
        let magnitude = Float(mantissa) * Float(sign: .plus, exponent: -24, significand: 1)
        return sign == 0 ? magnitude : -magnitude
    case 0x1F:
        return Float(bitPattern: sign | 0x7F80_0000 | mantissa << 13)
    default:
        return Float(bitPattern: sign | UInt32(exponent + 112) << 23 | mantissa << 13)
    }
}
