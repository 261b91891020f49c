// Every lab book in labs/ is a test: it must load and run with all its expectations met.
import Foundation
import XCTest
@testable import LabRunner

final class LabBookTests: XCTestCase {
    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    func testEveryLabBookPasses() async throws {
        let labs = Self.repository.appendingPathComponent("labs")
        let files = try LabEngine.expand([labs.path])
        XCTAssertFalse(files.isEmpty)
        let engine = LabEngine()
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("labbook-labs-\(UUID())")
        defer { try? FileManager.default.removeItem(at: out) }
        for file in files {
            let book = try engine.load(file)
            let outcome = try await engine.run([book], overrides: [:], options: RunOptions(outputRoot: out), progress: .silent)
            let failures = outcome.runs.flatMap(\.records).filter { $0.status == .failed }.compactMap(\.failure)
            XCTAssertEqual(outcome.exitCode, 0, "\(file.lastPathComponent):\n" + failures.joined(separator: "\n"))
            XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("\(book.id)/README.md").path))
        }
    }
}

final class ReadmeTests: XCTestCase {
    /// The README's example book runs as written, beside a copy of the sample it reads.
    func testTheReadmeExampleRuns() async throws {
        let readme = try String(contentsOf: LabBookTests.repository.appendingPathComponent("README.md"), encoding: .utf8)
        let start = try XCTUnwrap(readme.range(of: "```yaml\nid: demo"))
        let end = try XCTUnwrap(readme.range(of: "```", range: start.upperBound..<readme.endIndex))
        let example = String(readme[readme.index(start.lowerBound, offsetBy: 8)..<end.lowerBound])
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("labbook-readme-\(UUID())")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("samples"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: LabBookTests.repository.appendingPathComponent("labs/samples/nsmc.jsonl"),
                                         to: dir.appendingPathComponent("samples/nsmc.jsonl"))
        try example.write(to: dir.appendingPathComponent("demo.yaml"), atomically: true, encoding: .utf8)
        let engine = LabEngine()
        let book = try engine.load(dir.appendingPathComponent("demo.yaml"))
        let outcome = try await engine.run([book], overrides: [:], options: RunOptions(outputRoot: dir.appendingPathComponent("out")),
                                           progress: .silent)
        XCTAssertEqual(outcome.exitCode, 0, outcome.runs[0].records.compactMap(\.failure).joined(separator: "\n"))
    }

    /// The README's table of step kinds must name every kind a book can use.
    func testReadmeListsEveryStepKind() throws {
        let readme = try String(contentsOf: LabBookTests.repository.appendingPathComponent("README.md"), encoding: .utf8)
        let missing = LabEngine().catalog.names.filter { !readme.contains("| `\($0)` |") }
        XCTAssertEqual(missing, [], "add these kinds to README.md")
    }
}

final class StepTitleTests: XCTestCase {
    /// A step without `title:` gets words in the handout's language, never its kind.
    func testEveryKindHasADefaultTitleInBothLanguages() {
        let missing = LabEngine().catalog.names.filter { StepTitles.byKind[$0] == nil }
        XCTAssertEqual(missing, [], "add these kinds to StepTitles.byKind")
        XCTAssertEqual(Set(StepTitles.byKind.keys).subtracting(LabEngine().catalog.names), [], "titles for kinds that do not exist")
    }

    func testTheTitleNamesWhatTheStepActsOn() {
        let inputs = LabObject([("TopicArn", .string("arn:aws:sns:ap-northeast-2:123456789012:async-error"))])
        XCTAssertEqual(StepTitles.title(kind: "sns.delete_topic", inputs: inputs, language: .ko), "SNS 주제 삭제 (`async-error`)")
        XCTAssertEqual(StepTitles.title(kind: "sns.delete_topic", inputs: LabObject(), language: .en), "Delete the SNS topic")
        XCTAssertNil(StepTitles.title(kind: "no.such_kind", inputs: inputs, language: .ko))
    }
}

final class HandoutNumberTests: XCTestCase {
    func testFractionsReadWithFourSignificantDigits() {
        XCTAssertEqual(LabValue.format(significant: 6.6936677300000005), "6.694")
        XCTAssertEqual(LabValue.format(significant: 0.000636363), "0.0006364")
        XCTAssertEqual(LabValue.format(significant: 0.9949901700019836), "0.995")
        XCTAssertEqual(LabValue.format(significant: 4.7371e-05), "4.737e-05")
        XCTAssertEqual(LabValue.format(significant: -1234.5678), "-1234.6")
        XCTAssertEqual(LabValue.format(significant: 2.0), "2.0")
        XCTAssertEqual(LabValue.format(significant: .nan), "\"NaN\"")
        let value = LabValue.object(LabObject([("seconds", .list([.number(0.026858806610107422), .int(3)]))]))
        XCTAssertEqual(value.handoutJSON, "{\n  \"seconds\": [0.02686, 3]\n}")
        XCTAssertEqual(value.prettyJSON, "{\n  \"seconds\": [0.026858806610107422, 3]\n}")
    }

    /// 4.807e+06 read as a transcript; a rate or a count that large reads best in full.
    func testLargeFractionsReadAsWholeNumbers() {
        XCTAssertEqual(LabValue.format(significant: 4807123.4), "4807123")
        XCTAssertEqual(LabValue.format(significant: -1234567.89), "-1234568")
        XCTAssertEqual(LabValue.format(significant: 999999.5), "999999.5")
        XCTAssertEqual(LabValue.format(significant: 4807000.0), "4807000.0", "whole numbers read as before")
        let value = LabValue.object(LabObject([("bytes_per_second", .number(4806977.123))]))
        XCTAssertEqual(value.handoutJSON, "{\n  \"bytes_per_second\": 4806977\n}")
        XCTAssertFalse(value.handoutJSON.contains("e+"))
    }
}

final class HandoutPathTests: XCTestCase {
    func testMachinePathsReadAsTheReaderWouldHaveThem() {
        let paths = HandoutPaths(stateDirectory: URL(fileURLWithPath: "/tmp/labbook-state-lab-42"),
                                 workingDirectory: "/work/main", home: "/root")
        XCTAssertEqual(paths.apply(to: #"  "file": "/root/.cache/labbook/assets/x.png","#), #"  "file": "~/.cache/labbook/assets/x.png","#)
        XCTAssertEqual(paths.apply(to: "*$ ls /root/.cache/labbook*"), "*$ ls ~/.cache/labbook*")
        XCTAssertEqual(paths.apply(to: #""Path": "/tmp/labbook-state-lab-42/package.model.tar.gz""#), #""Path": "<state>/package.model.tar.gz""#)
        XCTAssertEqual(paths.apply(to: "`/work/main/labs/03.yaml`"), "`./labs/03.yaml`")
        XCTAssertEqual(paths.apply(to: #"model_data="file:///tmp/labbook-state-lab-42/a.tar.gz""#), #"model_data="file://<state>/a.tar.gz""#)
        XCTAssertEqual(paths.apply(to: "s3://bucket/root/x and /rooted/y and /work/mainline"), "s3://bucket/root/x and /rooted/y and /work/mainline")
    }

    /// A record from the result cache names the state folder of the run that made it.
    func testAnEarlierRunsStateFolderReadsAsState() {
        let paths = HandoutPaths(stateDirectory: URL(fileURLWithPath: "/tmp/labbook-state-lab-42"),
                                 workingDirectory: "/work/main", home: "/root")
        XCTAssertEqual(paths.apply(to: #""Path": "/tmp/labbook-state-lab-7/package.model.tar.gz""#), #""Path": "<state>/package.model.tar.gz""#)
        XCTAssertEqual(paths.apply(to: "`/var/folders/x1/T/labbook-state-my-lab-03-123/local/nsmc`"), "`<state>/local/nsmc`")
        XCTAssertEqual(paths.apply(to: #"model_data="file:///tmp/labbook-state-lab-9""#), #"model_data="file://<state>""#)
        XCTAssertEqual(paths.apply(to: "/root/labbook-state-notes.txt and s3://b/tmp/labbook-state-lab-1/x"),
                       "~/labbook-state-notes.txt and s3://b/tmp/labbook-state-lab-1/x")
    }
}

final class UnusedParameterTests: XCTestCase {
    func testAParameterNoStepUsesIsAWarningNamingIt() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("unused-\(UUID()).yaml")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data("""
            id: w
            title: W
            params:
              used: {type: int, default: 1}
              unused: {type: int, default: 2}
              used-too: {type: string, default: a}
            steps:
              - {kind: prose, text: "${params.used} ${params.used-too}"}
            """.utf8).write(to: file)
        let book = try LabEngine().load(file)
        XCTAssertEqual(book.warnings.count, 1, "\(book.warnings)")
        XCTAssertTrue(book.warnings[0].hasSuffix(":5:3: warning: parameter 'unused' is declared but no step uses it (no ${params.unused})"), book.warnings[0])
        for lab in try LabEngine.expand([LabBookTests.repository.appendingPathComponent("labs").path]) {
            XCTAssertEqual(try LabEngine().load(lab).warnings, [], lab.lastPathComponent)
        }
    }
}

/// The handout's excerpt of a long input or output, taken while rendering, against the
/// cut it replaced (the whole text rendered, then split and clipped).
final class HandoutExcerptTests: XCTestCase {
    /// The cut as the handout made it before rendering was streamed.
    private func cutOfWholeText(_ text: String, maxLines: Int, maxCharacters: Int) -> String {
        let pieces = text.split(separator: "\n", maxSplits: maxLines, omittingEmptySubsequences: false)
        var cutLines = pieces.count > maxLines
        let lines = pieces.prefix(cutLines ? maxLines - 10 : pieces.count).map { line in
            line.count > 300 ? String(line.prefix(160)) + "…(\(line.count) characters)" : String(line)
        }
        var shown = lines.joined(separator: "\n")
        if shown.count > maxCharacters {
            shown = String(shown.prefix(maxCharacters))
            cutLines = true
        }
        return cutLines ? shown + "\n…" : shown
    }

    func testExcerptEqualsTheCutOfTheWholeRendering() {
        let record = LabValue.object(LabObject([("id", .int(7)), ("text", .string("영화 \"정말\" 좋았다\n\t끝"))]))
        let values: [LabValue] = [
            .null, .object(LabObject()), record,
            .list((0..<37).map { .int($0) }), .list((0..<38).map { .int($0) }), .list((0..<39).map { .int($0) }),
            .list((0..<500).map { .number(Double($0) / 7) }),
            .object(LabObject([("image", .string(String(repeating: "QUJD", count: 5000))), ("after", .int(1))])),
            .list(Array(repeating: .string(String(repeating: "가나다", count: 150)), count: 60)),
            .list(Array(repeating: record, count: 300)),
            .list(Array(repeating: .string(String(repeating: "y", count: 250)), count: 30)),
        ]
        for (index, value) in values.enumerated() {
            let whole = value.handoutJSON
            let expected = cutOfWholeText(whole, maxLines: 40, maxCharacters: 6000)
            let excerpt = HandoutExcerpt.of(value, maxLines: 40, maxCharacters: 6000, language: .en)
            XCTAssertEqual(excerpt.text, expected, "value \(index)")
            XCTAssertEqual(excerpt.isComplete, expected == whole, "value \(index)")
        }
        let korean = HandoutExcerpt.of(values[7], maxLines: 40, maxCharacters: 6000, language: .ko)
        let line = values[7].handoutJSON.split(separator: "\n")[1]
        XCTAssertTrue(korean.text.contains("…(\(line.count)자)"), korean.text)
    }

    func testStreamedRenderingsMatchTheirLayout() {
        let value = LabValue.object(LabObject([
            ("a", .list([.int(1), .number(2.5), .string("x")])),
            ("b", .object(LabObject([("c", .list([.object(LabObject([("d", .null)])), .bool(true)]))]))),
            ("e", .list([])), ("f", .object(LabObject())),
        ]))
        XCTAssertEqual(value.jsonString, #"{"a":[1,2.5,"x"],"b":{"c":[{"d":null},true]},"e":[],"f":{}}"#)
        XCTAssertEqual(value.prettyJSON, """
            {
              "a": [1, 2.5, "x"],
              "b": {
                "c": [
                  {
                    "d": null
                  },
                  true
                ]
              },
              "e": [],
              "f": {}
            }
            """)
        for limit in [0, 1, 5, 17, 60, 1000] {
            XCTAssertEqual(value.jsonPrefix(limit), String(value.jsonString.prefix(limit)), "limit \(limit)")
        }
        XCTAssertEqual(LabValue.string("a\"b\\c\nd\u{1}é한").jsonString, #""a\"b\\c\nd\u0001é한""#)
    }
}
