// gzip (RFC 1952) through zlib, and zlib's CRC-32. zlib writes the gzip header with
// mtime 0 and no file name, so the same input always compresses to the same bytes.
import CZlib
import Foundation

public enum Gzip {
    public struct Error: Swift.Error, Sendable, Equatable, CustomStringConvertible {
        public var reason: String
        public var description: String { "gzip: \(reason)" }
    }

    public static func compress(_ data: Data, level: Int32 = 6) throws -> Data {
        var stream = z_stream()
        // windowBits 15 + 16 asks zlib for a gzip wrapper rather than a zlib one.
        guard deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                            ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Error(reason: "deflateInit2 failed")
        }
        defer { deflateEnd(&stream) }
        var output = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        try data.withUnsafeBytes { (input: UnsafeRawBufferPointer) in
            var feeder = InputFeeder(input)
            var status = Z_OK
            repeat {
                feeder.refill(&stream)
                let flush = feeder.exhausted ? Z_FINISH : Z_NO_FLUSH
                status = chunk.withUnsafeMutableBufferPointer { buffer -> Int32 in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = uInt(buffer.count)
                    let status = deflate(&stream, flush)
                    output.append(buffer.baseAddress!, count: buffer.count - Int(stream.avail_out))
                    return status
                }
                guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                    throw Error(reason: "deflate failed with status \(status)")
                }
            } while status != Z_STREAM_END
        }
        return output
    }

    /// Inflates one or more concatenated gzip members. Fails on corrupt or truncated
    /// input (a missing trailer is truncation) and when the output would pass `limit`.
    public static func decompress(_ data: Data, limit: Int = 8 << 30) throws -> Data {
        guard data.count >= 18, data[data.startIndex] == 0x1f, data[data.startIndex + 1] == 0x8b else {
            throw Error(reason: "not gzip data (\(data.count) bytes, no 1f 8b magic)")
        }
        var output = Data()
        var consumed = 0
        while consumed < data.count {
            consumed += try inflateMember(data, from: consumed, into: &output, limit: limit)
        }
        return output
    }

    /// Inflates the member starting at `offset`; returns the bytes it took.
    private static func inflateMember(_ data: Data, from offset: Int, into output: inout Data, limit: Int) throws -> Int {
        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Error(reason: "inflateInit2 failed")
        }
        defer { inflateEnd(&stream) }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        return try data.withUnsafeBytes { (whole: UnsafeRawBufferPointer) -> Int in
            var feeder = InputFeeder(UnsafeRawBufferPointer(rebasing: whole[offset...]))
            while true {
                feeder.refill(&stream)
                let status = chunk.withUnsafeMutableBufferPointer { buffer -> Int32 in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = uInt(buffer.count)
                    let status = inflate(&stream, Z_NO_FLUSH)
                    output.append(buffer.baseAddress!, count: buffer.count - Int(stream.avail_out))
                    return status
                }
                guard output.count <= limit else { throw Error(reason: "inflated size passes the limit of \(limit) bytes") }
                switch status {
                case Z_STREAM_END:
                    return feeder.consumed(stream)
                case Z_OK:
                    continue
                case Z_BUF_ERROR where stream.avail_in == 0 && feeder.exhausted:
                    throw Error(reason: "truncated: the stream ends after \(whole.count) bytes without its trailer")
                default:
                    let message = stream.msg.map { String(cString: $0) } ?? "status \(status)"
                    throw Error(reason: "corrupt data at input byte \(offset + feeder.consumed(stream)): \(message)")
                }
            }
        }
    }

    /// Hands zlib its input in pieces, since `avail_in` is 32 bits wide.
    private struct InputFeeder {
        let input: UnsafeRawBufferPointer
        var fed = 0

        init(_ input: UnsafeRawBufferPointer) { self.input = input }

        var exhausted: Bool { fed == input.count }

        mutating func refill(_ stream: inout z_stream) {
            guard stream.avail_in == 0, !exhausted, let base = input.baseAddress else { return }
            let count = min(input.count - fed, 1 << 30)
            stream.next_in = UnsafeMutablePointer(mutating: (base + fed).assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(count)
            fed += count
        }

        func consumed(_ stream: z_stream) -> Int { fed - Int(stream.avail_in) }
    }
}

public enum CRC32 {
    /// zlib's CRC-32 (the one gzip and PNG use).
    public static func checksum(_ data: Data) -> UInt32 {
        data.withUnsafeBytes { raw -> UInt32 in
            var crc = crc32(0, nil, 0)
            var offset = 0
            // zlib takes a uInt length, so feed large buffers in 1 GiB pieces.
            while offset < raw.count {
                let length = min(raw.count - offset, 1 << 30)
                crc = crc32(crc, raw.bindMemory(to: Bytef.self).baseAddress! + offset, uInt(length))
                offset += length
            }
            return UInt32(crc)
        }
    }
}
