import Foundation
import Media
import XCTest
@testable import LabRunner

final class RunTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("labbook-run-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data("{\"text\": [\"좋아요\"]}\n{\"text\": [\"별로\"]}\n".utf8).write(to: dir.appendingPathComponent("sample.jsonl"))
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func book(_ yaml: String) throws -> LabBook {
        let file = dir.appendingPathComponent("book.yaml")
        try Data(yaml.utf8).write(to: file)
        return try LabEngine().load(file)
    }

    func run(_ book: LabBook, params: [String] = [], only: String? = nil, language: Language = .ko) async throws -> RunOutcome {
        let engine = LabEngine()
        let overrides = try engine.parameterOverrides(assignments: params, files: [], books: [book])
        return try await engine.run([book], overrides: overrides,
                                    options: RunOptions(outputRoot: dir.appendingPathComponent("out"), language: language, only: only),
                                    progress: .silent, junit: dir.appendingPathComponent("junit.xml"))
    }

    let loop = """
    id: loop
    title: {ko: 반복, en: Loop}
    params:
      n: {type: int, default: 3}
      label: {type: string, default: run}
    steps:
      - kind: read-file
        id: sample
        path: sample.jsonl
        expect:
          - {path: $.records, count: 2}
      - kind: repeat
        id: burst
        times: ${params.n}
        steps:
          - kind: read-file
            id: again
            path: ${steps.sample.path}
        expect:
          - {path: $.count, equals: "${params.n}"}
          - {path: "$.items[*].index", equals: [0, 1, 2]}
          - {path: "$.items[2].again.lines", equals: 2}
    """

    func testRepeatCollectsOutputsAndReferencesResolve() async throws {
        let outcome = try await run(try book(loop))
        XCTAssertEqual(outcome.exitCode, 0, outcome.runs[0].records.compactMap(\.failure).joined(separator: "\n"))
        let handout = try String(contentsOf: dir.appendingPathComponent("out/loop/README.md"), encoding: .utf8)
        XCTAssertTrue(handout.hasPrefix("# 반복\n"))
        XCTAssertTrue(handout.contains("## 목차"))
        XCTAssertTrue(handout.contains("$ cat sample.jsonl"))
        let junit = try String(contentsOf: dir.appendingPathComponent("junit.xml"), encoding: .utf8)
        XCTAssertTrue(junit.contains("<testsuite name=\"loop\" tests=\"2\" failures=\"0\""))
    }

    func testFailedExpectationNamesStepPathExpectedAndActual() async throws {
        let outcome = try await run(try book(loop), params: ["n=2"])
        XCTAssertEqual(outcome.exitCode, 1)
        let failure = try XCTUnwrap(outcome.runs[0].records[1].failure)
        XCTAssertTrue(failure.contains("step 'burst': $.items[*].index: expected [0,1,2], actual [0,1]"), failure)
        XCTAssertTrue(failure.contains("$.items[2].again.lines"), failure)
        let junit = try String(contentsOf: dir.appendingPathComponent("junit.xml"), encoding: .utf8)
        XCTAssertTrue(junit.contains("<failure message="))
        // The Korean handout says it in Korean; the terminal and JUnit keep English.
        let handout = try String(contentsOf: dir.appendingPathComponent("out/loop/README.md"), encoding: .utf8)
        XCTAssertTrue(handout.contains("단계 'burst': $.items[*].index: 기대한 값: [0,1,2], 실제 값: [0,1]"), handout)
        XCTAssertFalse(handout.contains("expected [0,1,2]"))
    }

    func testEachAndAnyCheckListElementsAndNameTheFailingIndices() async throws {
        let outcome = try await run(try book("""
            id: elements
            title: Elements
            steps:
              - kind: repeat
                id: burst
                times: 4
                steps:
                  - {kind: read-file, id: again, path: sample.jsonl}
                expect:
                  - {path: "$.items[*].index", each: {at-most: 3}}
                  - {path: "$.items[*].index", any: {equals: 2}}
                  - {path: "$.items[*].index", each: {less: 2}}
                  - {path: "$.items[*].index", any: {greater: 10}}
            """))
        let failure = try XCTUnwrap(outcome.runs[0].records[0].failure)
        let lines = failure.split(separator: "\n")
        XCTAssertEqual(lines.count, 2, failure)
        XCTAssertTrue(lines[0].hasSuffix("2 of 4 elements fail: [2] expected < 2, actual 2; [3] expected < 2, actual 3"), failure)
        XCTAssertTrue(lines[1].hasSuffix("no element of 4 passes; the first: expected > 10, actual 0"), failure)
        XCTAssertThrowsError(try book("""
            id: bad
            title: Bad
            steps:
              - {kind: read-file, id: a, path: sample.jsonl, expect: [{path: $.records, each: {regex: a, count: 1}}]}
            """)) { XCTAssertTrue("\($0)".contains("'each' takes exactly one check"), "\($0)") }
    }

    func testABookCleansUpItsBucket() async throws {
        let outcome = try await run(try book("""
            id: cleanup
            title: Cleanup
            steps:
              - {kind: s3.create_bucket, Bucket: lab-cleanup}
              - {kind: s3.put_object, Bucket: lab-cleanup, Key: a.txt, Body: hello}
              - {kind: s3.delete_bucket, id: too-soon, Bucket: lab-cleanup, expect-error: BucketNotEmpty}
              - {kind: s3.delete_object, Bucket: lab-cleanup, Key: a.txt}
              - {kind: s3.delete_bucket, id: empty, Bucket: lab-cleanup, expect: [{path: $.Deleted, equals: true}]}
              - {kind: s3.delete_bucket, id: gone, Bucket: lab-cleanup, expect-error: NoSuchBucket}
            """))
        XCTAssertEqual(outcome.exitCode, 0, outcome.runs[0].records.compactMap(\.failure).joined(separator: "\n"))
    }

    func testParametersAreTypeCheckedAndUnknownOnesRejected() throws {
        let engine = LabEngine()
        let loaded = try book(loop)
        XCTAssertThrowsError(try engine.parameterOverrides(assignments: ["m=3"], files: [], books: [loaded])) {
            XCTAssertEqual("\($0)", "-p m=3: unknown parameter 'm' (did you mean 'n'?)")
        }
        let overrides = try engine.parameterOverrides(assignments: ["n=three"], files: [], books: [loaded])
        XCTAssertThrowsError(try engine.parameters(of: loaded, overrides: overrides)) {
            XCTAssertEqual("\($0)", "-p n=three: parameter 'n' is int; \"three\" is not")
        }
        XCTAssertThrowsError(try engine.parameterOverrides(assignments: ["=3"], files: [], books: [loaded]))
    }

    func testOnlyRunsTheStepAndWhatItRefersTo() async throws {
        let outcome = try await run(try book(loop), only: "burst")
        XCTAssertEqual(outcome.runs[0].records.map(\.spec.id), ["sample", "burst"])
        let two = try book(loop + "\n  - kind: prose\n    id: tail\n")
        let tailOnly = try await run(two, only: "tail")
        XCTAssertEqual(tailOnly.runs[0].records.filter { $0.origin == .ran }.map(\.spec.id), ["tail"])
        XCTAssertEqual(tailOnly.runs[0].records.filter { $0.origin == .cached }.map(\.spec.id), ["sample", "burst"],
                       "the earlier run's steps stay in the handout, from the result cache")
    }

    func testAStepErrorSkipsLaterStepsButNotAlwaysSteps() async throws {
        let outcome = try await run(try book("""
        id: fails
        title: Fails
        steps:
          - {kind: read-file, id: missing, path: nope.txt}
          - {kind: read-file, id: after, path: sample.jsonl}
          - {kind: read-file, id: cleanup, path: sample.jsonl, always: true}
        """))
        XCTAssertEqual(outcome.runs[0].records.map(\.status), [.failed, .skipped, .passed])
        XCTAssertTrue(outcome.runs[0].records[0].failure?.contains("book.yaml:4:42: no such file: ") ?? false,
                      outcome.runs[0].records[0].failure ?? "")
    }

    /// Inside a repeat too: the failing iteration still runs its `always` steps, then the
    /// repeat fails with the first error and runs no further iteration.
    func testANestedFailureStillRunsTheIterationsAlwaysSteps() async throws {
        let outcome = try await run(try book("""
        id: nested
        title: Nested
        steps:
          - {kind: s3.create_bucket, id: bucket, Bucket: nested-bucket}
          - kind: repeat
            id: loop
            times: 3
            steps:
              - {kind: read-file, id: missing, path: nope.txt}
              - {kind: s3.put_object, id: skipped, Bucket: nested-bucket, Key: "skipped-${index}", Body: x}
              - {kind: s3.put_object, id: cleanup, Bucket: nested-bucket, Key: "cleanup-${index}", Body: x, always: true}
          - kind: s3.list_objects_v2
            id: list
            always: true
            Bucket: nested-bucket
            expect: [{path: $.KeyCount, equals: 1}, {path: "$.Contents[0].Key", equals: cleanup-0}]
        """))
        XCTAssertEqual(outcome.runs[0].records.map(\.status), [.passed, .failed, .passed])
        let failure = outcome.runs[0].records[1].failure ?? ""
        XCTAssertTrue(failure.contains("step 'missing' (iteration 0)"), failure)
    }

    func testEnglishHandoutAndLongOutputsAreCutAndSaved() async throws {
        let outcome = try await run(try book("""
        id: long
        title: {ko: 긴 출력, en: Long output}
        steps:
          - {kind: repeat, id: big, times: 60, steps: [{kind: prose}], expect: [{path: "$.items[59].index", equals: 59}]}
        """), language: .en)
        XCTAssertEqual(outcome.exitCode, 0)
        let handout = try String(contentsOf: dir.appendingPathComponent("out/long/README.md"), encoding: .utf8)
        XCTAssertTrue(handout.hasPrefix("# Long output"))
        XCTAssertTrue(handout.contains("[big.output.json](big.output.json)"))
        let saved = try Data(contentsOf: dir.appendingPathComponent("out/long/big.output.json"))
        XCTAssertEqual(try LabValue(json: saved)["items"]?.list?.count, 60)
    }

    func testATimeoutFailsTheStepWithItsName() async throws {
        let started = Date()
        let outcome = try await run(try book("""
        id: slow
        title: Slow
        steps:
          - kind: repeat
            id: forever
            timeout: 0.2
            times: 100000
            steps: [{kind: read-file, path: sample.jsonl}]
        """))
        XCTAssertEqual(outcome.exitCode, 1)
        XCTAssertTrue(outcome.runs[0].records[0].failure?.contains("step 'forever' timed out after 0.2 s") ?? false,
                      outcome.runs[0].records[0].failure ?? "")
        XCTAssertLessThan(Date().timeIntervalSince(started), 5, "the runner must not wait for the step to finish")
    }

    func testImageExpectationsCheckSizeAndLikeness() async throws {
        let chart = { (values: String, like: String) in """
            id: pictures
            title: Pictures
            steps:
              - kind: figure
                id: chart
                chart: bar
                caption: 막대
                categories: [가, 나, 다]
                values: \(values)
                expect:
                  - {image: $.file, size: [960, 540]\(like)}
            """ }
        let first = try await run(try book(chart("[1, 2, 3]", "")))
        XCTAssertEqual(first.exitCode, 0, first.runs[0].records[0].failure ?? "")
        let reference = dir.appendingPathComponent("reference.png")
        try FileManager.default.copyItem(at: dir.appendingPathComponent("out/pictures/chart-chart.png"), to: reference)

        let same = try await run(try book(chart("[1, 2, 3]", ", like: reference.png, tolerance: 0.001")))
        XCTAssertEqual(same.exitCode, 0, same.runs[0].records[0].failure ?? "")
        let different = try await run(try book(chart("[3, 0.1, 3]", ", like: reference.png, tolerance: 0.005")))
        XCTAssertEqual(different.exitCode, 1)
        XCTAssertTrue(different.runs[0].records[0].failure?.contains("expected to look like reference.png") ?? false,
                      different.runs[0].records[0].failure ?? "")
        XCTAssertTrue(different.runs[0].records[0].failure?.contains("see chart-diff.png beside the handout") ?? false)
        let diff = try Data(contentsOf: dir.appendingPathComponent("out/pictures/chart-diff.png"))
        let picture = try ImageDecoder.decode(diff)
        XCTAssertEqual([picture.width, picture.height], [960 * 3, 540], "actual | expected | difference")
        let wrongSize = try await run(try book(chart("[1, 2, 3]", "").replacingOccurrences(of: "[960, 540]", with: "[640, 480]")))
        XCTAssertTrue(wrongSize.runs[0].records[0].failure?.contains("expected an image of 640×480, actual 960×540") ?? false)
    }

    /// AWS's messages are English on AWS too; a Korean handout says in Korean what failed.
    func testAFailedAWSCallIsExplainedInKorean() async throws {
        let outcome = try await run(try book("""
        id: nobucket
        title: 없는 버킷
        steps:
          - {kind: s3.get_object, id: get, Bucket: no-such-bucket-here, Key: k}
        """))
        XCTAssertEqual(outcome.exitCode, 1)
        let handout = try String(contentsOf: dir.appendingPathComponent("out/nobucket/README.md"), encoding: .utf8)
        XCTAssertTrue(handout.contains("의 AWS 호출(s3.get_object)이 NoSuchBucket 오류(HTTP 404)로 실패했습니다. AWS의 메시지 그대로: "), handout)
        XCTAssertTrue(outcome.runs[0].records[0].failure?.contains("NoSuchBucket") ?? false, "the console keeps the English")
    }

    /// A step's own error (a LabError thrown while it runs) reads in Korean in a Korean
    /// handout; the terminal and JUnit keep the English.
    func testAStepErrorIsExplainedInKorean() async throws {
        let outcome = try await run(try book("""
        id: koerror
        title: 한국어 오류
        steps:
          - kind: figure
            id: bars
            chart: bar
            caption: 막대
            categories: [가, 나]
            values: [1, 2, 3]
          - {kind: clock.sleep, id: nap, always: true, Seconds: -1}
        """))
        XCTAssertEqual(outcome.exitCode, 1)
        let records = outcome.runs[0].records
        XCTAssertTrue(records[0].failure?.contains("a bar chart needs as many values (3) as categories (2)") ?? false, records[0].failure ?? "")
        XCTAssertTrue(records[1].failure?.contains("Seconds must be between 0 and one week") ?? false, records[1].failure ?? "")
        let handout = try String(contentsOf: dir.appendingPathComponent("out/koerror/README.md"), encoding: .utf8)
        XCTAssertTrue(handout.contains("막대 차트의 values(3개)와 categories(2개)는 개수가 같아야 합니다"), handout)
        XCTAssertTrue(handout.contains("Seconds는 0부터 일주일 사이여야 합니다"), handout)
        XCTAssertFalse(handout.contains("a bar chart needs as many values"), handout)
        XCTAssertFalse(handout.contains("Seconds must be between"), handout)

        // The same book in English keeps the English in the handout.
        let english = try await run(try book("""
        id: koerror
        title: 한국어 오류
        steps:
          - {kind: clock.sleep, id: nap, Seconds: -1}
        """), language: .en)
        XCTAssertEqual(english.exitCode, 1)
        let englishHandout = try String(contentsOf: dir.appendingPathComponent("out/koerror/README.md"), encoding: .utf8)
        XCTAssertTrue(englishHandout.contains("Seconds must be between 0 and one week"), englishHandout)
        XCTAssertFalse(englishHandout.contains("일주일"), englishHandout)
    }

    /// A nested step's failure inside `repeat` keeps its Korean text on the way up.
    func testARepeatedStepsMissReadsInKorean() async throws {
        let outcome = try await run(try book("""
        id: komiss
        title: 반복 실패
        steps:
          - kind: repeat
            id: burst
            times: 2
            steps:
              - kind: read-file
                id: again
                path: sample.jsonl
                expect:
                  - {path: $.records, count: 5}
        """))
        XCTAssertEqual(outcome.exitCode, 1)
        let failure = outcome.runs[0].records[0].failure ?? ""
        XCTAssertTrue(failure.contains("step 'again' (iteration 0)"), failure)
        XCTAssertTrue(failure.contains("expected 5 items, actual 2"), failure)
        let handout = try String(contentsOf: dir.appendingPathComponent("out/komiss/README.md"), encoding: .utf8)
        XCTAssertTrue(handout.contains("단계 'again' (반복, index 0): "), handout)
        XCTAssertTrue(handout.contains("기대한 항목 수: 5개, 실제: 2개"), handout)
        XCTAssertFalse(handout.contains("expected 5 items"), handout)
    }

    func testHostileValuesFailCleanly() async throws {
        // Each of these once could trap; now each is a located failure.
        let outcome = try await run(try book("""
        id: hostile
        title: Hostile
        steps:
          - {kind: read-file, id: a, path: sample.jsonl, expect: [{path: $.records, count: .nan}]}
          - {kind: local.deploy, id: b, always: true, EndpointName: ../../.., ModelData: x.tar.gz, SAGEMAKER_PROGRAM: nsmc}
          - {kind: s3.wait_object_exists, id: c, always: true, S3Uri: "s3://b/k", Delay: .inf}
          - {kind: cloudwatch.get_metric_statistics, id: d, always: true, Namespace: N, MetricName: M, LastMinutes: 9223372036854775807, Statistic: Average}
        """))
        let failures = outcome.runs[0].records.map { $0.failure ?? "passed" }
        XCTAssertTrue(failures[0].contains("'count' is a whole number"), failures[0])
        XCTAssertTrue(failures[1].contains("EndpointName '../../..' must match"), failures[1])
        XCTAssertTrue(failures[2].contains("Delay must be more than 0 and at most 3600 seconds"), failures[2])
        XCTAssertTrue(failures[3].contains("LastMinutes must be 1 to 10080"), failures[3])
        XCTAssertThrowsError(try book("id: t\ntitle: T\nsteps:\n  - {kind: prose, timeout: .inf}\n"))
    }

    func testOutputFoldersNotWrittenByLabbookAreLeftAlone() async throws {
        let foreign = dir.appendingPathComponent("out/loop")
        try FileManager.default.createDirectory(at: foreign, withIntermediateDirectories: true)
        try Data("keep me".utf8).write(to: foreign.appendingPathComponent("notes.txt"))
        do {
            _ = try await run(try book(loop))
            XCTFail("expected a refusal")
        } catch let error as LabError {
            XCTAssertTrue(error.message.contains("was not written by labbook"), error.message)
        }
        XCTAssertEqual(try String(contentsOf: foreign.appendingPathComponent("notes.txt"), encoding: .utf8), "keep me")
    }
}
