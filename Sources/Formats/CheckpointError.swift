// Every way a weights file can be wrong, each naming the file part and what was expected.

public struct CheckpointError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case truncated, malformed, unsupported, missingTensor, shapeMismatch, io
    }
    public var kind: Kind
    /// Where: a file, a zip entry, a pickle offset, a tensor name.
    public var location: String
    public var message: String

    public init(_ kind: Kind, _ location: String, _ message: String) {
        self.kind = kind
        self.location = location
        self.message = message
    }

    public var description: String { "\(location): \(message)" }
}

/// Bounds-checked little-endian reads over bytes that came from a file.
struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    let location: String
    var offset: Int

    init(_ bytes: UnsafeRawBufferPointer, location: String, offset: Int = 0) {
        self.bytes = bytes
        self.location = location
        self.offset = offset
    }

    var remaining: Int { bytes.count - offset }
    var isAtEnd: Bool { offset >= bytes.count }

    mutating func skip(_ count: Int) throws { _ = try take(count) }

    mutating func take(_ count: Int) throws -> UnsafeRawBufferPointer {
        guard count >= 0, offset >= 0, count <= bytes.count - offset else {
            throw CheckpointError(.truncated, location, "needs \(count) bytes at offset \(offset), only \(max(bytes.count - offset, 0)) left")
        }
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)])
    }

    mutating func uint8() throws -> UInt8 { try take(1)[0] }

    mutating func littleEndian<T: FixedWidthInteger>(_: T.Type) throws -> T {
        let raw = try take(MemoryLayout<T>.size)
        var value: T = 0
        for (i, byte) in raw.enumerated() { value |= T(truncatingIfNeeded: byte) << (8 * i) }
        return value
    }

    mutating func bigEndian<T: FixedWidthInteger>(_: T.Type) throws -> T {
        let raw = try take(MemoryLayout<T>.size)
        var value: T = 0
        for byte in raw { value = value << 8 | T(truncatingIfNeeded: byte) }
        return value
    }
}
