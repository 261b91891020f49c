// POSIX ustar archives (POSIX.1-1988 as refined in IEEE 1003.1-2001 "pax" format), in
// memory. The writer emits plain ustar; the reader also takes what GNU tar and Python's
// tarfile write: GNU long names ('L'/'K') and pax extended headers ('x'/'g').
// Every field read from the archive is bounds-checked; nothing in a header can trap.
import Foundation

public struct TarEntry: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case file, directory, symbolicLink(target: String) }
    /// The path inside the archive, without a trailing '/'.
    public var path: String
    public var kind: Kind
    public var mode: Int
    public var contents: Data

    public init(path: String, kind: Kind, mode: Int, contents: Data = Data()) {
        self.path = path
        self.kind = kind
        self.mode = mode
        self.contents = contents
    }
}

public enum TarError: Error, Sendable, Equatable, CustomStringConvertible {
    case truncated(offset: Int, needed: Int, available: Int)
    case badChecksum(offset: Int, stored: Int, computed: Int)
    case malformedHeader(offset: Int, field: String, reason: String)
    case unsupportedEntryType(path: String, typeflag: Character)
    case pathTooLong(String)
    case fileTooLarge(path: String, size: Int)
    case missingEndOfArchive

    public var description: String {
        switch self {
        case let .truncated(offset, needed, available):
            return "tar: truncated at byte \(offset): \(needed) bytes needed, \(available) left"
        case let .badChecksum(offset, stored, computed):
            return "tar: header at byte \(offset) has checksum \(stored), computed \(computed): the archive is corrupt"
        case let .malformedHeader(offset, field, reason):
            return "tar: header at byte \(offset): field '\(field)' \(reason)"
        case let .unsupportedEntryType(path, typeflag):
            return "tar: entry '\(path)' has type '\(typeflag)' (only files, directories and symbolic links are allowed)"
        case let .pathTooLong(path):
            return "tar: path '\(path)' does not fit a ustar header (100-byte name, 155-byte prefix)"
        case let .fileTooLarge(path, size):
            return "tar: '\(path)' is \(size) bytes; a ustar header holds at most 8 GiB - 1"
        case .missingEndOfArchive:
            return "tar: the archive ends without its end-of-archive blocks (truncated?)"
        }
    }
}

public enum TarArchive {
    static let blockSize = 512
    /// Every entry gets this mtime (2026-01-01T00:00:00Z), so packing is deterministic.
    public static let fixedModificationTime = 1_767_225_600

    // MARK: Writing

    public static func archive(_ entries: [TarEntry]) throws -> Data {
        var output = Data()
        for entry in entries {
            output += try header(for: entry)
            if case .file = entry.kind {
                output += entry.contents
                output += Data(count: (blockSize - entry.contents.count % blockSize) % blockSize)
            }
        }
        output += Data(count: 2 * blockSize)
        return output
    }

    private static func header(for entry: TarEntry) throws -> Data {
        var block = [UInt8](repeating: 0, count: blockSize)
        let isDirectory = entry.kind == .directory
        let (prefix, name) = try splitPath(isDirectory ? entry.path + "/" : entry.path)
        let size = entry.kind == .file ? entry.contents.count : 0
        guard size < 8 << 30 else { throw TarError.fileTooLarge(path: entry.path, size: size) }
        put(name, at: 0, length: 100, in: &block)
        put(octal(entry.mode & 0o7777, width: 8), at: 100, length: 8, in: &block)
        put(octal(0, width: 8), at: 108, length: 8, in: &block)  // uid
        put(octal(0, width: 8), at: 116, length: 8, in: &block)  // gid
        put(octal(size, width: 12), at: 124, length: 12, in: &block)
        put(octal(fixedModificationTime, width: 12), at: 136, length: 12, in: &block)
        switch entry.kind {
        case .file: block[156] = UInt8(ascii: "0")
        case .directory: block[156] = UInt8(ascii: "5")
        case .symbolicLink(let target):
            guard target.utf8.count <= 100 else { throw TarError.pathTooLong(target) }
            block[156] = UInt8(ascii: "2")
            put(target, at: 157, length: 100, in: &block)
        }
        put("ustar\u{0}00", at: 257, length: 8, in: &block)
        put("root", at: 265, length: 32, in: &block)
        put("root", at: 297, length: 32, in: &block)
        put(prefix, at: 345, length: 155, in: &block)
        for index in 148..<156 { block[index] = UInt8(ascii: " ") }
        let checksum = block.reduce(0) { $0 + Int($1) }
        put(octal(checksum, width: 7), at: 148, length: 7, in: &block)
        return Data(block)
    }

    /// ustar keeps a long path as prefix (<= 155 bytes) + "/" + name (<= 100 bytes).
    private static func splitPath(_ path: String) throws -> (prefix: String, name: String) {
        let bytes = Array(path.utf8)
        if bytes.count <= 100 { return ("", path) }
        // The last byte may be a directory's trailing '/', which belongs to the name.
        for index in bytes.indices.dropLast().reversed() where bytes[index] == UInt8(ascii: "/") {
            let prefix = bytes[..<index], name = bytes[(index + 1)...]
            guard name.count <= 100 else { break }
            if prefix.count <= 155 {
                return (String(decoding: prefix, as: UTF8.self), String(decoding: name, as: UTF8.self))
            }
        }
        throw TarError.pathTooLong(path)
    }

    private static func octal(_ value: Int, width: Int) -> String {
        let digits = String(value, radix: 8)
        return String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits
    }

    private static func put(_ text: String, at offset: Int, length: Int, in block: inout [UInt8]) {
        for (index, byte) in text.utf8.prefix(length).enumerated() { block[offset + index] = byte }
    }

    // MARK: Reading

    /// Every entry up to the end-of-archive block, in archive order. Names come back
    /// exactly as stored (apart from a directory's trailing '/'); checking them is the
    /// extractor's job.
    public static func entries(in input: Data) throws -> [TarEntry] {
        let data = input.startIndex == 0 ? input : Data(input)
        var reader = HeaderState()
        var entries: [TarEntry] = []
        var offset = 0
        while true {
            guard offset + blockSize <= data.count else {
                if offset == data.count { throw TarError.missingEndOfArchive }
                throw TarError.truncated(offset: offset, needed: blockSize, available: data.count - offset)
            }
            let block = [UInt8](data[offset..<(offset + blockSize)])
            if block.allSatisfy({ $0 == 0 }) { return entries }
            try verifyChecksum(block, offset: offset)
            let size = try number(block, 124..<136, field: "size", offset: offset)
            let padded = size + (blockSize - size % blockSize) % blockSize
            let available = data.count - offset - blockSize
            guard padded <= available else {
                throw TarError.truncated(offset: offset + blockSize, needed: padded, available: available)
            }
            let contents = data[(offset + blockSize)..<(offset + blockSize + size)]
            offset += blockSize + padded
            if let entry = try reader.consume(block, contents: Data(contents), offset: offset - blockSize - padded) {
                entries.append(entry)
            }
        }
    }

    private static func verifyChecksum(_ block: [UInt8], offset: Int) throws {
        let stored = try number(block, 148..<156, field: "chksum", offset: offset)
        var unsigned = 0, signed = 0
        for (index, byte) in block.enumerated() {
            let value = (148..<156).contains(index) ? 0x20 : byte
            unsigned += Int(value)
            signed += Int(Int8(bitPattern: value))
        }
        // Some old writers summed signed chars; both sums are accepted, as GNU tar does.
        guard stored == unsigned || stored == signed else {
            throw TarError.badChecksum(offset: offset, stored: stored, computed: unsigned)
        }
    }

    /// A numeric field: NUL/space-terminated octal, or GNU base-256 when the top bit is set.
    static func number(_ block: [UInt8], _ range: Range<Int>, field: String, offset: Int) throws -> Int {
        let bytes = block[range]
        if let first = bytes.first, first & 0x80 != 0 {
            guard first == 0x80, bytes.dropFirst().prefix(bytes.count - 8).allSatisfy({ $0 == 0 }) else {
                throw TarError.malformedHeader(offset: offset, field: field, reason: "holds a negative or oversized base-256 number")
            }
            return bytes.suffix(7).reduce(0) { $0 << 8 | Int($1) }
        }
        let digits = bytes.drop { $0 == 0x20 }.prefix { $0 != 0 && $0 != 0x20 }
        guard digits.count <= 20, digits.allSatisfy({ (0x30...0x37).contains($0) }) else {
            throw TarError.malformedHeader(offset: offset, field: field, reason: "is not an octal number")
        }
        return digits.reduce(0) { $0 * 8 + Int($1 - 0x30) }
    }

    static func string(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }
}

/// Carries GNU long names and pax overrides from their header to the entry they describe.
private struct HeaderState {
    var longName: String?
    var longLink: String?
    var paxPath: String?
    var paxLink: String?
    var paxSize: Int?

    mutating func consume(_ block: [UInt8], contents: Data, offset: Int) throws -> TarEntry? {
        let typeflag = Character(Unicode.Scalar(block[156]))
        switch typeflag {
        case "L": longName = TarArchive.string(ArraySlice(contents)); return nil
        case "K": longLink = TarArchive.string(ArraySlice(contents)); return nil
        case "x": try readPax(contents, offset: offset); return nil
        case "g": return nil
        default: break
        }
        let ustar = block[257..<262].elementsEqual("ustar".utf8)
        var path = TarArchive.string(block[0..<100])
        let prefix = ustar ? TarArchive.string(block[345..<500]) : ""
        if !prefix.isEmpty { path = prefix + "/" + path }
        path = paxPath ?? longName ?? path
        let link = paxLink ?? longLink ?? TarArchive.string(block[157..<257])
        defer { longName = nil; longLink = nil; paxPath = nil; paxLink = nil; paxSize = nil }
        if let paxSize, paxSize != contents.count {
            throw TarError.malformedHeader(offset: offset, field: "pax size",
                                           reason: "overrides the header's size (\(contents.count)) with \(paxSize); files over 8 GiB are not supported")
        }
        let mode = try TarArchive.number(block, 100..<108, field: "mode", offset: offset)
        let trimmed = path.hasSuffix("/") ? String(path.dropLast()) : path
        switch typeflag {
        case "0", "\u{0}", "7":
            if path.hasSuffix("/") { return TarEntry(path: trimmed, kind: .directory, mode: mode) }
            return TarEntry(path: path, kind: .file, mode: mode, contents: contents)
        case "5": return TarEntry(path: trimmed, kind: .directory, mode: mode)
        case "2": return TarEntry(path: path, kind: .symbolicLink(target: link), mode: mode)
        default: throw TarError.unsupportedEntryType(path: path, typeflag: typeflag)
        }
    }

    /// pax records: "<length> <key>=<value>\n", the length counting the whole record.
    private mutating func readPax(_ contents: Data, offset: Int) throws {
        let bytes = [UInt8](contents)
        var index = 0
        while index < bytes.count, bytes[index] != 0 {
            guard let space = bytes[index...].firstIndex(of: 0x20),
                  let length = Int(String(decoding: bytes[index..<space], as: UTF8.self)),
                  // Compared as a difference: `index + length` overflows for a length near Int.max.
                  length > space - index, length <= bytes.count - index, bytes[index + length - 1] == 0x0a else {
                throw TarError.malformedHeader(offset: offset, field: "pax record", reason: "at byte \(index) is malformed")
            }
            let record = bytes[(space + 1)..<(index + length - 1)]
            if let equals = record.firstIndex(of: UInt8(ascii: "=")) {
                let key = String(decoding: record[record.startIndex..<equals], as: UTF8.self)
                let value = String(decoding: record[(equals + 1)...], as: UTF8.self)
                if key == "path" { paxPath = value }
                if key == "linkpath" { paxLink = value }
                if key == "size" { paxSize = Int(value) ?? -1 }
            }
            index += length
        }
    }
}
