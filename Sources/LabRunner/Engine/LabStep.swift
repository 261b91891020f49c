// The one protocol every step kind implements. Each kind lives in its own file,
// decodes its own typed arguments at load time (so `labbook validate` type-checks a
// book without running it) and returns its output as a value that later steps and
// `expect` clauses address by path.

public protocol LabStep: Sendable {
    /// The name written after `kind:` in a book, e.g. `repeat`, `s3-put-object`.
    static var kind: String { get }
    /// One line for `labbook kinds` and the kinds table in the README.
    static var summary: String { get }
    /// The keys it reads and the output it gives: checked by the parser, printed by
    /// `labbook describe` and `labbook schema`.
    static var declaration: StepDeclaration { get }

    /// Reads this kind's keys. Unknown keys are reported by the caller.
    init(arguments: inout StepArguments) throws

    func run(in context: StepContext) async throws -> LabValue

    /// Steps nested inside this one (`repeat`), for validation and listing.
    var children: [StepSpec] { get }

    /// Whether the handout prints the output (a kind that already shows it says no).
    static var showsOutput: Bool { get }
}

extension LabStep {
    public var children: [StepSpec] { [] }
    public static var showsOutput: Bool { true }
}

/// Step kinds by name. The runner ships the generic ones; each room adds its own.
public struct StepCatalog: Sendable {
    private var kinds: [String: any LabStep.Type] = [:]

    public init() {}

    public mutating func register(_ kind: any LabStep.Type) {
        kinds[kind.kind] = kind
    }

    public var names: [String] { kinds.keys.sorted() }

    public func kind(named name: String) -> (any LabStep.Type)? { kinds[name] }

    public var all: [any LabStep.Type] { names.compactMap { kinds[$0] } }
}
