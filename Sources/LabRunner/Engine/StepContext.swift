// What a running step can use: its resolved arguments, the book's folders, the shared
// services (handlers, emulated cloud), and the handout it writes into.
import Foundation

/// Something a step shows in the handout besides its output.
public enum HandoutBlock: Sendable, Codable {
    /// A fenced code block (`language` is the Markdown info string: json, text, yaml...).
    case code(String, language: String, caption: String?)
    case text(String)
    /// A PNG written next to the handout.
    case figure(file: String, caption: String)
    case table(header: [String], rows: [[String]])
    /// Which weights produced the step's output, shown right after it.
    case weights(WeightsNote)
    /// The step's AWS calls, or its own lines, as the boto3 a student would write (Boto3Snippet).
    case boto3([RecordedCall], own: Boto3Lines?)
}

public final class StepContext: @unchecked Sendable {
    public let session: RunSession
    public let stepID: String
    /// The id as it may appear in file names and anchors.
    public let fileStem: String
    var scope: Scope
    /// Guards what the step writes; a step that timed out is cut off from its record.
    private let lock = NSLock()
    private var abandoned = false
    private var shownBlocks: [HandoutBlock] = []
    private var nestedBlocks: [HandoutBlock] = []
    /// The AWS calls the step made, for its boto3 snippet; or the snippet the step wrote itself.
    private var awsCalls: [RecordedCall] = []
    private var ownSnippet: Boto3Lines?
    /// Resolved arguments with where they were written, shown in the book's order.
    private var resolvedInputs: [(name: String, value: LabValue, location: SourceLocation)] = []
    /// Progress within the step (`repeat`): done, total.
    var onProgress: ((Int, Int) -> Void)?

    init(session: RunSession, spec: StepSpec, scope: Scope) {
        self.session = session
        stepID = spec.id
        fileStem = spec.slug
        self.scope = scope
    }

    var blocks: [HandoutBlock] {
        lock.withLock {
            let boto3: [HandoutBlock] = awsCalls.isEmpty && ownSnippet == nil ? [] : [.boto3(awsCalls, own: ownSnippet)]
            return boto3 + shownBlocks + nestedBlocks
        }
    }

    /// Keeps a call for the step's boto3 snippet.
    func record(_ call: RecordedCall) {
        lock.withLock { if !abandoned { awsCalls.append(call) } }
    }

    /// The step's boto3 in its own words (a waiter rather than its polls).
    func showBoto3(_ service: String, _ lines: [String]) {
        lock.withLock { if !abandoned { ownSnippet = Boto3Lines(service: service, lines: lines) } }
    }

    /// After a timeout the runner moves on; whatever the step still does is not recorded.
    func abandon() { lock.withLock { abandoned = true } }

    /// Whether the step timed out and was cut off from its record (and the cache's tracking).
    var isAbandoned: Bool { lock.withLock { abandoned } }

    /// Writes a file beside the handout, unless the step was cut off by its timeout.
    public func writeOutput(_ data: Data, named name: String) throws {
        guard !isAbandoned else { return }
        try session.writeOutput(data, named: name)
    }

    public var language: Language { session.options.language }

    var inputs: LabObject {
        lock.withLock { LabObject(resolvedInputs.sorted { ($0.location.line, $0.location.column) < ($1.location.line, $1.location.column) }
            .map { ($0.name, $0.value) }) }
    }

    /// The argument's value with references resolved and its type checked.
    public func resolve<T: ArgumentValue>(_ arg: Arg<T>) throws -> T {
        let value = try scope.resolve(arg.node)
        guard let typed = T.convert(value) else {
            let shown = value.jsonPrefix(80)
            throw LabError(arg.location, "'\(arg.name)' must be \(T.article) \(T.typeName); it resolved to \(value.typeName) \(shown)",
                           ko: "'\(arg.name)'의 형식이 맞지 않습니다. 기대한 형식: \(T.koreanTypeName), 실제 값: \(value.koreanTypeName) \(shown)")
        }
        lock.withLock {
            guard !abandoned else { return }
            resolvedInputs.removeAll { $0.name == arg.name }
            resolvedInputs.append((arg.name, value, arg.location))
        }
        return typed
    }

    public func resolve<T: ArgumentValue>(_ arg: Arg<T>?, default fallback: T) throws -> T {
        guard let arg else { return fallback }
        return try resolve(arg)
    }

    public func resolveValue(_ node: BookNode) throws -> LabValue { try scope.resolve(node) }

    /// A path written in the book: relative paths resolve against the book's folder.
    public func bookFile(_ path: String) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : session.book.directory.appendingPathComponent(path)
    }

    /// A file a step reads: relative paths are looked up in the book's folder, then in
    /// the handout folder (where earlier steps write figures and outputs).
    public func inputFile(_ path: String) -> URL {
        let inBook = bookFile(path)
        guard !path.hasPrefix("/"), !FileManager.default.fileExists(atPath: inBook.path) else { return inBook }
        let inOutput = session.outputDirectory.appendingPathComponent(path)
        return FileManager.default.fileExists(atPath: inOutput.path) ? inOutput : inBook
    }

    /// Writes a PNG beside the handout and shows it; returns the file name.
    @discardableResult
    public func addFigure(png: Data, name: String, caption: String) throws -> String {
        let file = "\(fileStem)-\(name).png"
        try writeOutput(png, named: file)
        show(.figure(file: file, caption: caption))
        return file
    }

    public func show(_ block: HandoutBlock) {
        lock.withLock { if !abandoned { shownBlocks.append(block) } }
    }

    /// Records which weights a model used: beside this step's output and in the handout's
    /// summary at the top and the bottom.
    public func noteWeights(model: String, source: String, kind: WeightsNote.Kind) {
        noteWeights(WeightsNote(model: model, source: source, kind: kind))
    }

    /// The weights this step has noted, in order.
    var notedWeights: [WeightsNote] {
        lock.withLock { shownBlocks.compactMap { if case let .weights(note) = $0 { note } else { nil } } }
    }

    public func noteWeights(_ note: WeightsNote) {
        session.noteWeights(note)
        lock.withLock {
            let shown = shownBlocks.contains { if case let .weights(old) = $0 { old == note } else { false } }
            if !abandoned, !shown { shownBlocks.append(.weights(note)) }
        }
    }

    public func reportProgress(done: Int, total: Int) { onProgress?(done, total) }

    /// Runs nested steps with `item`/`index` bound; returns their outputs by id. What the
    /// nested steps show replaces what the previous iteration showed: the handout shows
    /// the last iteration's figures and blocks once, not a copy per iteration.
    public func runNested(_ steps: [StepSpec], item: LabValue?, index: Int) async throws -> LabObject {
        lock.withLock { nestedBlocks = [] }
        var inner = scope
        inner.item = item
        inner.index = index
        var outputs = LabObject()
        // As at the top level, a failure skips the rest of the iteration but its `always` steps.
        var firstFailure: LabError?
        for spec in steps where firstFailure == nil || spec.always {
            let record = await session.execute(spec, scope: inner, nested: true)
            lock.withLock { nestedBlocks += record.blocks }
            if let failure = record.failure {
                // The nested step's failure in both languages: the handout shows it in its own.
                firstFailure = firstFailure ?? LabError(spec.location, "step '\(spec.id)' (iteration \(index)): \(failure)",
                                                        ko: "단계 '\(spec.id)' (반복, index \(index)): \(record.handoutFailure ?? failure)")
            } else if let output = record.output {
                inner.outputs[spec.id] = output
                outputs[spec.id] = output
            }
        }
        if let firstFailure { throw firstFailure }
        return outputs
    }
}

public struct WeightsNote: Sendable, Hashable, Codable {
    /// What answered, as the handout must say it: never call random or home-made weights pretrained.
    public enum Kind: Sendable, Hashable, Codable {
        /// Small random weights the project makes for its tests: answers carry no meaning.
        case randomFixture
        /// A model the project trained itself offline; its config.json says on what.
        case demo(description: String)
        /// Published weights downloaded from their hub (torchvision://, hf://) or fetched assets.
        case pretrained
        /// A folder the author gave: whatever its weights are.
        case supplied
    }
    public var model: String
    public var source: String
    public var kind: Kind
}
