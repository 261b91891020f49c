// A lab book: the parsed, type-checked form of one `labs/*.yaml` file.
import Foundation

public enum Language: String, Sendable, CaseIterable {
    case ko, en
}

/// Prose in Korean and English. A plain string in the book counts for both.
public struct Localized: Sendable, Equatable {
    public var ko: String?
    public var en: String?

    public init(ko: String? = nil, en: String? = nil) {
        self.ko = ko
        self.en = en
    }

    /// The text in `language`, falling back to the other one.
    public func text(_ language: Language) -> String? {
        switch language {
        case .ko: ko ?? en
        case .en: en ?? ko
        }
    }
}

public enum ParameterType: Sendable, Equatable, CustomStringConvertible {
    case string, int, number, bool, path
    case choice([String])

    public var description: String {
        switch self {
        case .string: "string"
        case .int: "int"
        case .number: "number"
        case .bool: "bool"
        case .path: "path"
        case let .choice(values): "enum(\(values.joined(separator: "|")))"
        }
    }
}

public struct ParameterSpec: Sendable {
    public var name: String
    public var type: ParameterType
    public var defaultValue: LabValue?
    public var description: Localized?
    public var location: SourceLocation
}

/// One step as written: the common keys, and the kind's own typed arguments.
public struct StepSpec: Sendable {
    public var kind: String
    /// The author's id, or `#<n>` when none was given (written ids cannot contain '#').
    public var id: String
    public var hasExplicitID: Bool
    public var title: Localized?
    public var text: Localized?
    public var expectations: [Expectation]
    /// The AWS error code this call must fail with (a lab that teaches an error).
    public var expectedError: String?
    /// Wall-clock seconds the step may take before it fails.
    public var timeout: Double?
    /// Runs even after an earlier step failed (cleanup).
    public var always: Bool
    public var location: SourceLocation
    public var step: any LabStep
    /// Every `${steps.<id>...}` this step (and its children) refers to.
    public var references: Set<String>
    /// Every `${params.<name>}` this step (and its children) uses.
    public var parameterReferences: Set<String> = []
    /// The step as written, as compact JSON: part of its result cache key.
    public var source: String = ""

    /// Whether running it changes or reads state outside its output (the AWS account, a
    /// local endpoint), so that it cannot stand in for itself from the result cache when
    /// later steps need that state.
    public var touchesState: Bool {
        type(of: step).declaration.touchesState || step.children.contains { $0.touchesState }
    }

    /// A form of the id safe in file names and anchors.
    public var slug: String { hasExplicitID ? id : "step" + id.dropFirst() }
}

public struct LabBook: Sendable {
    public var id: String
    public var title: Localized
    public var intro: Localized?
    public var parameters: [ParameterSpec]
    public var steps: [StepSpec]
    /// The file it was read from, and its folder (relative paths in a book resolve there).
    public var file: URL
    public var directory: URL { file.deletingLastPathComponent() }
    /// What is legal but probably a mistake (a parameter no step uses), located.
    public var warnings: [String] = []
}
