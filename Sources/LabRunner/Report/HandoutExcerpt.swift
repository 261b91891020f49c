// The beginning of a step's input or output as the handout shows it: at most `maxLines`
// lines and `maxCharacters` characters, with lines past 300 characters (base64 images in
// requests and replies) cut to their start. It takes the rendering piece by piece and stops
// it once the rest cannot show: a 100,000-iteration repeat renders to tens of megabytes.

struct HandoutExcerpt: JSONOutput {
    struct Enough: Error {}

    let maxLines: Int
    let maxCharacters: Int
    let language: Language
    static let longLine = 300

    /// Complete lines as shown, and the line being written (its first characters and length).
    private var shown: [String] = []
    private var shownCharacters = 0
    private var current = ""
    private var currentCount = 0
    /// Whether anything written was left out (more lines, a long line, more characters).
    private var hadLongLine = false
    private var stopped = false

    init(maxLines: Int, maxCharacters: Int, language: Language) {
        self.maxLines = maxLines
        self.maxCharacters = maxCharacters
        self.language = language
    }

    /// The excerpt of `value` rendered as handout JSON, and whether it is all of it.
    static func of(_ value: LabValue, maxLines: Int, maxCharacters: Int, language: Language) -> (text: String, isComplete: Bool) {
        var excerpt = HandoutExcerpt(maxLines: maxLines, maxCharacters: maxCharacters, language: language)
        try? value.write(to: &excerpt, style: .handout)
        return excerpt.finish()
    }

    mutating func write(_ piece: String) throws(Enough) {
        var rest = piece[...]
        while let newline = rest.firstIndex(of: "\n") {
            add(rest[..<newline])
            try endLine()
            rest = rest[rest.index(after: newline)...]
        }
        add(rest)
    }

    private mutating func add(_ text: Substring) {
        if current.count <= Self.longLine { current += text.prefix(Self.longLine + 1 - current.count) }
        currentCount += text.count
    }

    private mutating func endLine() throws(Enough) {
        shown.append(rendered(current, count: currentCount))
        hadLongLine = hadLongLine || currentCount > Self.longLine
        shownCharacters += shown.last!.count + (shown.count > 1 ? 1 : 0)
        current = ""
        currentCount = 0
        // Past maxLines lines only the first maxLines - 10 show; past maxCharacters in those, nothing more does.
        if shown.count >= maxLines || (shown.count <= maxLines - 10 && shownCharacters > maxCharacters) {
            stopped = true
            throw Enough()
        }
    }

    private func rendered(_ line: String, count: Int) -> String {
        guard count > Self.longLine else { return line }
        return String(line.prefix(160)) + (language == .ko ? "…(\(count)자)" : "…(\(count) characters)")
    }

    /// The text to show, and whether it is the whole rendering.
    func finish() -> (text: String, isComplete: Bool) {
        // Stopped for lines: the first maxLines - 10 show; stopped for characters: those cut below.
        let lines = stopped ? Array(shown.prefix(maxLines - 10)) : shown + [rendered(current, count: currentCount)]
        var text = lines.joined(separator: "\n")
        var cut = stopped
        if text.count > maxCharacters {
            text = String(text.prefix(maxCharacters))
            cut = true
        }
        let longLine = hadLongLine || (!stopped && currentCount > Self.longLine)
        return (cut ? text + "\n…" : text, !cut && !longLine)
    }
}
