// The `labbook` command: parses arguments and hands them to LabRunner.
import ArgumentParser
import AWSWire
import Foundation
import Formats
import Inference
import LabRunner
import Media
import Serving

@main
struct Labbook: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "labbook",
        abstract: "Runs SageMaker hands-on labs written as YAML lab books, offline, and writes their handouts.",
        version: labbookVersion,
        subcommands: [Run.self, Watch.self, Validate.self, List.self, Kinds.self, Describe.self, Schema.self, Predict.self, Models.self,
                      Frames.self, Serve.self, Import.self]
    )

    /// ArgumentParser exits 64 (EX_USAGE) on a bad command line; labbook documents 2 for
    /// "the book or command line is invalid", so usage errors exit 2 as well.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

/// Exit codes: 0 all good, 1 a step or expectation failed, 2 the book or command line is invalid.
enum Exit {
    static func invalid(_ error: Error) -> ExitCode {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        return ExitCode(2)
    }

    /// 2 when the book or the command line is wrong; 1 when running failed (I/O, say).
    static func classify(_ error: Error) -> ExitCode {
        switch error {
        case is LabError, is LabErrors, is ValidationError, is RegistryError: return invalid(error)
        default:
            // Foundation's own text names no file and no reason on Linux; a typed error describes itself.
            let text = FileProblem.describe(error) ?? String(describing: error)
            FileHandle.standardError.write(Data("error: \(text)\n".utf8))
            return ExitCode(1)
        }
    }
}

/// What `run` and `watch` share: the books, their parameters and where handouts go.
struct BookArguments: ParsableArguments {
    @Argument(help: "Lab book files or folders of them.") var books: [String]
    @Option(name: .short, help: "Set a parameter: -p name=value (repeatable).") var p: [String] = []
    @Option(name: .short, help: "A YAML file of parameter values (repeatable: later files win).") var f: [String] = []
    @Option(help: "Handout language: ko or en.") var lang: String = "ko"
    @Option(help: "Handout formats, comma-separated: md, html, pdf (Markdown is always written).") var format: String = "md"
    @Option(help: "Memory budget for a model's inputs and feature maps, e.g. 4G (default 2G).") var maxMemory: String?
    @Option(help: "Where handouts go.") var out: String = "output"
    @Flag(help: "Print each step's resolved inputs and the CloudWatch Logs lines it caused as it finishes.") var verbose = false
    @Option(help: "Let books read files under this folder too (repeatable); by default only the book's folder, the handout folder and the asset cache.")
    var allowRead: [String] = []

    /// The books loaded (warnings printed), their parameter values and the run options.
    func load(_ engine: LabEngine) throws -> ([LabBook], [String: (LabValue, SourceLocation)], RunOptions) {
        guard let language = Language(rawValue: lang) else { throw ValidationError("--lang is ko or en, not '\(lang)'") }
        let loaded = try LabEngine.expand(books).map(engine.load)
        for warning in loaded.flatMap(\.warnings) { FileHandle.standardError.write(Data("\(warning)\n".utf8)) }
        let overrides = try engine.parameterOverrides(assignments: p, files: f.map(URL.init(fileURLWithPath:)), books: loaded)
        var options = RunOptions(outputRoot: URL(fileURLWithPath: out), language: language,
                                 allowRead: allowRead.map { URL(fileURLWithPath: $0) })
        options.formats = try Run.formats(format)
        options.verbose = verbose
        try MaxMemory.apply(maxMemory)
        return (loaded, overrides, options)
    }
}

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run lab books and write their handouts.")

    @OptionGroup var arguments: BookArguments
    @Option(help: "Run only this step; the steps it refers to come from the result cache (or run).") var only: String?
    @Option(help: "Start at this step; earlier steps it refers to come from the result cache (or run).") var from: String?
    @Flag(help: "Re-run only what failed or was skipped last time.") var failed = false
    @Flag(help: "Neither read nor write the result cache (.labbook-cache beside the handout).") var noCache = false
    @Option(help: "Write a JUnit XML report here.") var junit: String?
    @Option(help: "Send every AWS call to this endpoint (labbook serve, or AWS itself), signed with credentials from the standard chain.")
    var endpointURL: String?
    @Option(help: "The credentials profile for --endpoint-url (default: AWS_PROFILE or default).") var profile: String?
    @Option(help: "The region for --endpoint-url (default: AWS_REGION, the profile's region, or ap-northeast-2).") var region: String?

    func run() async throws {
        let engine = LabEngine()
        do {
            if [only != nil, from != nil, failed].filter({ $0 }).count > 1 {
                throw ValidationError("--only, --from and --failed choose the steps to run; give one of them")
            }
            var (loaded, overrides, options) = try arguments.load(engine)
            InterruptCleanup.install()
            (options.only, options.from, options.failedOnly, options.useCache) = (only, from, failed, !noCache)
            options.remote = try remoteCaller()
            if options.remote != nil, failed { throw ValidationError("--failed reads the result cache, which --endpoint-url does not use") }
            if noCache, failed { throw ValidationError("--failed reads the result cache, which --no-cache turns off") }
            let outcome = try await engine.run(loaded, overrides: overrides, options: options,
                                               junit: junit.map(URL.init(fileURLWithPath:)))
            if outcome.exitCode != 0 { throw ExitCode(outcome.exitCode) }
        } catch let error as ExitCode {
            throw error
        } catch {
            throw Exit.classify(error)
        }
    }

    /// `md,html,pdf` as a set; an unknown name or an empty list is a usage error.
    static func formats(_ written: String) throws -> Set<HandoutFormat> {
        var formats: Set<HandoutFormat> = [.md]
        for name in written.split(separator: ",", omittingEmptySubsequences: false).map({ $0.trimmingCharacters(in: .whitespaces) }) {
            guard let format = HandoutFormat(rawValue: name) else {
                throw ValidationError("--format takes md, html and pdf, comma-separated; '\(name)' is none of them")
            }
            formats.insert(format)
        }
        return formats
    }

    private func remoteCaller() throws -> WireClient? {
        guard let endpointURL else {
            if profile != nil || region != nil { throw ValidationError("--profile and --region apply to --endpoint-url only") }
            return nil
        }
        guard let url = URL(string: endpointURL), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            throw ValidationError("--endpoint-url must be an http(s) URL such as http://127.0.0.1:4566, not '\(endpointURL)'")
        }
        let credentials: ClientCredentials
        do { credentials = try CredentialChain.resolve(profile: profile) } catch { throw ValidationError("\(error)") }
        return WireClient(endpoint: url, credentials: credentials,
                          region: region ?? CredentialChain.region(profile: profile) ?? "ap-northeast-2")
    }
}

struct Validate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Parse and type-check lab books without running them.")

    @Argument(help: "Lab book files or folders of them.") var books: [String]

    func run() async throws {
        let engine = LabEngine()
        var failed = false
        do {
            for file in try LabEngine.expand(books) {
                do {
                    let book = try engine.load(file)
                    print("ok  \(file.relativePath): \(book.id), \(book.steps.count) steps")
                    for warning in book.warnings { FileHandle.standardError.write(Data("\(warning)\n".utf8)) }
                } catch {
                    failed = true
                    FileHandle.standardError.write(Data("\(error)\n".utf8))
                }
            }
        } catch {
            throw Exit.invalid(error)
        }
        if failed { throw ExitCode(2) }
    }
}

struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List a lab book's steps, their kinds and ids.")

    @Argument(help: "A lab book.") var book: String

    func run() async throws {
        let engine = LabEngine()
        do {
            let loaded = try engine.load(URL(fileURLWithPath: book))
            print("\(loaded.id): \(loaded.title.ko ?? "")" + (loaded.title.en.map { " / \($0)" } ?? ""))
            for p in loaded.parameters {
                print("  param \(p.name): \(p.type)" + (p.defaultValue.map { " = \($0.displayString)" } ?? ""))
            }
            for (n, step) in loaded.steps.enumerated() {
                print(String(format: "%3d  %-28@ %@", n + 1, step.id as NSString, step.kind as NSString))
                for child in step.step.children {
                    print(String(format: "       %-26@ %@", child.id as NSString, child.kind as NSString))
                }
            }
        } catch {
            throw Exit.invalid(error)
        }
    }
}

struct Predict: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run one inference handler on one input, no endpoint: the notebooks' local test as a command.")

    @Option(help: "The unpacked model folder, or a model as a book names it (fixture:maskrcnn-demo, torchvision://maskrcnn_resnet50_fpn_coco).")
    var modelDir: String
    @Option(name: [.customLong("program"), .customLong("handler")],
            help: "The handler's name, as a book's `program:` names it (--handler is the same).") var handler: String
    @Option(help: "Request content type.") var contentType: String = "application/jsonlines"
    @Option(help: "Response content type.") var accept: String = "application/jsonlines"
    @Option(help: "Input file (default: standard input).") var input: String?
    @Option(help: "Memory budget for a model's inputs and feature maps, e.g. 4G (default 2G).") var maxMemory: String?

    func run() async throws {
        try MaxMemory.apply(maxMemory)
        let engine = LabEngine()
        guard engine.handlers.modelHandlerNames.contains(handler) else {
            throw Exit.invalid(RegistryError.unknownHandler(handler, known: engine.handlers.modelHandlerNames))
        }
        let folder: URL
        do { folder = try engine.modelDirectory(modelDir) } catch {
            throw Exit.invalid(ValidationError("--model-dir \(modelDir) is not a folder or a known model: \(error)"))
        }
        let body: Data
        do {
            body = try input.map { try Data(contentsOf: URL(fileURLWithPath: $0)) } ?? FileHandle.standardInput.readDataToEndOfFile()
        } catch {
            throw Exit.invalid(ValidationError("cannot read --input \(input ?? "-")"))
        }
        do {
            let loaded = try engine.handlers.loadModel(handler, from: folder)
            let response = try loaded.invoke(body: body, contentType: contentType, accept: accept)
            FileHandle.standardOutput.write(response.body)
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}

/// `labbook models`: what a book's `model:` or predict's --model-dir can name, and what each is.
struct Models: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the models a book or `labbook predict` can name: demo models, test fixtures, published weights.")

    @Option(help: "ko or en.") var language: String = "en"

    func run() async throws {
        guard let lang = Language(rawValue: language) else { throw Exit.invalid(ValidationError("--language must be ko or en")) }
        let entries = ModelCatalog.entries(fixtures: LabEngine().fixtures, language: lang)
        for entry in entries {
            print(entry.reference)
            print("    \(entry.kind) · \(entry.architecture)" + (entry.handlers.isEmpty ? "" : " · handlers: \(entry.handlers.joined(separator: ", "))"))
            print("    \(entry.description)")
        }
    }
}

// `labbook frames`: the frames a video handler sees (every Nth, resized with INTER_AREA,
// as the seed's input_fn makes them) written as numbered PNGs, to look at or to diff.
struct Frames: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the frames a video handler sees (every Nth frame, resized) as frame-00000.png, frame-00001.png, ...")

    @Argument(help: "A video file: MP4/MOV, Matroska/WebM or AVI.") var video: String
    @Option(help: "Keep the frames whose index is a multiple of N (the seed's handler: 30).") var every: Int = 1
    @Option(help: "Resize kept frames to WxH with INTER_AREA (the seed's handler: 256x256); default: as decoded.")
    var size: String?
    @Option(help: "The folder to write the PNGs into (created if missing).") var out: String

    func run() async throws {
        let selection: FrameSelection
        let reader: VideoReader
        do {
            selection = try Self.selection(every: every, size: size)
            reader = try VideoReader(path: video)
        } catch let error as VideoError {
            if case .notAVideo = error { throw Self.failure(error) }
            if case .unreadable = error { throw Exit.invalid(error) }
            if case .invalidArgument = error { throw Exit.invalid(error) }
            throw Self.failure(error)
        } catch {
            throw Exit.invalid(error)
        }
        let folder = URL(fileURLWithPath: out)
        var written = 0
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try reader.forEachFrame(selection) { frame in
                let name = String(format: "frame-%05d.png", written)
                try PNGEncoder.encode(frame.image).write(to: folder.appendingPathComponent(name), options: .atomic)
                written += 1
            }
            try Self.removeStaleFrames(in: folder, from: written)
        } catch {
            throw Self.failure(error, after: written)
        }
        print("wrote \(written) of \(reader.framesRead) frames (\(reader.width)x\(reader.height)"
              + (size.map { " resized to \($0)" } ?? "") + ") to \(folder.path)")
    }

    static func selection(every: Int, size: String?) throws -> FrameSelection {
        guard let size else { return try FrameSelection(every: every) }
        let sides = size.lowercased().split(separator: "x", omittingEmptySubsequences: false).map { Int($0) }
        guard sides.count == 2, let width = sides[0], let height = sides[1] else {
            throw ValidationError("--size is WIDTHxHEIGHT, e.g. 256x256, not '\(size)'")
        }
        return try FrameSelection(every: every, width: width, height: height)
    }

    /// Frames from an earlier, longer run would pass for this run's; only files named
    /// like ours and numbered past the last one written are removed.
    static func removeStaleFrames(in folder: URL, from count: Int) throws {
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            guard name.hasPrefix("frame-"), name.hasSuffix(".png"), name.count == 15,
                  let number = Int(name.dropFirst(6).dropLast(4)), number >= count else { continue }
            try FileManager.default.removeItem(at: folder.appendingPathComponent(name))
        }
    }

    static func failure(_ error: Error, after written: Int = 0) -> ExitCode {
        let note = written > 0 ? " (after writing \(written) frames)" : ""
        FileHandle.standardError.write(Data("error: \(error)\(note)\n".utf8))
        return ExitCode(1)
    }
}

/// `--max-memory`: the process's MemoryBudget.
enum MaxMemory {
    static func apply(_ written: String?) throws {
        guard let written else { return }
        guard let bytes = MemoryBudget.parse(written), bytes >= 1 << 20 else {
            throw Exit.invalid(ValidationError("--max-memory takes a size such as 512M, 4G or 1.5G (at least 1M), not '\(written)'"))
        }
        MemoryBudget.bytes = bytes
    }
}
