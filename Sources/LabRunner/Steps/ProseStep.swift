// `kind: prose` — a text cell. Its `text` becomes the handout's paragraph; it computes nothing.

struct ProseStep: LabStep {
    static let kind = "prose"
    static let summary = "A text cell: its title and text go into the handout."

    init(arguments: inout StepArguments) throws {}

    func run(in context: StepContext) async throws -> LabValue { .null }
}
