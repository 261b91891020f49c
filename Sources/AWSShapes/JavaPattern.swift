// botocore's `pattern` traits are Java regular expressions, which AWS applies to the whole
// value (Pattern.matches). ICU, under NSRegularExpression, reads a few classes differently:
// Java's \S and \s are ASCII-only and its POSIX classes (\p{Print}, \p{ASCII}, ...) are
// ASCII sets, where ICU's \p{Print} takes any printable Unicode character.
import Foundation

enum JavaPattern {
    private static let posixClasses: [(String, String)] = [
        ("\\p{Print}", "\\x20-\\x7E"), ("\\p{Graph}", "\\x21-\\x7E"), ("\\p{ASCII}", "\\x00-\\x7F"),
        ("\\p{Alpha}", "a-zA-Z"), ("\\p{Alnum}", "a-zA-Z0-9"), ("\\p{Digit}", "0-9"),
        ("\\p{Lower}", "a-z"), ("\\p{Upper}", "A-Z"), ("\\p{XDigit}", "0-9a-fA-F"),
        ("\\p{Punct}", "!-/:-@\\[-`{-~"), ("\\p{Space}", " \\t\\n\\x0B\\f\\r"), ("\\p{Blank}", " \\t"),
        ("\\p{Cntrl}", "\\x00-\\x1F\\x7F"),
    ]

    nonisolated(unsafe) private static var cache: [String: NSRegularExpression?] = [:]
    private static let lock = NSLock()

    static func matches(_ value: String, _ pattern: String) -> Bool {
        guard let regex = compiled(pattern) else { return true }  // a pattern ICU cannot read checks nothing
        let range = NSRange(value.startIndex..., in: value)
        return regex.firstMatch(in: value, options: [.anchored], range: range).map { $0.range == range } ?? false
    }

    private static func compiled(_ pattern: String) -> NSRegularExpression? {
        lock.lock()
        defer { lock.unlock() }
        if let hit = cache[pattern] { return hit }
        let regex = try? NSRegularExpression(pattern: "(?:\(icu(pattern)))\\z")
        cache[pattern] = regex
        return regex
    }

    /// The ICU spelling of a Java pattern.
    static func icu(_ pattern: String) -> String {
        var out = ""
        var inClass = false
        var i = pattern.startIndex
        while i < pattern.endIndex {
            let rest = pattern[i...]
            if let (java, set) = posixClasses.first(where: { rest.hasPrefix($0.0) }) {
                out += inClass ? set : "[\(set)]"
                i = pattern.index(i, offsetBy: java.count)
                continue
            }
            if rest.hasPrefix("\\S") || rest.hasPrefix("\\s") {
                let negated = rest.hasPrefix("\\S")
                out += inClass ? (negated ? "[^ \\t\\n\\x0B\\f\\r]" : " \\t\\n\\x0B\\f\\r")
                    : (negated ? "[^ \\t\\n\\x0B\\f\\r]" : "[ \\t\\n\\x0B\\f\\r]")
                i = pattern.index(i, offsetBy: 2)
                continue
            }
            let c = pattern[i]
            if c == "\\", let next = pattern.index(i, offsetBy: 1, limitedBy: pattern.endIndex), next < pattern.endIndex {
                out += String(pattern[i...next])
                i = pattern.index(after: next)
                continue
            }
            if c == "[" { inClass = true } else if c == "]" { inClass = false }
            out.append(c)
            i = pattern.index(after: i)
        }
        return out
    }
}
