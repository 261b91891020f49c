// The result cache: partial runs take earlier steps' results instead of running them,
// keep the rest of the handout, rebuild the account when a selected step needs it, and
// `--failed` and watch mode run only what needs running.
import Foundation
import XCTest
@testable import LabRunner

final class ResultCacheTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("labbook-cache-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data("{\"text\": \"좋아요\"}\n{\"text\": \"별로\"}\n".utf8).write(to: dir.appendingPathComponent("sample.jsonl"))
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// A pure chain (read-file → figure) and an account chain (bucket → object → get).
    let text = """
    id: cached
    title: Cached
    params:
      bucket: {type: string, default: cache-test-bucket}
      floor: {type: int, default: 1}
    steps:
      - {kind: read-file, id: sample, path: sample.jsonl, expect: [{path: $.records, count: 2}]}
      - kind: figure
        id: chart
        chart: bar
        caption: Reviews
        categories: [a, b]
        values: [1, 2]
      - {kind: s3.create_bucket, id: bucket, Bucket: "${params.bucket}"}
      - {kind: s3.put_object, id: put, Bucket: "${params.bucket}", Key: k.json, Body: {n: 1}, ContentType: application/json}
      - kind: s3.get_object
        id: get
        Bucket: ${params.bucket}
        Key: k.json
        expect: [{path: $.Json.n, at-least: "${params.floor}"}]
      - {kind: read-file, id: again, path: "${steps.sample.path}"}
      - {kind: figure, id: got, chart: bar, caption: Got, categories: [n], values: ["${steps.get.Json.n}"]}
    """

    private func load(_ yaml: String? = nil) throws -> LabBook {
        let file = dir.appendingPathComponent("book.yaml")
        try Data((yaml ?? text).utf8).write(to: file)
        return try LabEngine().load(file)
    }

    private func run(_ book: LabBook, params: [String] = [], configure: (inout RunOptions) -> Void = { _ in }) async throws -> RunOutcome {
        let engine = LabEngine()
        var options = RunOptions(outputRoot: dir.appendingPathComponent("out"))
        configure(&options)
        return try await engine.run([book], overrides: try engine.parameterOverrides(assignments: params, files: [], books: [book]),
                                    options: options, progress: .silent)
    }

    private func origins(_ outcome: RunOutcome) -> [String: StepRecord.Origin] {
        Dictionary(uniqueKeysWithValues: outcome.runs[0].records.map { ($0.spec.id, $0.origin) })
    }

    func testOnlyTakesWhatItNeedsFromTheCacheAndKeepsTheHandoutWhole() async throws {
        let book = try load()
        _ = try await run(book)
        let outcome = try await run(book) { $0.only = "again" }
        XCTAssertEqual(outcome.exitCode, 0)
        let origins = origins(outcome)
        XCTAssertEqual(origins["again"], .ran)
        XCTAssertEqual(origins["sample"], .cached, "its output comes from the cache")
        XCTAssertEqual(origins.filter { $0.value == .ran }.count, 1, "\(origins)")
        let handout = try String(contentsOf: dir.appendingPathComponent("out/cached/README.md"), encoding: .utf8)
        for id in ["sample", "chart", "bucket", "put", "get", "again"] {
            XCTAssertTrue(handout.contains("| \(id) |"), "the handout still lists \(id)")
        }
        XCTAssertTrue(handout.contains("결과 캐시에서"), "cached steps say so")
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("out/cached/chart-chart.png").path),
                      "the earlier figure stays beside the handout")
    }

    /// An entry keeps its output beside it; without that file, or with another in its place,
    /// the step runs again rather than handing later steps nothing or the wrong output.
    func testAnEntryWhoseOutputFileIsGoneRunsAgain() async throws {
        let book = try load()
        _ = try await run(book)
        let kept = dir.appendingPathComponent("out/cached/.labbook-cache/sample.output.json")
        let value = try LabValue(json: Data(contentsOf: kept))
        XCTAssertEqual(value["records"]?.list?.count, 2, "the cache keeps the output as JSON")
        try FileManager.default.removeItem(at: kept)
        let outcome = try await run(book) { $0.only = "again" }
        XCTAssertEqual(outcome.exitCode, 0, outcome.runs[0].records.compactMap(\.failure).joined())
        XCTAssertEqual(origins(outcome)["sample"], .ran)
        XCTAssertTrue(FileManager.default.fileExists(atPath: kept.path), "and keeps its output again")
        // Another output in its place (a crash between writing the two files) does not stand in either.
        try Data(#"{"path": "sample.jsonl", "records": []}"#.utf8).write(to: kept)
        let replaced = try await run(book) { $0.only = "again" }
        XCTAssertEqual(origins(replaced)["sample"], .ran)
        XCTAssertEqual(try LabValue(json: Data(contentsOf: kept))["records"]?.list?.count, 2)
    }

    func testASelectedAccountStepRebuildsTheAccountFirst() async throws {
        let book = try load()
        _ = try await run(book)
        let outcome = try await run(book) { $0.only = "get" }
        XCTAssertEqual(outcome.exitCode, 0, outcome.runs[0].records.compactMap(\.failure).joined())
        let origins = origins(outcome)
        XCTAssertEqual(origins["bucket"], .ran)
        XCTAssertEqual(origins["put"], .ran)
        XCTAssertEqual(origins["get"], .ran)
        XCTAssertEqual(origins["chart"], .cached)
    }

    func testAChangedInputOrFileRunsTheStepAgain() async throws {
        let book = try load()
        _ = try await run(book)
        // A parameter the key covers.
        var outcome = try await run(book, params: ["floor=0"]) { $0.only = "again" }
        XCTAssertEqual(origins(outcome)["sample"], .cached, "sample does not use floor")
        // A file it read.
        try Data("{\"text\": \"새 리뷰\"}\n{\"text\": \"두 번째\"}\n".utf8).write(to: dir.appendingPathComponent("sample.jsonl"))
        outcome = try await run(book, params: ["floor=0"]) { $0.only = "again" }
        XCTAssertEqual(origins(outcome)["sample"], .ran, "sample.jsonl changed")
    }

    func testFailedRunsOnlyWhatFailedOrWasSkipped() async throws {
        let book = try load()
        let first = try await run(book, params: ["floor=5"])
        XCTAssertEqual(first.exitCode, 1)
        XCTAssertEqual(first.runs[0].records.first { $0.spec.id == "again" }?.status, .skipped)
        let second = try await run(book, params: ["floor=1"]) { $0.failedOnly = true }
        XCTAssertEqual(second.exitCode, 0, second.runs[0].records.compactMap(\.failure).joined())
        let origins = origins(second)
        XCTAssertEqual(origins["get"], .ran)
        XCTAssertEqual(origins["again"], .ran)
        XCTAssertEqual(origins["chart"], .cached)
    }

    func testFailedNeedsAnEarlierRun() async throws {
        let book = try load()
        do {
            _ = try await run(book) { $0.failedOnly = true }
            XCTFail("--failed without an earlier run must be refused")
        } catch let error as LabError {
            XCTAssertTrue(error.message.contains("has no earlier run's results"), error.message)
        }
    }

    func testWatchModeRunsOnlyWhatChanged() async throws {
        var book = try load()
        _ = try await run(book) { $0.reuse = true }
        var outcome = try await run(book) { $0.reuse = true }
        XCTAssertEqual(origins(outcome).filter { $0.value == .ran }.count, 0, "nothing changed")
        book = try load(text.replacingOccurrences(of: "values: [1, 2]", with: "values: [1, 3]"))
        outcome = try await run(book) { $0.reuse = true }
        XCTAssertEqual(origins(outcome).filter { $0.value == .ran }.map(\.key), ["chart"])
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("out/cached/.labbook-cache/digests.json").path))
        book = try load(text.replacingOccurrences(of: "values: [1, 2]", with: "values: [1, 3]")
            .replacingOccurrences(of: "Body: {n: 1}", with: "Body: {n: 2}"))
        outcome = try await run(book) { $0.reuse = true }
        let ran = Set(origins(outcome).filter { $0.value == .ran }.map(\.key))
        XCTAssertEqual(ran, ["bucket", "put", "get", "got"], "a changed account step runs every account step, and what uses them")
    }

    /// The account is an input of every step that uses it: after a change to one, a later
    /// one's cached output does not stand in, even when nothing refers to the changed step.
    func testAChangedAccountStepInvalidatesLaterAccountSteps() async throws {
        _ = try await run(try load())
        let changed = try load(text.replacingOccurrences(of: "Body: {n: 1}", with: "Body: {n: 7}"))
        let outcome = try await run(changed) { $0.only = "got" }
        XCTAssertEqual(outcome.exitCode, 0, outcome.runs[0].records.compactMap(\.failure).joined())
        let get = try XCTUnwrap(outcome.runs[0].records.first { $0.spec.id == "get" })
        XCTAssertEqual(get.origin, .ran)
        XCTAssertEqual(get.output?["Json"]?["n"], .int(7))
    }

    /// A record kept for the handout is this step's, in this handout's language.
    func testKeptRecordsMatchTheLanguage() async throws {
        let book = try load()
        _ = try await run(book)
        let english = try await run(book) { $0.only = "again"; $0.language = .en }
        let ids = english.runs[0].records.map(\.spec.id)
        XCTAssertFalse(ids.contains("chart"), "the Korean chart is not kept in an English handout: \(ids)")
        XCTAssertEqual(english.runs[0].records.first { $0.spec.id == "sample" }?.origin, .ran)
    }

    /// A run's state folder is named after its process: a path into it (model.package's
    /// Path) must not change the keys of the steps that use it from one run to the next.
    func testStateFolderPathsDoNotChangeKeys() {
        XCTAssertEqual(ResultCache.withoutStateFolders(#"{"Path":"/tmp/labbook-state-lab-123/p.tar.gz","x":"a /var/t/labbook-state-lab-9/q"}"#),
                       #"{"Path":"<state>/p.tar.gz","x":"a <state>/q"}"#)
        XCTAssertEqual(ResultCache.withoutStateFolders("no state here"), "no state here")
    }

    func testNoCacheReadsAndWritesNothing() async throws {
        let book = try load()
        _ = try await run(book) { $0.useCache = false }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("out/cached/.labbook-cache").path))
        let outcome = try await run(book) { $0.useCache = false; $0.only = "again" }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("out/cached/.labbook-cache").path))
        XCTAssertEqual(outcome.runs[0].records.map(\.spec.id), ["sample", "again"], "without a cache the selection runs with what it refers to")
    }
}
