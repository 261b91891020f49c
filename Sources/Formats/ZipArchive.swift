// A small reader for the zip archives `torch.save` writes (PKWARE APPNOTE 6.3): central
// directory, local headers, stored and deflated entries, the zip64 extensions, CRC-32
// checked on every read. torch stores entries uncompressed, so a stored entry is
// returned as a slice of the (memory-mapped) file without a copy.
import CZlib
import Foundation

public struct ZipArchive: Sendable {
    public struct Entry: Sendable {
        public var name: String
        public var method: UInt16
        public var compressedSize: Int
        public var uncompressedSize: Int
        public var crc32: UInt32
        var localHeaderOffset: Int
    }

    public let data: Data
    public let location: String
    public private(set) var entries: [Entry] = []
    private var index: [String: Int] = [:]

    public init(data: Data, location: String) throws {
        self.data = data
        self.location = location
        entries = try data.withUnsafeBytes { try ZipArchive.readCentralDirectory($0, location: location) }
        for (i, entry) in entries.enumerated() { index[entry.name] = i }
    }

    public func entry(named name: String) -> Entry? { index[name].map { entries[$0] } }

    /// The uncompressed bytes of `name`, checked against the entry's CRC-32.
    public func contents(of name: String) throws -> Data {
        guard let entry = entry(named: name) else {
            throw CheckpointError(.malformed, location, "zip entry '\(name)' not found")
        }
        let place = "\(location):\(name)"
        let start = try data.withUnsafeBytes { raw -> Int in
            var reader = ByteReader(raw, location: place, offset: entry.localHeaderOffset)
            guard try reader.littleEndian(UInt32.self) == 0x0403_4B50 else {
                throw CheckpointError(.malformed, place, "bad local header signature at offset \(entry.localHeaderOffset)")
            }
            try reader.skip(22)
            let nameLength = Int(try reader.littleEndian(UInt16.self))
            let extraLength = Int(try reader.littleEndian(UInt16.self))
            try reader.skip(nameLength + extraLength)
            try reader.skip(entry.compressedSize) // the data itself must lie inside the file
            return reader.offset - entry.compressedSize
        }
        let stored = data[(data.startIndex + start)..<(data.startIndex + start + entry.compressedSize)]
        let bytes: Data
        switch entry.method {
        case 0:
            guard entry.compressedSize == entry.uncompressedSize else {
                throw CheckpointError(.malformed, place, "stored entry sizes differ (\(entry.compressedSize) vs \(entry.uncompressedSize))")
            }
            bytes = stored
        case 8: bytes = try inflateRaw(stored, expectedSize: entry.uncompressedSize, location: place)
        default: throw CheckpointError(.unsupported, place, "compression method \(entry.method) (only stored and deflate)")
        }
        let crc = bytes.withUnsafeBytes { raw -> UInt32 in
            guard let base = raw.bindMemory(to: UInt8.self).baseAddress else { return 0 }
            var crc: uLong = 0
            var offset = 0
            while offset < raw.count { // zlib takes UInt32 lengths
                let chunk = min(raw.count - offset, 1 << 30)
                crc = CZlib.crc32(crc, base + offset, uInt(chunk))
                offset += chunk
            }
            return UInt32(truncatingIfNeeded: crc)
        }
        guard crc == entry.crc32 else {
            throw CheckpointError(.malformed, place, "CRC-32 mismatch: stored \(String(entry.crc32, radix: 16)), computed \(String(crc, radix: 16))")
        }
        return bytes
    }

    private static func readCentralDirectory(_ raw: UnsafeRawBufferPointer, location: String) throws -> [Entry] {
        let endOffset = try findEndOfCentralDirectory(raw, location: location)
        var reader = ByteReader(raw, location: location, offset: endOffset + 4)
        try reader.skip(6)
        var count = Int(try reader.littleEndian(UInt16.self))
        var size = Int(try reader.littleEndian(UInt32.self))
        var offset = Int(try reader.littleEndian(UInt32.self))
        if count == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
            (count, size, offset) = try readZip64End(raw, endOffset: endOffset, location: location)
        }
        guard count <= raw.count / 46, size <= raw.count, offset <= raw.count - size else {
            throw CheckpointError(.malformed, location, "central directory (\(count) entries, \(size) bytes at \(offset)) lies outside the file")
        }
        var directory = ByteReader(raw, location: location, offset: offset)
        var entries: [Entry] = []
        entries.reserveCapacity(count)
        for _ in 0..<count { entries.append(try readEntry(&directory)) }
        return entries
    }

    private static func findEndOfCentralDirectory(_ raw: UnsafeRawBufferPointer, location: String) throws -> Int {
        guard raw.count >= 22 else { throw CheckpointError(.truncated, location, "too short for a zip archive (\(raw.count) bytes)") }
        let lowest = max(0, raw.count - 22 - 0xFFFF)
        var position = raw.count - 22
        while position >= lowest {
            if raw[position] == 0x50, raw[position + 1] == 0x4B, raw[position + 2] == 0x05, raw[position + 3] == 0x06 {
                return position
            }
            position -= 1
        }
        throw CheckpointError(.malformed, location, "no zip end-of-central-directory record")
    }

    private static func readZip64End(_ raw: UnsafeRawBufferPointer, endOffset: Int, location: String) throws -> (Int, Int, Int) {
        var locator = ByteReader(raw, location: location, offset: endOffset - 20)
        guard endOffset >= 20, try locator.littleEndian(UInt32.self) == 0x0706_4B50 else {
            throw CheckpointError(.malformed, location, "zip64 sizes without a zip64 locator")
        }
        try locator.skip(4)
        let recordOffset = try locator.littleEndian(UInt64.self)
        guard recordOffset < UInt64(raw.count) else {
            throw CheckpointError(.malformed, location, "zip64 record offset \(recordOffset) outside the file")
        }
        var record = ByteReader(raw, location: location, offset: Int(recordOffset))
        guard try record.littleEndian(UInt32.self) == 0x0606_4B50 else {
            throw CheckpointError(.malformed, location, "bad zip64 end record signature")
        }
        try record.skip(28)
        let count = try record.littleEndian(UInt64.self)
        let size = try record.littleEndian(UInt64.self)
        let offset = try record.littleEndian(UInt64.self)
        let limit = UInt64(raw.count)
        guard count <= limit, size <= limit, offset <= limit else {
            throw CheckpointError(.malformed, location, "zip64 directory values exceed the file size")
        }
        return (Int(count), Int(size), Int(offset))
    }

    private static func readEntry(_ reader: inout ByteReader) throws -> Entry {
        guard try reader.littleEndian(UInt32.self) == 0x0201_4B50 else {
            throw CheckpointError(.malformed, reader.location, "bad central directory signature at offset \(reader.offset - 4)")
        }
        try reader.skip(6)
        let method = try reader.littleEndian(UInt16.self)
        try reader.skip(4)
        let crc = try reader.littleEndian(UInt32.self)
        var compressed = UInt64(try reader.littleEndian(UInt32.self))
        var uncompressed = UInt64(try reader.littleEndian(UInt32.self))
        let nameLength = Int(try reader.littleEndian(UInt16.self))
        let extraLength = Int(try reader.littleEndian(UInt16.self))
        let commentLength = Int(try reader.littleEndian(UInt16.self))
        try reader.skip(8)
        var localOffset = UInt64(try reader.littleEndian(UInt32.self))
        let name = String(decoding: try reader.take(nameLength), as: UTF8.self)
        var extra = ByteReader(try reader.take(extraLength), location: reader.location)
        try reader.skip(commentLength)
        // zip64 extended information: the 64-bit values, in order, for the fields set to all ones.
        while extra.remaining >= 4 {
            let id = try extra.littleEndian(UInt16.self)
            let size = Int(try extra.littleEndian(UInt16.self))
            var field = ByteReader(try extra.take(size), location: reader.location)
            guard id == 0x0001 else { continue }
            if uncompressed == 0xFFFF_FFFF { uncompressed = try field.littleEndian(UInt64.self) }
            if compressed == 0xFFFF_FFFF { compressed = try field.littleEndian(UInt64.self) }
            if localOffset == 0xFFFF_FFFF { localOffset = try field.littleEndian(UInt64.self) }
        }
        let limit = UInt64(reader.bytes.count)
        guard compressed <= limit, localOffset <= limit, uncompressed <= UInt64(Int32.max) * 64 else {
            throw CheckpointError(.malformed, "\(reader.location):\(name)", "entry sizes or offset exceed the file")
        }
        return Entry(name: name, method: method, compressedSize: Int(compressed), uncompressedSize: Int(uncompressed),
                     crc32: crc, localHeaderOffset: Int(localOffset))
    }
}

/// Inflates a raw deflate stream (zip method 8) that must produce exactly `expectedSize` bytes.
func inflateRaw(_ input: Data, expectedSize: Int, location: String) throws -> Data {
    // Deflate cannot expand more than ~1032:1, so a larger claim is a corrupt header, not a reason to allocate.
    guard expectedSize <= input.count * 1032 + 64, input.count <= Int(UInt32.max) else {
        throw CheckpointError(.malformed, location, "claims \(expectedSize) bytes from \(input.count) deflated bytes")
    }
    var output = Data(count: expectedSize)
    var stream = z_stream()
    guard inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
        throw CheckpointError(.malformed, location, "zlib inflateInit2 failed")
    }
    defer { inflateEnd(&stream) }
    let status: Int32 = input.withUnsafeBytes { source in
        output.withUnsafeMutableBytes { target in
            stream.next_in = UnsafeMutablePointer(mutating: source.bindMemory(to: Bytef.self).baseAddress)
            stream.avail_in = uInt(source.count)
            stream.next_out = target.bindMemory(to: Bytef.self).baseAddress
            stream.avail_out = uInt(target.count)
            return inflate(&stream, Z_FINISH)
        }
    }
    guard status == Z_STREAM_END, Int(stream.total_out) == expectedSize else {
        throw CheckpointError(.malformed, location, "deflate stream is corrupt or not \(expectedSize) bytes (zlib status \(status))")
    }
    return output
}
