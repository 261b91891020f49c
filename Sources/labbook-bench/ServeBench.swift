// InvokeEndpoint over HTTP: labbook serve against moto_server (pip moto[server]) in the
// same run, interleaved, with wrk (Debian's wrk) as the load: 1, 8 and 64 connections,
// a handler that returns its input and the nsmc demo model. Every request body differs,
// so labbook's invocation cache never answers. Signatures are off on both sides: wrk
// cannot sign, and moto never checks. A run with non-2xx answers is reported as such.
import ArgumentParser
import AWSWire
import Cloud
import CloudServer
import Foundation
import Models
import Serving

struct ServeBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "InvokeEndpoint requests/s over HTTP: labbook serve vs moto_server, with wrk.")

    @Option(help: "Seconds per wrk run.") var seconds = 4
    @Option(help: "Interleaved repetitions (min/median/max over these).") var repeats = 3
    @Option(help: "Connections to try.") var connections: [Int] = [1, 8, 64]

    func run() async throws {
        guard let wrk = ServeBench.which("wrk"), let moto = ServeBench.which("moto_server") else {
            throw ValidationError("needs wrk (apt-get install wrk) and moto_server (pip install 'moto[server]')")
        }
        setvbuf(stdout, nil, _IOLBF, 0)
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("labbook-serve-bench-\(UUID())")
        defer { try? FileManager.default.removeItem(at: state) }
        let ours = try await startLabbook(state)
        let motoServer = try await MotoServer.start(executable: moto)
        defer { motoServer.stop() }
        print("labbook serve at \(ours.url), moto_server at \(motoServer.url); deploying the endpoints")
        try await BenchEndpoints.deploy(on: ours.url, handlers: ["echo", "nsmc"], modelRoot: state)
        try await BenchEndpoints.deploy(on: motoServer.url, handlers: ["echo"], modelRoot: state)
        print("deployed")

        let targets = [("labbook", ours.url, "echo"), ("moto_server", motoServer.url, "echo"), ("labbook", ours.url, "nsmc")]
        var results: [String: [WrkResult]] = [:]
        for round in 1...repeats {
            for c in connections {
                for (name, url, handler) in targets {
                    let r = try WrkResult.run(wrk: wrk, url: url.appendingPathComponent("endpoints/bench-\(handler)/invocations"),
                                              connections: c, seconds: seconds)
                    results["\(name) \(handler) c=\(c)", default: []].append(r)
                    print(String(format: "round %d  %-12@ %-5@ c=%-3d %9.0f req/s  p50 %7.2f ms  p99 %7.2f ms%@", round, name, handler, c,
                                 r.requestsPerSecond, r.p50, r.p99, r.errors > 0 ? "  (\(r.errors) non-2xx)" : ""))
                }
            }
        }
        ours.task.cancel()
        report(results)
    }

    private func startLabbook(_ state: URL) async throws -> (url: URL, task: Task<Void, Error>) {
        var registry = HandlerRegistry()
        registerModelHandlers(into: &registry)
        registry.register(model: "echo", summary: "returns its input") { _ in InvokeOverhead.Echo() }
        let cloud = try CloudEnvironment(stateDirectory: state, registry: registry, clock: VirtualClock(start: Date()))
        let dispatch = CloudDispatch(cloud: cloud)
        var options = ServerOptions()
        options.verifySignatures = false
        let server = CloudHTTPServer(service: WireService(dispatch: dispatch, options: options), host: "127.0.0.1", port: 0)
        let listening = AsyncStream<String>.makeStream()
        let task = Task {
            async let clock: Void = ServerClock(clock: cloud.clock, scale: 600).run(on: dispatch)
            try await server.run { listening.continuation.yield($0) }
            _ = await clock
        }
        for await address in listening.stream { return (URL(string: address)!, task) }
        throw ValidationError("labbook serve did not start")
    }

    private func report(_ results: [String: [WrkResult]]) {
        print("\nmin / median / max over \(repeats) interleaved runs of \(seconds) s each:")
        for c in connections {
            for key in ["labbook echo", "moto_server echo", "labbook nsmc"] {
                guard let runs = results["\(key) c=\(c)"] else { continue }
                let rps = runs.map(\.requestsPerSecond).sorted(), p50 = runs.map(\.p50).sorted(), p99 = runs.map(\.p99).sorted()
                print(String(format: "  %-17@ c=%-3d req/s %7.0f / %7.0f / %7.0f   p50 %6.2f / %6.2f / %6.2f ms   p99 %6.2f / %6.2f / %6.2f ms",
                             key, c, rps[0], rps[rps.count / 2], rps.last!, p50[0], p50[p50.count / 2], p50.last!,
                             p99[0], p99[p99.count / 2], p99.last!))
            }
            if let ours = results["labbook echo c=\(c)"], let moto = results["moto_server echo c=\(c)"] {
                let a = ours.map(\.requestsPerSecond).sorted()[ours.count / 2], b = moto.map(\.requestsPerSecond).sorted()[moto.count / 2]
                print(String(format: "  ratio (median req/s, echo) c=%d: labbook is %.1fx moto_server", c, a / b))
            }
        }
    }

    static func which(_ name: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let path = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }
}
