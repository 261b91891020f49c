// An error in a lab book or on the command line: where, and what.
import Serving

public struct LabError: Error, Sendable, Equatable, CustomStringConvertible {
    public var location: SourceLocation
    public var message: String

    public init(_ location: SourceLocation, _ message: String) {
        self.location = location
        self.message = message
    }

    public var description: String { "\(location): \(message)" }

    /// "unknown key 'ouput' (did you mean 'output'?)"
    static func unknown(_ what: String, _ name: String, at location: SourceLocation, known: [String]) -> LabError {
        let hint = nearestName(to: name, in: known).map { " (did you mean '\($0)'?)" }
            ?? (known.isEmpty ? "" : "; expected one of: \(known.joined(separator: ", "))")
        return LabError(location, "unknown \(what) '\(name)'\(hint)")
    }
}

/// Several errors reported together (one per book when `validate` checks many).
public struct LabErrors: Error, Sendable, CustomStringConvertible {
    public var errors: [LabError]
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
