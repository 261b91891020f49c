// MD5 (RFC 1321) for S3 ETags and SHA-256 (FIPS 180-4) for ECR image digests and
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
        forEachBlock(of: data, lengthBigEndian: false) { block in
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
        var h: [UInt32] = [0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a,
                           0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19]
        var w = [UInt32](repeating: 0, count: 64)
        let k = sha256K
        forEachBlock(of: data, lengthBigEndian: true) { block in
            for i in 0..<16 { w[i] = UInt32(bigEndian: block.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)) }
            for i in 16..<64 {
                let s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3)
                let s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10)
                w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
            }
            var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7]
            for i in 0..<64 {
                let s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
                let ch = (e & f) ^ (~e & g)
                let t1 = hh &+ s1 &+ ch &+ k[i] &+ w[i]
                let s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
                let maj = (a & b) ^ (a & c) ^ (b & c)
                hh = g; g = f; f = e; e = d &+ t1
                d = c; c = b; b = a; a = t1 &+ s0 &+ maj
            }
            for (i, v) in [a, b, c, d, e, f, g, hh].enumerated() { h[i] = h[i] &+ v }
        }
        return h.flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> (24 - 8 * $0)) } }
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0f)]] })
    }

    /// Calls `body` with each 64-byte block of the message padded with 0x80, zeros and
    /// the bit length (MD5 writes the length little-endian, SHA-256 big-endian). Full
    /// blocks are read in place so that hashing a large object copies nothing.
    private static func forEachBlock(of data: Data, lengthBigEndian: Bool,
                                     _ body: (UnsafeRawBufferPointer) -> Void) {
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
        tail += lengthBigEndian ? lengthBytes.reversed() : lengthBytes
        tail.withUnsafeBytes { raw in
            for start in stride(from: 0, to: raw.count, by: 64) {
                body(UnsafeRawBufferPointer(rebasing: raw[start..<(start + 64)]))
            }
        }
    }

    private static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }

    private static let md5Shifts: [UInt32] = [7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
                                              5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
                                              4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
                                              6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21]

    /// floor(|sin(i + 1)| * 2^32), as RFC 1321 defines the table.
    private static let md5K: [UInt32] = (0..<64).map { UInt32(floor(abs(sin(Double($0 + 1))) * 4_294_967_296)) }

    private static let sha256K: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]
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
