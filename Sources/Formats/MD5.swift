// MD5 (RFC 1321), to verify downloaded assets against published checksums (darknet
// weights are published with an md5). Not for security.
import Foundation

public enum MD5 {
    /// Lowercase hex digest of the file at `url`, read in chunks.
    public static func hexDigest(ofFile url: URL) throws -> String {
        guard let handle = try? FileHandle(forReadingFrom: url) else {
            throw CheckpointError(.io, url.path, "cannot open the file to checksum it")
        }
        defer { try? handle.close() }
        var hasher = MD5Hasher()
        while let chunk = try handle.read(upToCount: 1 << 22), !chunk.isEmpty { hasher.update(chunk) }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    public static func hexDigest(_ data: Data) -> String {
        var hasher = MD5Hasher()
        hasher.update(data)
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}

struct MD5Hasher {
    private var state: [UInt32] = [0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476]
    private var pending: [UInt8] = []
    private var length: UInt64 = 0

    private static let shifts: [UInt32] = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21]
    /// K[i] = floor(|sin(i + 1)| · 2^32).
    private static let constants: [UInt32] = (0..<64).map { UInt32(truncatingIfNeeded: Int64(abs(sin(Double($0 + 1))) * 4_294_967_296)) }

    mutating func update(_ data: Data) {
        length &+= UInt64(data.count)
        pending.append(contentsOf: data)
        let whole = pending.count / 64 * 64
        guard whole > 0 else { return }
        pending.withUnsafeBytes { raw in
            var offset = 0
            while offset < whole {
                compress(UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + 64)]))
                offset += 64
            }
        }
        pending.removeFirst(whole)
    }

    mutating func finalize() -> [UInt8] {
        let bits = length &* 8
        var tail: [UInt8] = [0x80]
        while (pending.count + tail.count) % 64 != 56 { tail.append(0) }
        for i in 0..<8 { tail.append(UInt8(truncatingIfNeeded: bits >> (8 * UInt64(i)))) }
        let saved = length
        update(Data(tail))
        length = saved
        return state.flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> (8 * UInt32($0))) } }
    }

    private mutating func compress(_ block: UnsafeRawBufferPointer) {
        var m = [UInt32](repeating: 0, count: 16)
        for i in 0..<16 { m[i] = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)) }
        var a = state[0], b = state[1], c = state[2], d = state[3]
        for i in 0..<64 {
            var f: UInt32, g: Int
            switch i / 16 {
            case 0: f = (b & c) | (~b & d); g = i
            case 1: f = (d & b) | (~d & c); g = (5 * i + 1) % 16
            case 2: f = b ^ c ^ d; g = (3 * i + 5) % 16
            default: f = c ^ (b | ~d); g = (7 * i) % 16
            }
            f = f &+ a &+ MD5Hasher.constants[i] &+ m[g]
            let s = MD5Hasher.shifts[(i / 16) * 4 + i % 4]
            a = d; d = c; c = b
            b = b &+ ((f << s) | (f >> (32 - s)))
        }
        state[0] &+= a; state[1] &+= b; state[2] &+= c; state[3] &+= d
    }
}
