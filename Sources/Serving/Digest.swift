// MD5 (RFC 1321) for S3 ETags, and SHA-256 (SHA256.swift) for ECR image digests and
// downloaded weights (torchvision checks a checkpoint by its SHA-256 prefix).
// Foundation on Linux has no CryptoKit and swift-crypto is not a dependency, so both
// are written out here; they are small and checked against published test vectors.
import Foundation

public enum Digest {
    /// Lowercase hex of the 16-byte MD5 of `data`.
    public static func md5Hex(_ data: Data) -> String { hex(md5(data)) }

    /// Lowercase hex of the 32-byte SHA-256 of `data`.
    public static func sha256Hex(_ data: Data) -> String { hex(sha256(data)) }

    public static func md5(_ data: Data) -> [UInt8] {
        var state: (UInt32, UInt32, UInt32, UInt32) = (0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476)
        // Debug builds call out for every array access, range pattern and iterator step, so the
        // round loop uses raw pointers, plain comparisons and a while loop (about 4x faster at -Onone).
        let k = UnsafeMutablePointer<UInt32>.allocate(capacity: 64)
        let shifts = UnsafeMutablePointer<UInt32>.allocate(capacity: 64)
        let m = UnsafeMutablePointer<UInt32>.allocate(capacity: 16)
        defer { k.deallocate(); shifts.deallocate(); m.deallocate() }
        for i in 0..<64 { k[i] = md5K[i]; shifts[i] = md5Shifts[i] }
        forEachBlock(of: data) { block in
            var i = 0
            while i < 16 { m[i] = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: 4 &* i, as: UInt32.self)); i &+= 1 }
            var (a, b, c, d) = state
            i = 0
            while i < 64 {
                var f: UInt32
                let g: Int
                if i < 16 {
                    f = (b & c) | (~b & d); g = i
                } else if i < 32 {
                    f = (d & b) | (~d & c); g = (5 &* i &+ 1) & 15
                } else if i < 48 {
                    f = b ^ c ^ d; g = (3 &* i &+ 5) & 15
                } else {
                    f = c ^ (b | ~d); g = (7 &* i) & 15
                }
                f = f &+ a &+ k[i] &+ m[g]
                a = d; d = c; c = b
                b = b &+ ((f << shifts[i]) | (f >> (32 &- shifts[i])))
                i &+= 1
            }
            state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d)
        }
        return [state.0, state.1, state.2, state.3].flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> (8 * $0)) } }
    }

    public static func sha256(_ data: Data) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data)
        return hasher.finalize()
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0f)]] })
    }

    /// Calls `body` with each 64-byte block of the message padded with 0x80, zeros and
    /// the bit length (MD5 writes the length little-endian). Full
    /// blocks are read in place so that hashing a large object copies nothing.
    private static func forEachBlock(of data: Data, _ body: (UnsafeRawBufferPointer) -> Void) {
        let fullBlocks = data.count / 64
        var tail = [UInt8]()
        data.withUnsafeBytes { raw in
            for index in 0..<fullBlocks {
                body(UnsafeRawBufferPointer(rebasing: raw[(64 * index)..<(64 * index + 64)]))
            }
            tail = Array(raw[(64 * fullBlocks)...])
        }
        let bitLength = UInt64(data.count) &* 8
        tail.append(0x80)
        while tail.count % 64 != 56 { tail.append(0) }
        let lengthBytes = (0..<8).map { UInt8(truncatingIfNeeded: bitLength >> (8 * UInt64($0))) }
        tail += lengthBytes
        tail.withUnsafeBytes { raw in
            for start in stride(from: 0, to: raw.count, by: 64) {
                body(UnsafeRawBufferPointer(rebasing: raw[start..<(start + 64)]))
            }
        }
    }

    private static let md5Shifts: [UInt32] = [7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
                                              5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
                                              4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
                                              6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21]

    /// floor(|sin(i + 1)| * 2^32), as RFC 1321 defines the table.
    private static let md5K: [UInt32] = (0..<64).map { UInt32(floor(abs(sin(Double($0 + 1))) * 4_294_967_296)) }
}

extension Digest {
    /// A UUID-shaped id derived from `seed`, so that message and subscription ids in a
    /// handout come out the same on every run (random UUIDs would not).
    public static func uuidString(from seed: String) -> String {
        let h = sha256Hex(Data(seed.utf8))
        let parts = [h.prefix(8), h.dropFirst(8).prefix(4), h.dropFirst(12).prefix(4),
                     h.dropFirst(16).prefix(4), h.dropFirst(20).prefix(12)]
        return parts.joined(separator: "-")
    }
}
