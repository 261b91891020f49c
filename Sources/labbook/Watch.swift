// `labbook watch BOOK`: runs the book, then again each time the book or a parameter file
// is saved, re-running only the steps whose result cache entries no longer stand in.
import ArgumentParser
import Foundation
import LabRunner

struct Watch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a lab book, then re-run what changed each time it is saved (Ctrl-C stops).")

    @OptionGroup var arguments: BookArguments
    @Option(help: "Seconds between checks for a saved file.") var interval: Double = 0.5
    @Option(help: .hidden) var maxRuns: Int?

    func run() async throws {
        guard interval > 0, interval <= 60 else { throw Exit.invalid(ValidationError("--interval is between 0 and 60 seconds")) }
        let engine = LabEngine()
        InterruptCleanup.install()
        var runs = 0
        while true {
            runs += 1
            await runOnce(engine)
            let watched = watchedFiles(engine)
            let stamps = Self.stamps(watched)
            if let maxRuns, runs >= maxRuns { return }
            let named = watched.prefix(3).map { LabEngine.displayPath($0) }.joined(separator: ", ")
            FileHandle.standardError.write(Data("watching \(named)\(watched.count > 3 ? " and \(watched.count - 3) more files" : "") for changes (Ctrl-C stops)\n".utf8))
            while Self.stamps(watched) == stamps { try await Task.sleep(nanoseconds: UInt64(interval * 1e9)) }
        }
    }

    /// The books, the parameter files, and every file the books' steps read last time.
    private func watchedFiles(_ engine: LabEngine) -> [URL] {
        let books = arguments.books.flatMap { (try? LabEngine.expand([$0])) ?? [] }
        let read = books.compactMap { try? engine.load($0) }
            .flatMap { engine.filesRead(by: $0, outputRoot: URL(fileURLWithPath: arguments.out)) }
        return books + arguments.f.map(URL.init(fileURLWithPath:)) + read
    }

    /// One run with the cache; a broken book is reported and watched until it is fixed.
    private func runOnce(_ engine: LabEngine) async {
        do {
            var (loaded, overrides, options) = try arguments.load(engine)
            options.reuse = true
            let outcome = try await engine.run(loaded, overrides: overrides, options: options)
            let cached = outcome.runs.flatMap(\.records).filter { $0.origin == .cached }.count
            let ran = outcome.runs.flatMap(\.records).filter { $0.origin == .ran }.count
            FileHandle.standardError.write(Data("ran \(ran) step(s), \(cached) from the result cache\n".utf8))
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        }
    }

    /// Each file's modification time and size (nil when it is gone).
    private static func stamps(_ files: [URL]) -> [String] {
        files.map { file in
            let attributes = try? FileManager.default.attributesOfItem(atPath: file.path)
            return "\((attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? -1) \(attributes?[.size] as? Int ?? -1)"
        }
    }
}
