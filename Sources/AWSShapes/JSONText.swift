// JSON string literals as RFC 8259 requires them: quotes, backslashes and control
// characters escaped, everything else written as is. Shared by the wire's JSON bodies
// and the handouts' JSON blocks, so both escape alike.

public enum JSONText {
    public static func quote(_ s: String) -> String {
        var out = ""
        quote(s, into: &out)
        return out
    }

    public static func quote(_ s: String, into out: inout String) {
        out += "\""
        var text = s
        // Runs between the bytes that need escaping are appended whole: a long text (a
        // repeat's file reads, a base64 image) is copied, not rebuilt scalar by scalar.
        // UTF-8 never uses bytes below 0x80 inside a multi-byte sequence, so cutting there is safe.
        text.withUTF8 { bytes in
            var start = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte < 0x20 || byte == 0x22 || byte == 0x5C else { continue }
                out += String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                out += escape(byte)
                start = index + 1
            }
            out += String(decoding: UnsafeBufferPointer(rebasing: bytes[start...]), as: UTF8.self)
        }
        out += "\""
    }

    private static func escape(_ byte: UInt8) -> String {
        switch byte {
        case 0x22: return "\\\""
        case 0x5C: return "\\\\"
        case 0x0A: return "\\n"
        case 0x0D: return "\\r"
        case 0x09: return "\\t"
        default:
            let hex = String(byte, radix: 16)
            return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        }
    }
}
