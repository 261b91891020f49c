// Runs one lab book: steps in order, outputs into scope, expectations checked, a record
// per step for the progress display, the handout and the JUnit report.
import Cloud
import Foundation

/// What a run writes its handout as: Markdown always, HTML and PDF when asked.
public enum HandoutFormat: String, Sendable, CaseIterable {
    case md, html, pdf
}

public struct RunOptions: Sendable {
    public var language: Language = .ko
    /// `--format md,html,pdf`; Markdown is written whatever it says, since the others come from it.
    public var formats: Set<HandoutFormat> = [.md]
    public var outputRoot: URL
    public var only: String?
    public var from: String?
    /// `--failed`: run what failed or was skipped last time.
    public var failedOnly = false
    /// `labbook watch`: run what changed since the result cache was written.
    public var reuse = false
    /// `--no-cache` turns the result cache off: nothing is read from or written to it.
    public var useCache = true
    /// `--verbose`: each step's resolved inputs and the log lines it caused, as it finishes.
    public var verbose = false
    /// Folders a book may read besides its own, the handout folder and the asset cache.
    public var allowRead: [URL] = []
    /// `--endpoint-url`: AWS calls go over the wire to this caller instead of the embedded account.
    public var remote: (any AWSCaller)?

    public init(outputRoot: URL, language: Language = .ko, only: String? = nil, from: String? = nil, allowRead: [URL] = []) {
        self.outputRoot = outputRoot
        self.allowRead = allowRead
        self.language = language
        self.only = only
        self.from = from
    }
}

public enum StepStatus: String, Sendable {
    case passed, failed, skipped
}

public struct StepRecord: Sendable {
    public var spec: StepSpec
    public var status: StepStatus
    public var output: LabValue?
    /// Why the step failed: its own error, or the expectations it missed.
    public var failure: String?
    public var wallSeconds: Double
    public var simulatedSeconds: Double
    public var blocks: [HandoutBlock]
    public var inputs: LabObject
    /// `failure` in the handout's language, when labbook has it in both.
    public var handoutFailure: String?
    /// Whether this run ran the step, took it from the result cache, or kept the last
    /// run's record in the handout without running it (a partial run's other steps).
    public var origin: Origin = .ran
    /// When a cached or kept record was made.
    public var cachedAt: Date?

    /// Why the plan ran a step the run did not select (to rebuild the account, say).
    public var note: String?

    public enum Origin: String, Sendable { case ran, cached, kept }
}

public final class RunSession: @unchecked Sendable {
    public let book: LabBook
    public let options: RunOptions
    public let services: LabServices
    public let parameters: [String: LabValue]
    let reporter: ProgressReporter
    private let lock = NSLock()
    private var weights: [WeightsNote] = []
    /// The weights inside each model archive or image a step made, by its S3 URI, local
    /// path or image URI, so an endpoint's or function's reply can name them.
    private var artifactWeights: [String: WeightsNote] = [:]
    /// The files the running top-level step read and wrote, for its cache entry.
    private var reads = Set<URL>(), writes = Set<String>(), tracking = false
    /// Results of earlier runs, beside the handout; nil with --no-cache or --endpoint-url
    /// (a remote account keeps its own state, which no cached step can stand in for).
    let cache: ResultCache?

    /// Where the handout ends up.
    public var handoutDirectory: URL { options.outputRoot.appendingPathComponent(book.id) }
    /// Where this run writes: the handout folder, or for a full run a staging folder that
    /// replaces it at the end, so an interrupted run leaves the last handout whole.
    public var outputDirectory: URL { staging ?? handoutDirectory }
    let staging: URL?

    init(book: LabBook, parameters: [String: LabValue], options: RunOptions, services: LabServices, reporter: ProgressReporter) {
        self.book = book
        self.parameters = parameters
        self.options = options
        self.services = services
        self.reporter = reporter
        let inPlace = Self.updatesInPlace(options)
        staging = inPlace ? nil : options.outputRoot.appendingPathComponent(".\(book.id).partial-\(ProcessInfo.processInfo.processIdentifier)")
        let handout = options.outputRoot.appendingPathComponent(book.id)
        cache = options.useCache && options.remote == nil
            ? ResultCache(outputDirectory: staging ?? handout, finalDirectory: staging == nil ? nil : handout) : nil
    }

    /// Whether a run leaves the handout's other steps as they were (and its folder in place).
    static func updatesInPlace(_ options: RunOptions) -> Bool {
        options.useCache && options.remote == nil && (options.only != nil || options.from != nil || options.failedOnly || options.reuse)
    }

    var updatesInPlace: Bool { staging == nil }

    /// `${lab.out}` as the cache keys see it: the handout folder, not this run's staging folder.
    func keyLab(_ lab: [String: LabValue]) -> [String: LabValue] {
        var lab = lab
        lab["out"] = .string(handoutDirectory.path)
        return lab
    }

    private var resolvedReadableRoots: [(name: String, path: String)]?
    /// StepContext.readableRoots, kept once they all exist.
    var knownReadableRoots: [(name: String, path: String)]? {
        get { lock.withLock { resolvedReadableRoots } }
        set { lock.withLock { resolvedReadableRoots = newValue } }
    }

    /// Log events `--verbose` already printed, by eventId.
    private var printedLogEvents = Set<String>()

    /// Whether the event is new (and now printed).
    func markPrinted(logEvent id: String) -> Bool {
        lock.withLock { printedLogEvents.insert(id).inserted }
    }

    private func startTracking() { lock.withLock { (reads, writes, tracking) = ([], [], true) } }

    private func stopTracking() -> (reads: [URL], writes: [String]) {
        lock.withLock { tracking = false; return (reads.sorted { $0.path < $1.path }, writes.sorted()) }
    }

    /// A file or model folder the running step read.
    func noteRead(_ url: URL) {
        // Files in the run's own state folder were made by earlier steps, whose keys cover them.
        if url.standardizedFileURL.path.hasPrefix(services.stateDirectory.standardizedFileURL.path + "/") { return }
        // A file this run wrote in its staging folder is the handout folder's once the run ends.
        var read = url
        if let staging, url.standardizedFileURL.path.hasPrefix(staging.path + "/") {
            read = handoutDirectory.appendingPathComponent(String(url.standardizedFileURL.path.dropFirst(staging.path.count + 1)))
        }
        lock.withLock { if tracking { reads.insert(read) } }
    }

    func noteWeights(_ note: WeightsNote) {
        lock.withLock { if !weights.contains(note) { weights.append(note) } }
    }

    var weightsUsed: [WeightsNote] { lock.withLock { weights } }

    func noteArtifact(_ location: String, holds note: WeightsNote) {
        lock.withLock { artifactWeights[location] = note }
    }

    func weights(inArtifact location: String) -> WeightsNote? {
        lock.withLock { artifactWeights[location] }
    }

    func writeOutput(_ data: Data, named name: String) throws {
        try FileManager.default.createDirectory(at: outputDirectory, withIntermediateDirectories: true)
        try data.write(to: outputDirectory.appendingPathComponent(name), options: .atomic)
        lock.withLock { if tracking { writes.insert(name) } }
    }

    /// Writes a file beside the handout as `body` renders it, never holding it whole.
    func writeOutput(named name: String, _ body: (inout FileOutput) throws -> Void) throws {
        try FileManager.default.createDirectory(at: outputDirectory, withIntermediateDirectories: true)
        try FileOutput.write(to: outputDirectory.appendingPathComponent(name), body)
        lock.withLock { if tracking { writes.insert(name) } }
    }

    /// Runs the book's steps in order, as the plan says (RunPlan); a failed step skips the
    /// later ones it would run, except `always` steps.
    func run() async -> [StepRecord] {
        let lab: [String: LabValue] = ["dir": .string(book.directory.path), "out": .string(outputDirectory.path), "id": .string(book.id)]
        let plan = RunPlan(book: book, options: options, cache: cache, parameters: parameters, lab: keyLab(lab))
        var scope = Scope(params: parameters, lab: lab)
        // Later steps' keys take earlier outputs by digest: a long output is hashed once.
        var outputDigests: [String: String] = [:]
        var records: [StepRecord] = []
        var failed = false
        for (position, spec) in book.steps.enumerated() {
            let key = cache.map { _ in
                ResultCache.key(for: spec, params: parameters, lab: keyLab(lab), outputDigests: outputDigests, language: options.language)
            }
            var record: StepRecord
            var accountStart: Date?
            switch plan.decide(spec, key: key) {
            case let .reuse(entry):
                record = cache?.record(entry, for: spec, origin: .cached) ?? entry.record(for: spec, origin: .cached, output: nil)
                outputDigests[spec.id] = entry.outputDigest
                noteWeights(in: record)
            case let .keep(entry):
                guard let entry else { continue }
                record = cache?.record(entry, for: spec, origin: .kept) ?? entry.record(for: spec, origin: .kept, output: nil)
                outputDigests[spec.id] = entry.outputDigest
                noteWeights(in: record)
            case .run where failed && !spec.always:
                record = StepRecord(spec: spec, status: .skipped, output: nil, failure: "an earlier step failed",
                                    wallSeconds: 0, simulatedSeconds: 0, blocks: [], inputs: LabObject())
                if let key { outputDigests[spec.id] = cache?.save(record, key: key, language: options.language, reads: [], writes: []) }
            case .run:
                reporter.started(spec, position: position, of: book.steps.count)
                accountStart = services.simulatedNow()
                startTracking()
                record = await execute(spec, scope: scope, nested: false) { [reporter] done, total in
                    reporter.progress(spec, done: done, total: total)
                }
                let touched = stopTracking()
                if plan.rebuilds.contains(spec.id) {
                    record.note = "ran again to rebuild the state (account, local endpoints) that later steps use"
                } else if plan.needed.contains(spec.id) {
                    record.note = "ran: a later step needs its output and its cached result no longer holds"
                }
                if let key {
                    outputDigests[spec.id] = cache?.save(record, key: key, language: options.language, reads: touched.reads, writes: touched.writes)
                }
            }
            if let output = record.output { scope.outputs[spec.id] = output }
            if record.status == .failed, record.origin == .ran { failed = true }
            reporter.finished(record, position: position, of: book.steps.count)
            if options.verbose, record.origin == .ran, record.status != .skipped {
                reporter.details(await verboseDetails(of: record, since: accountStart))
            }
            records.append(record)
        }
        return records
    }

    /// A record from the cache shows the weights its step used in the handout's summary too.
    private func noteWeights(in record: StepRecord) {
        for case let .weights(note) in record.blocks { noteWeights(note) }
    }

    func execute(_ spec: StepSpec, scope: Scope, nested: Bool,
                 progress: ((Int, Int) -> Void)? = nil) async -> StepRecord {
        let context = StepContext(session: self, spec: spec, scope: scope)
        context.onProgress = progress
        let simulatedStart = services.simulatedNow()
        let start = DispatchTime.now()
        var output: LabValue?
        var failure: String?
        var handoutFailure: String?
        // What the handout says instead of `failure` when it is in Korean.
        let korean = options.language == .ko
        do {
            output = try await runWithTimeout(spec, context)
            if let code = spec.expectedError {
                failure = "\(spec.location): step '\(spec.id)': expected the call to fail with \(code), but it succeeded"
                if korean {
                    handoutFailure = "\(spec.location): 단계 '\(spec.id)': 호출이 \(code) 오류로 실패해야 하는데 성공했습니다"
                }
            }
        } catch let error as AWSError where spec.expectedError != nil {
            if error.code == spec.expectedError {
                output = Self.clientError(error)
            } else {
                failure = "\(spec.location): step '\(spec.id)': expected \(spec.expectedError!), got \(error)"
                if korean {
                    handoutFailure = "\(spec.location): 단계 '\(spec.id)': \(spec.expectedError!) 오류를 기대했는데 \(error.code) 오류(HTTP \(error.httpStatus))가 "
                        + "났습니다. AWS의 메시지 그대로: \(error.message)"
                }
            }
        } catch let error as AWSError {
            failure = "\(spec.location): step '\(spec.id)' (\(spec.kind)): \(error)"
            // AWS words its messages in English everywhere; a Korean handout says what happened first.
            if korean {
                handoutFailure = "\(spec.location): 단계 '\(spec.id)'의 AWS 호출(\(spec.kind))이 \(error.code) 오류(HTTP \(error.httpStatus))로 "
                    + "실패했습니다. AWS의 메시지 그대로: \(error.message)"
            }
        } catch let error as LabError {
            failure = error.description
            if korean { handoutFailure = error.text(in: .ko) }
        } catch {
            let detail = Self.describe(error)
            failure = "\(spec.location): step '\(spec.id)' (\(spec.kind)): \(detail)"
            if korean, let described = error as? KoreanDescribed {
                handoutFailure = "\(spec.location): 단계 '\(spec.id)'(\(spec.kind)): \(described.koreanDescription)"
            } else if korean {
                handoutFailure = "\(spec.location): 단계 '\(spec.id)'(\(spec.kind)) 실행 중 오류가 났습니다. 원래 메시지: \(detail)"
            }
        }
        let wall = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        await context.refreshServerClock()
        if let output, failure == nil {
            let misses = spec.expectations.compactMap { ExpectationEvaluator.failure(of: $0, output: output, context: context) }
            if !misses.isEmpty {
                failure = misses.map(\.en).joined(separator: "\n")
                handoutFailure = misses.map { $0.text(options.language) }.joined(separator: "\n")
            }
        }
        var record = StepRecord(spec: spec, status: failure == nil ? .passed : .failed, output: output, failure: failure,
                                wallSeconds: wall, simulatedSeconds: Self.elapsed(from: simulatedStart, to: services.simulatedNow()),
                                blocks: context.blocks, inputs: context.inputs)
        record.handoutFailure = handoutFailure
        return record
    }

    /// Account time that passed during a step; 0 when the clock was not known at both ends.
    static func elapsed(from start: Date?, to end: Date?) -> Double {
        guard let start, let end else { return 0 }
        return max(0, end.timeIntervalSince(start))
    }

    /// Foundation errors print as NSError dumps; say what a reader needs.
    static func describe(_ error: Error) -> String {
        let ns = error as NSError
        guard ns.domain == NSCocoaErrorDomain || ns.domain == NSPOSIXErrorDomain else { return "\(error)" }
        let path = (ns.userInfo[NSFilePathErrorKey] as? String).map { " (\($0))" } ?? ""
        return ns.localizedDescription + path
    }

    /// botocore's ClientError.response for an expected failure.
    static func clientError(_ error: AWSError) -> LabValue {
        var details = LabObject([("Code", .string(error.code)), ("Message", .string(error.message))])
        for key in error.fields.keys.sorted() { details[key] = .string(error.fields[key]!) }
        return .object(LabObject([("Error", .object(details)),
                                  ("ResponseMetadata", .object(LabObject([("HTTPStatusCode", .int(error.httpStatus))])))]))
    }

    /// Races the step against its timeout. Step code is mostly synchronous compute that
    /// cannot be preempted, so on timeout the runner reports and moves on while the
    /// step's task finishes in the background (it is cancelled, and loops check that).
    private func runWithTimeout(_ spec: StepSpec, _ context: StepContext) async throws -> LabValue {
        guard let timeout = spec.timeout else { return try await spec.step.run(in: context) }
        let race = Race<LabValue>()
        return try await withCheckedThrowingContinuation { continuation in
            race.continuation = continuation
            let work = Task {
                let result = await Result(catching: { try await spec.step.run(in: context) })
                if race.finish(with: result) { race.timer?.cancel() }
            }
            race.timer = Task {
                try await Task.sleep(nanoseconds: UInt64(timeout * 1e9))  // the parser bounds timeout to a day
                let seconds = LabValue.format(number: timeout)
                let error = LabError(spec.location, "step '\(spec.id)' timed out after \(seconds) s",
                                     ko: "단계 '\(spec.id)': 제한 시간 \(seconds)초 안에 끝나지 않았습니다")
                if race.finish(with: .failure(error)) {
                    context.abandon()
                    work.cancel()
                }
            }
        }
    }

}

/// Resumes a continuation with whichever result comes first.
private final class Race<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    var continuation: CheckedContinuation<Value, Error>?

    private var timerTask: Task<Void, Error>?
    var timer: Task<Void, Error>? {
        get { lock.withLock { timerTask } }
        set { lock.withLock { timerTask = newValue } }
    }

    @discardableResult
    func finish(with result: Result<Value, Error>) -> Bool {
        guard let continuation = lock.withLock({ () -> CheckedContinuation<Value, Error>? in
            defer { self.continuation = nil }
            return self.continuation
        }) else { return false }
        continuation.resume(with: result)
        return true
    }
}

extension Result where Failure == Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
