// Where something came from in a lab book, for `file:line:col: message` errors.

public struct SourceLocation: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// Something that did not come from a file (command-line parameters, step outputs).
    public static func synthetic(_ origin: String) -> SourceLocation {
        SourceLocation(file: origin, line: 0, column: 0)
    }

    public var description: String { line > 0 ? "\(file):\(line):\(column)" : file }
}
