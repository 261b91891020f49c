// The HTML and PDF handouts: rendered from the same Markdown by cmark-gfm, self-contained,
// printed by headless Chromium. (The pictures were looked at by hand; these check structure.)
import Foundation
import XCTest
@testable import LabRunner

final class HandoutFormatTests: XCTestCase {
    private func runDemo(formats: Set<HandoutFormat>) async throws -> URL {
        let out = try makeTemporaryOutput()
        let engine = LabEngine()
        let book = try engine.load(LabBookTests.repository.appendingPathComponent("labs/00-demo.yaml"))
        var options = RunOptions(outputRoot: out)
        options.formats = formats
        let outcome = try await engine.run([book], overrides: [:], options: options, progress: .silent)
        XCTAssertEqual(outcome.exitCode, 0)
        return out.appendingPathComponent(book.id)
    }

    private func makeTemporaryOutput() throws -> URL {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("labbook-formats-\(UUID())")
        addTeardownBlock { try? FileManager.default.removeItem(at: out) }
        return out
    }

    func testMarkdownBecomesOneSelfContainedPage() throws {
        let directory = try makeTemporaryOutput()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data([0x89, 0x50, 0x4e, 0x47]).write(to: directory.appendingPathComponent("chart.png"))
        let markdown = """
            # 제목 <x>

            | a | b |
            |---|---|
            | 1 | 2 |

            ![차트](chart.png)

            <details><summary>boto3로는</summary>

            ```python
            sns.create_topic(Name="x")
            ```

            </details>
            """
        let page = try HandoutHTML.page(markdown: markdown, title: "제목 <x>", language: .ko, directory: directory, printable: false)
        XCTAssertTrue(page.hasPrefix("<!DOCTYPE html>\n<html lang=\"ko\">"))
        XCTAssertTrue(page.contains("<title>제목 &lt;x&gt;</title>"))
        XCTAssertTrue(page.contains("<table>"), "GFM tables")
        XCTAssertTrue(page.contains("<img src=\"data:image/png;base64,iVBORw==\" alt=\"차트\""), page)
        XCTAssertTrue(page.contains("<details><summary>boto3로는</summary>"))
        XCTAssertTrue(page.contains("<pre lang=\"python\"><code>sns.create_topic(Name=&quot;x&quot;)"), page)
        XCTAssertTrue(page.contains("NanumGothic"))
        let printable = try HandoutHTML.page(markdown: markdown, title: "t", language: .ko, directory: directory, printable: true)
        XCTAssertTrue(printable.contains("<details open><summary>"), "the PDF prints folded snippets open")
    }

    func testARunWritesHTMLAndPDFBesideTheMarkdown() async throws {
        let handout = try await runDemo(formats: [.md, .html, .pdf])
        let html = try String(contentsOf: handout.appendingPathComponent("README.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("data:image/png;base64,"), "the demo's figure is embedded")
        XCTAssertFalse(html.contains("src=\"") && html.contains(".png\""), "no figure is left as a file reference")
        let pdf = try Data(contentsOf: handout.appendingPathComponent("README.pdf"))
        XCTAssertEqual(pdf.prefix(5), Data("%PDF-".utf8))
        XCTAssertGreaterThan(pdf.count, 10_000)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: handout.path).filter { $0.hasPrefix(".README") }
        XCTAssertEqual(leftovers, [])
    }

    func testMarkdownAloneIsTheDefault() async throws {
        let handout = try await runDemo(formats: [.md])
        XCTAssertTrue(FileManager.default.fileExists(atPath: handout.appendingPathComponent("README.md").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: handout.appendingPathComponent("README.html").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: handout.appendingPathComponent("README.pdf").path))
    }
}
