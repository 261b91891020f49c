// Where a video's bytes are: a file, or memory served to libavformat through read and
// seek callbacks. Also the few reads the reader does itself, to tell a cut-short MP4
// from a corrupt one when FFmpeg only says "invalid data".
import CFFmpeg
import Foundation

enum VideoInput {
    case file(path: String)
    case memory(Data)

    /// How errors name the video.
    var source: String {
        switch self {
        case let .file(path): return path
        case let .memory(data): return "\(data.count) bytes in memory"
        }
    }

    var size: Int64? {
        switch self {
        case let .file(path):
            return (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value
        case let .memory(data): return Int64(data.count)
        }
    }

    /// Up to `count` bytes from `offset`; fewer at the end, none if unreadable.
    func bytes(at offset: Int64, count: Int) -> [UInt8] {
        guard offset >= 0, count > 0 else { return [] }
        switch self {
        case let .file(path):
            guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
            defer { try? handle.close() }
            guard (try? handle.seek(toOffset: UInt64(offset))) != nil else { return [] }
            return [UInt8]((try? handle.read(upToCount: count)) ?? Data())
        case let .memory(data):
            guard offset < Int64(data.count) else { return [] }
            let start = data.startIndex + Int(offset)
            return [UInt8](data[start..<min(start + count, data.endIndex)])
        }
    }

    /// ISO base media (MP4, MOV, 3GP): the first box is one of these types.
    var isISOMedia: Bool {
        let header = bytes(at: 0, count: 8)
        guard header.count == 8 else { return false }
        return ["ftyp", "moov", "mdat", "free", "skip", "wide", "pnot"].contains(String(decoding: header[4...], as: UTF8.self))
    }

    /// Whether ISO media ends before its top-level boxes do or has no index (moov) box:
    /// a download or upload cut short. Reads only the boxes' 8- or 16-byte headers.
    var isCutShortISOMedia: Bool {
        guard isISOMedia, let size else { return false }
        var offset: Int64 = 0, hasIndex = false, boxes = 0
        while offset < size, boxes < 100_000 {
            let header = bytes(at: offset, count: 16)
            guard header.count >= 8 else { return true }
            var length = Int64(header[0..<4].reduce(0) { $0 << 8 | UInt32($1) })
            if String(decoding: header[4..<8], as: UTF8.self) == "moov" { hasIndex = true }
            if length == 1 {
                guard header.count == 16 else { return true }
                length = Int64(bitPattern: header[8..<16].reduce(0) { $0 << 8 | UInt64($1) })
            } else if length == 0 {
                length = size - offset  // "to the end of the file"
            }
            guard length >= 8 else { return false }  // corrupt rather than cut
            let (end, overflow) = offset.addingReportingOverflow(length)
            if overflow || end > size { return true }
            offset = end
            boxes += 1
        }
        return !hasIndex
    }

    /// The first bytes in hex, for messages.
    var leadingHex: String {
        bytes(at: 0, count: 8).map { String(format: "%02x", $0) }.joined(separator: " ")
    }
}

/// Bytes in memory served to libavformat's read and seek callbacks.
final class MemoryInput {
    let bytes: Data
    private var position = 0

    init(_ bytes: Data) {
        self.bytes = bytes
    }

    func read(into buffer: UnsafeMutablePointer<UInt8>, count: Int) -> Int32 {
        let n = min(count, bytes.count - position)
        guard n > 0 else { return cffmpeg_error_eof() }
        bytes.withUnsafeBytes { raw in
            buffer.update(from: raw.baseAddress!.assumingMemoryBound(to: UInt8.self) + position, count: n)
        }
        position += n
        return Int32(n)
    }

    func seek(offset: Int64, whence: Int32) -> Int64 {
        if whence & AVSEEK_SIZE != 0 { return Int64(bytes.count) }
        let base: Int64
        switch whence & ~AVSEEK_FORCE {
        case SEEK_SET: base = 0
        case SEEK_CUR: base = Int64(position)
        case SEEK_END: base = Int64(bytes.count)
        default: return Int64(cffmpeg_error_invalid_data())
        }
        let (target, overflow) = base.addingReportingOverflow(offset)
        guard !overflow, target >= 0, target <= Int64(bytes.count) else { return Int64(cffmpeg_error_io()) }
        position = Int(target)
        return target
    }
}
