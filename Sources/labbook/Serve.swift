// `labbook serve`: the emulated AWS account on one port for boto3, the AWS CLI and any
// SDK. The first line on stdout is the URL; SIGTERM or Ctrl-C stops it.
import ArgumentParser
import Cloud
import AWSWire
import CloudServer
import Foundation
import LabRunner
import Serving

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the emulated AWS services over HTTP for boto3, the AWS CLI and other SDKs.")

    @Option(help: "Address to listen on. Loopback unless you say otherwise.") var host = "127.0.0.1"
    @Option(help: "Port; 0 picks a free one.") var port = 4566
    @Option(help: "Keep the account here across restarts: S3 objects, resources and the async queue (default: a temporary folder removed on exit).") var stateDir: String?
    @Option(help: "The account's region.") var region = "ap-northeast-2"
    @Option(help: "Virtual seconds per real second (1 = endpoints take their real minutes).") var timeScale = 1.0
    @Option(help: "A file of `ACCESS_KEY_ID SECRET_ACCESS_KEY` lines accepted for SigV4 (default: test test).")
    var credentials: String?
    @Flag(help: "Accept unsigned requests and any signature.") var noAuth = false
    @Option(help: ArgumentHelp(
        "Serve only this function's runtime interface emulator route, POST \(LambdaRuntimeEmulator.invocationsPath).",
        discussion: "A folder of the image's files (with --lambda-handler), or an image URI pushed to the --state-dir account."))
    var lambdaImage: String?
    @Option(help: "The function handler a folder image's CMD names, e.g. yolo-lambda.") var lambdaHandler: String?
    @Option(help: "The function's timeout in seconds (the RIE's AWS_LAMBDA_FUNCTION_TIMEOUT).") var lambdaTimeout = 300.0
    @Option(help: "The function's memory in MB (the RIE's AWS_LAMBDA_FUNCTION_MEMORY_SIZE).") var lambdaMemory = 3008

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0...65535, not \(port)") }
        guard timeScale > 0, timeScale.isFinite, timeScale <= 1_000_000 else {
            throw ValidationError("--time-scale must be a positive number up to 1000000, not \(timeScale)")
        }
        guard region.range(of: "^[a-z]{2}(-[a-z]+)+-[0-9]$", options: .regularExpression) != nil else {
            throw ValidationError("--region \(region) is not a region name such as ap-northeast-2")
        }
        try validateLambdaOptions()
    }

    func run() async throws {
        var options = ServerOptions()
        options.verifySignatures = !noAuth
        options.timeScale = timeScale
        if let credentials { options.credentials = try Self.readCredentials(credentials) }
        let (directory, temporary) = try stateDirectory()
        defer { if temporary { try? FileManager.default.removeItem(at: directory) } }

        let engine = LabEngine()
        let dispatch = try account(in: directory, temporary: temporary, handlers: engine.handlers)
        if let lambdaImage {
            let emulator = try emulator(for: lambdaImage, in: dispatch.cloud, engine: engine)
            return try await serve(RuntimeEmulatorService(emulator: emulator) { FileHandle.standardError.write(Data($0.utf8)) })
        }
        let ticking = Task { await ServerClock(clock: dispatch.cloud.clock, scale: options.timeScale).run(on: dispatch) }
        defer { ticking.cancel() }
        try await serve(WireService(dispatch: dispatch, options: options))
    }

    /// The account, restored from the state folder's journal when it has one.
    private func account(in directory: URL, temporary: Bool, handlers: HandlerRegistry) throws -> CloudDispatch {
        let journal = try temporary ? nil : openJournal(in: directory)
        let clock = VirtualClock(start: journal?.start ?? Date())
        let cloud = try CloudEnvironment(stateDirectory: directory, registry: handlers,
                                         account: Account(region: region), clock: clock)
        let dispatch = CloudDispatch(cloud: cloud)
        if let journal { restore(dispatch, from: journal) }
        return dispatch
    }

    private func serve(_ service: any WireHandling) async throws {
        let server = CloudHTTPServer(service: service, host: host, port: port)
        do {
            try await server.run { url in
                print(url)
                fflush(stdout)
            }
        } catch {
            FileHandle.standardError.write(Data("error: cannot serve on \(host):\(port): \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    private func openJournal(in directory: URL) throws -> CloudJournal {
        do {
            return try CloudJournal(url: directory.appendingPathComponent("journal.jsonl"), start: Date())
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    /// Replays what the journal kept, then lets time catch up with the wall clock: events
    /// that fell due while the server was down (an endpoint coming InService) happen now.
    private func restore(_ dispatch: CloudDispatch, from journal: CloudJournal) {
        let problems = dispatch.restore(from: journal)
        guard !journal.recorded.isEmpty else { return }
        dispatch.synchronized { dispatch.cloud.clock.advance(to: max(dispatch.cloud.clock.now, Date())) }
        var report = "labbook serve: restored \(journal.recorded.count - problems.count) of \(journal.recorded.count) journaled changes from \(journal.url.path)\n"
        for problem in problems { report += "warning: \(problem)\n" }
        FileHandle.standardError.write(Data(report.utf8))
    }

    private func stateDirectory() throws -> (URL, Bool) {
        if let stateDir {
            let url = URL(fileURLWithPath: stateDir, isDirectory: true)
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            return (url, false)
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("labbook-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return (url, true)
    }

    static func readCredentials(_ path: String) throws -> [SigV4Credentials] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw Exit.invalid(ValidationError("--credentials \(path) cannot be read as UTF-8 text"))
        }
        var found: [SigV4Credentials] = []
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let words = line.split(whereSeparator: \.isWhitespace)
            if words.isEmpty || words[0].hasPrefix("#") { continue }
            guard words.count == 2 else {
                throw Exit.invalid(ValidationError("\(path):\(n + 1): expected `ACCESS_KEY_ID SECRET_ACCESS_KEY`, found \(words.count) words"))
            }
            found.append(SigV4Credentials(accessKeyID: String(words[0]), secretAccessKey: String(words[1])))
        }
        guard !found.isEmpty else { throw Exit.invalid(ValidationError("\(path) lists no credentials")) }
        return found
    }
}
