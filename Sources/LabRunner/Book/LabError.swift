// An error in a lab book or on the command line: where, and what.
import Serving

public struct LabError: Error, Sendable, Equatable, CustomStringConvertible {
    public var location: SourceLocation
    /// In English: for the terminal, JUnit and an English handout.
    public var message: String
    /// The message in Korean, for a Korean handout. Errors a running step can throw have
    /// one; errors only the terminal sees (a book that does not parse) need none.
    public var ko: String?

    public init(_ location: SourceLocation, _ message: String, ko: String? = nil) {
        self.location = location
        self.message = message
        self.ko = ko
    }

    public var description: String { "\(location): \(message)" }

    /// "where: what" in `language`; English when there is no Korean message.
    public func text(in language: Language) -> String {
        "\(location): \(language == .ko ? ko ?? message : message)"
    }

    /// "unknown key 'ouput' (did you mean 'output'?)"; in Korean "알 수 없는 키 'ouput' (혹시 'output'?)",
    /// with `koWhat` the Korean word for `what` (`what` itself when not given: a key or field name).
    static func unknown(_ what: String, _ name: String, at location: SourceLocation, known: [String],
                        koWhat: String? = nil) -> LabError {
        let near = nearestName(to: name, in: known)
        let list = known.joined(separator: ", ")
        let hint = near.map { " (did you mean '\($0)'?)" } ?? (known.isEmpty ? "" : "; expected one of: \(list)")
        let koHint = near.map { " (혹시 '\($0)'?)" } ?? (known.isEmpty ? "" : "; 가능한 값: \(list)")
        return LabError(location, "unknown \(what) '\(name)'\(hint)", ko: "알 수 없는 \(koWhat ?? what) '\(name)'\(koHint)")
    }
}

/// An error other than LabError that a running step may throw, with its message in Korean
/// too: the run shows `koreanDescription` in a Korean handout.
protocol KoreanDescribed: Error {
    var koreanDescription: String { get }
}

/// Several errors reported together (one per book when `validate` checks many).
public struct LabErrors: Error, Sendable, CustomStringConvertible {
    public var errors: [LabError]
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
