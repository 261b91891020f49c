// `kind: prose` — a text cell. Its `text` becomes the handout's paragraph; it computes nothing.

struct ProseStep: LabStep {
    static let kind = "prose"
    static let summary = "A text cell: its title and text go into the handout."

    static let declaration = StepDeclaration(example: """
        title: {ko: 비동기 추론이란, en: What asynchronous inference is}
        text: {ko: 요청을 큐에 넣고 결과는 S3로 받습니다., en: Requests are queued and results land in S3.}
        """)

    init(arguments: inout StepArguments) throws {}

    func run(in context: StepContext) async throws -> LabValue { .null }
}
