// The runner's front door, used by the CLI: load and check books, resolve parameters,
// run books and write their handouts and JUnit report.
import Formats
import Foundation
import Models
import Serving

/// What `labbook --version` prints; part of every result cache key.
public let labbookVersion = "0.2.0"

public struct RunOutcome: Sendable {
    public var failedSteps: Int
    public var runs: [(book: LabBook, records: [StepRecord])]
    public var exitCode: Int32 { failedSteps == 0 ? 0 : 1 }
}

public struct LabEngine: Sendable {
    public var catalog: StepCatalog
    public var handlers: HandlerRegistry
    /// Small models the project makes, by name (`fixture:<name>` in a book).
    public var fixtures: [String: URL]

    /// The generic step kinds and every room's domain kinds and handlers.
    public init() {
        catalog = StepCatalog()
        for kind in Self.genericKinds + Self.modelKinds + Self.awsKinds { catalog.register(kind) }
        handlers = HandlerRegistry()
        registerModelHandlers(into: &handlers)
        fixtures = [:]
        for name in TinyModels.names {
            if let url = try? offlineModelDirectory(name) { fixtures[name] = url }
        }
        if let url = try? offlineBARTModelDirectory("kobart-tiny") { fixtures["kobart-tiny"] = url }
        // Real weights fetched on first use by `assets.fetch` (not here: init stays offline).
        fixtures["yolov3-tiny"] = DarknetAssets.yoloV3TinyFolder
    }

    static let genericKinds: [any LabStep.Type] = [ProseStep.self, RepeatStep.self, ReadFileStep.self, FigureStep.self,
                                                   ImageShowStep.self, ImageEncodeStep.self, ImageInstancesStep.self,
                                                   AssetFetchStep.self]
    static let modelKinds: [any LabStep.Type] = [
        PackageModelStep.self, PredictStep.self,
        LocalDeployStep.self, LocalInvokeStep.self, LocalPredictStep.self, LocalDeleteStep.self,
    ]
    static let awsKinds: [any LabStep.Type] = [
        CreateBucketStep.self, PutObjectStep.self, GetObjectStep.self, ListObjectsStep.self, DeleteObjectStep.self,
        ObjectExistsWaitStep.self, DeleteStep<BucketResource>.self,
        DefaultBucketStep.self, CreateModelStep.self, CreateEndpointConfigStep.self, CreateEndpointStep.self, DescribeEndpointStep.self,
        WaitStep.self, DeleteStep<EndpointResource>.self, DeleteStep<EndpointConfigResource>.self, DeleteStep<ModelResource>.self,
        InvokeEndpointStep.self, InvokeEndpointAsyncStep.self,
        CreateRoleStep.self, AttachRolePolicyStep.self, DetachRolePolicyStep.self, DeleteStep<RoleResource>.self, GetCallerIdentityStep.self,
        CreateRepositoryStep.self, SetRepositoryPolicyStep.self, BuildImageStep.self, DeleteRepositoryStep.self,
        CreateFunctionStep.self, InvokeFunctionStep.self, InvokeImageLocallyStep.self, DeleteStep<FunctionResource>.self,
        CreateTopicStep.self, ListTopicsStep.self, SubscribeStep.self, ConfirmSubscriptionStep.self, TopicDeliveriesStep.self,
        DeleteStep<TopicResource>.self,
        RegisterScalableTargetStep.self, PutScalingPolicyStep.self, DescribeScalingActivitiesStep.self,
        DeregisterScalableTargetStep.self,
        GetMetricStatisticsStep.self, FilterLogEventsStep.self, SleepStep.self, SimulateModelLatencyStep.self,
    ]

    // MARK: Loading

    /// Reads and type-checks one book. Errors are located `file:line:col: message`.
    /// The folder a model reference names, as a book's `model:` takes it (ModelReference),
    /// relative paths from the working directory.
    public func modelDirectory(_ reference: String) throws -> URL {
        try ModelReference(reference).directory(fixtures: fixtures,
                                                base: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
    }

    public func load(_ file: URL) throws -> LabBook {
        let name = Self.displayPath(file)
        let text = try BookFile.text(of: file, name: name)
        let root = try YAMLReader.read(text, file: name)
        var book = try StepParser(catalog: catalog).parseBook(root, file: file)
        try checkNames(in: book.steps, bookDirectory: book.directory)
        book.warnings = Self.unusedParameters(book, text: text)
        return book
    }

    /// Parameters declared but named by no `${params.…}` reference: a typo in the
    /// reference, or a value `-p` would set for nothing.
    static func unusedParameters(_ book: LabBook, text: String) -> [String] {
        book.parameters.compactMap { parameter in
            let pattern = "params\\.\(NSRegularExpression.escapedPattern(for: parameter.name))(?![A-Za-z0-9_-])"
            guard text.range(of: pattern, options: .regularExpression) == nil else { return nil }
            return "\(parameter.location): warning: parameter '\(parameter.name)' is declared but no step uses it (no ${params.\(parameter.name)})"
        }
    }

    /// `labs/` → its `*.yaml` files in name order; a file stays itself.
    public static func expand(_ paths: [String]) throws -> [URL] {
        var files: [URL] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw LabError(.synthetic(path), "no such file or folder")
            }
            if isDirectory.boolValue {
                let names = try FileManager.default.contentsOfDirectory(atPath: path)
                    .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
                if names.isEmpty { throw LabError(.synthetic(path), "the folder holds no .yaml lab books") }
                files += names.map { URL(fileURLWithPath: path).appendingPathComponent($0) }
            } else {
                files.append(URL(fileURLWithPath: path))
            }
        }
        return files
    }

    public static func displayPath(_ url: URL) -> String {
        let cwd = FileManager.default.currentDirectoryPath + "/"
        let path = url.standardizedFileURL.path
        return path.hasPrefix(cwd) ? String(path.dropFirst(cwd.count)) : path
    }

    // MARK: Parameters

    /// Values from `-p name=value` and `-f params.yaml` files, checked against the books.
    /// A name that no book declares is an error.
    public func parameterOverrides(assignments: [String], files: [URL], books: [LabBook]) throws -> [String: (LabValue, SourceLocation)] {
        var values: [String: (LabValue, SourceLocation)] = [:]
        var commandLine = Set<String>()
        for file in files {  // in order: a later file's value wins
            let name = Self.displayPath(file)
            let text = try BookFile.text(of: file, name: name)
            let root = try YAMLReader.read(text, file: name)
            guard let pairs = root.pairs else { throw LabError(root.location, "a parameter file is a mapping from name to value") }
            for pair in pairs { values[pair.key] = (pair.value.value, pair.value.location) }
        }
        for assignment in assignments {
            guard let equals = assignment.firstIndex(of: "="), equals != assignment.startIndex else {
                throw LabError(.synthetic("-p \(assignment)"), "expected name=value")
            }
            let name = String(assignment[..<equals])
            values[name] = (.string(String(assignment[assignment.index(after: equals)...])), .synthetic("-p \(assignment)"))
            commandLine.insert(name)
        }
        let declared = Set(books.flatMap { $0.parameters.map(\.name) })
        // A path typed on the command line means a path from where the command runs.
        let pathNames = Set(books.flatMap { $0.parameters.filter { $0.type == .path }.map(\.name) })
        for name in commandLine.intersection(pathNames) {
            if case let (.string(path), location)? = values[name], !path.hasPrefix("/") {
                values[name] = (.string(URL(fileURLWithPath: path).standardizedFileURL.path), location)
            }
        }
        for name in values.keys.sorted() where !declared.contains(name) {
            throw LabError.unknown("parameter", name, at: values[name]!.1, known: declared.sorted())
        }
        return values
    }

    /// Every parameter of `book` with its value: given, or the default. Missing ones are errors.
    public func parameters(of book: LabBook, overrides: [String: (LabValue, SourceLocation)]) throws -> [String: LabValue] {
        var result: [String: LabValue] = [:]
        for spec in book.parameters {
            if let (value, location) = overrides[spec.name] {
                result[spec.name] = try StepParser.coerce(value, to: spec.type, name: spec.name, at: location)
            } else if let value = spec.defaultValue {
                result[spec.name] = value
            } else {
                throw LabError(spec.location, "parameter '\(spec.name)' has no default; give it with -p \(spec.name)=<\(spec.type)>")
            }
        }
        return result
    }

    // MARK: Running

    public func run(_ books: [LabBook], overrides: [String: (LabValue, SourceLocation)], options: RunOptions,
                    progress: ProgressStyle = .automatic, junit: URL? = nil) async throws -> RunOutcome {
        let reporter = StreamReporter(style: progress)
        var runs: [(book: LabBook, records: [StepRecord])] = []
        var seen: [String: URL] = [:]
        for book in books {
            if let other = seen[book.id] {
                throw LabError(.synthetic(Self.displayPath(book.file)), "lab id '\(book.id)' is also the id of \(Self.displayPath(other)); handouts would overwrite each other")
            }
            seen[book.id] = book.file
            if let only = options.only ?? options.from, !book.steps.contains(where: { $0.id == only }) {
                throw LabError(.synthetic(Self.displayPath(book.file)), "no top-level step '\(only)'"
                               + (nearestName(to: only, in: book.steps.map(\.id)).map { " (did you mean '\($0)'?)" } ?? ""))
            }
        }
        if let junit { try Self.checkReplaceable(junit, option: "--junit") }
        try Self.checkFolder(options.outputRoot, option: "--out")
        for book in books {
            let parameters = try self.parameters(of: book, overrides: overrides)
            let services = try makeServices(for: book, options: options)
            // The emulated services' files (archives, S3 objects) belong to this run only.
            defer { try? FileManager.default.removeItem(at: services.stateDirectory) }
            let session = RunSession(book: book, parameters: parameters, options: options, services: services, reporter: reporter)
            if session.updatesInPlace {
                try Self.checkUpdatable(session)
            } else {
                try HandoutSwap.prepare(session)
            }
            defer { HandoutSwap.discard(session) }  // a run that throws leaves the last handout alone
            reporter.bookStarted(book, language: options.language)
            let records = await session.run()
            reporter.flushReused()
            session.cache?.flush()
            try HandoutWriter(session: session, records: records).write()
            try HandoutSwap.swapIn(session)
            if progress != .silent {
                FileHandle.standardError.write(Data(SummaryTable.render(book: book, records: records).utf8))
                FileHandle.standardError.write(Data("  handout: \(Self.displayPath(session.handoutDirectory.appendingPathComponent("README.md")))\n\n".utf8))
            }
            runs.append((book, records))
        }
        if let junit {
            try Data(JUnitWriter.xml(for: runs).utf8).write(to: junit, options: .atomic)
        }
        // A partial run answers for the steps it ran; kept records are the last run's.
        let failed = runs.reduce(0) { $0 + $1.records.filter { $0.status == .failed && $0.origin != .kept }.count }
        return RunOutcome(failedSteps: failed, runs: runs)
    }

    static let outputMarker = ".labbook-handout"

    /// A report path may be new or a regular file (replaced); never a link, device or folder,
    /// which an atomic rename would turn into a plain file.
    static func checkReplaceable(_ file: URL, option: String) throws {
        // Checked before the run, so a report that cannot be written does not cost a whole run.
        // Its folder is made like --out's (`--out output --junit output/junit.xml`).
        let parent = file.deletingLastPathComponent()
        do { try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true) } catch {
            throw LabError(.synthetic("\(option) \(file.path)"), "cannot make the folder \(parent.path): \(FileProblem.reason(error, at: parent))")
        }
        guard FileManager.default.isWritableFile(atPath: parent.path) else {
            throw LabError(.synthetic("\(option) \(file.path)"), "the folder \(parent.path) is not writable (permission denied)")
        }
        guard let type = (try? FileManager.default.attributesOfItem(atPath: file.path))?[.type] as? FileAttributeType else { return }
        guard type == .typeRegular else {
            let what = type == .typeSymbolicLink ? "a symbolic link" : type == .typeDirectory ? "a folder" : "not a regular file (a device, pipe or socket)"
            throw LabError(.synthetic("\(option) \(file.path)"), "is \(what); labbook writes a new file or replaces a regular file only")
        }
    }

    /// The handouts' root may be new or a folder; a file there is refused by name.
    static func checkFolder(_ folder: URL, option: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw LabError(.synthetic("\(option) \(folder.path)"), "is a file; handouts are written into a folder")
        }
    }

    /// The files and model folders the book's steps read in their last run (from the result
    /// cache), for `labbook watch` to notice when a data file is saved.
    public func filesRead(by book: LabBook, outputRoot: URL) -> [URL] {
        let cache = ResultCache(outputDirectory: outputRoot.appendingPathComponent(book.id))
        let paths = book.steps.flatMap { cache.entry($0.id)?.reads.map(\.path) ?? [] }
        return Set(paths).sorted().map { URL(fileURLWithPath: $0) }
    }

    /// A partial run updates a handout labbook wrote; `--failed` needs one to read failures from.
    static func checkUpdatable(_ session: RunSession) throws {
        let directory = session.outputDirectory
        let files = FileManager.default
        if files.fileExists(atPath: directory.path) {
            guard files.fileExists(atPath: directory.appendingPathComponent(outputMarker).path) else {
                throw LabError(.synthetic(displayPath(directory)), "this folder exists and was not written by labbook; choose another --out")
            }
        } else {
            try files.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data().write(to: directory.appendingPathComponent(outputMarker))
        }
        if session.options.failedOnly, session.cache.map({ !files.fileExists(atPath: $0.folder.path) }) ?? true {
            throw LabError(.synthetic(displayPath(session.book.file)),
                           "--failed re-runs what failed last time, but \(displayPath(directory)) has no earlier run's results; run the book once first")
        }
    }

    private func makeServices(for book: LabBook, options: RunOptions) throws -> LabServices {
        let state = FileManager.default.temporaryDirectory
            .appendingPathComponent("labbook-state-\(book.id)-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.removeItem(at: state)
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        return try LabServices(handlers: handlers, stateDirectory: state, fixtures: fixtures, remote: options.remote)
    }
}
