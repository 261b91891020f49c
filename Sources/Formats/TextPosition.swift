// Line and column of a place in UTF-8 bytes, for errors that would otherwise say "at byte
// 6742": readers of text files (lab books, .cfg, vocab.txt, tokenizer.json) name the line
// and column a person can go to.
import Foundation

public struct TextPosition: Sendable, Equatable, CustomStringConvertible {
    /// 1-based; a line ends at `\n` (a `\r` before it belongs to the line).
    public var line: Int
    /// 1-based, counting characters, not bytes.
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// Where byte `offset` of `bytes` is (the end, when past it).
    public init(ofByte offset: Int, in bytes: some Collection<UInt8>) {
        let before = Array(bytes.prefix(max(0, offset)))
        let lineStart = before.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
        line = before.reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
        column = String(decoding: before[lineStart...], as: UTF8.self).count + 1
    }

    public var description: String { "line \(line), column \(column)" }

    /// The first byte that breaks UTF-8 and where it is, or nil when all of `bytes` is UTF-8.
    public static func firstInvalidUTF8(in bytes: some Collection<UInt8>) -> (position: TextPosition, byte: UInt8)? {
        let bytes = Array(bytes)
        var index = 0
        while index < bytes.count {
            let lead = bytes[index]
            let length = lead < 0x80 ? 1 : lead >> 5 == 0b110 ? 2 : lead >> 4 == 0b1110 ? 3 : lead >> 3 == 0b11110 ? 4 : 0
            let end = index + length
            guard length > 0, end <= bytes.count, String(bytes: bytes[index..<end], encoding: .utf8) != nil else {
                return (TextPosition(ofByte: index, in: bytes), lead)
            }
            index = end
        }
        return nil
    }

    /// "not UTF-8 text: byte 0xC3 at line 3, column 7 cannot start or continue a character".
    public static func utf8Problem(in bytes: some Collection<UInt8>) -> String? {
        firstInvalidUTF8(in: bytes).map(describe)
    }

    /// What `firstInvalidUTF8` found, in the words of `utf8Problem`.
    public static func describe(_ found: (position: TextPosition, byte: UInt8)) -> String {
        String(format: "not UTF-8 text: byte 0x%02X at %@ cannot start or continue a character", found.byte, found.position.description)
    }
}
