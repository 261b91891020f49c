// `labbook import`: notebooks shaped like the five seed notebooks (Tests/LabRunnerTests/
// Notebooks, written by hand after ../shared/LABS.md) become books that validate, with the
// boto3 calls as typed steps, step outputs as references and the rest as TODOs.
import Foundation
import XCTest
@testable import LabRunner

final class NotebookImportTests: XCTestCase {
    private static let folder = LabBookTests.repository.appendingPathComponent("Tests/LabRunnerTests/Notebooks")

    private func importBook(_ name: String) throws -> (yaml: String, book: LabBook) {
        let engine = LabEngine()
        let data = try Data(contentsOf: Self.folder.appendingPathComponent(name))
        let yaml = try NotebookImporter(catalog: engine.catalog).book(from: data, name: name)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("import-\(UUID()).yaml")
        try Data(yaml.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return (yaml, try engine.load(file))
    }

    func testEverySeedShapedNotebookBecomesABookThatValidates() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path).filter { $0.hasSuffix(".ipynb") }.sorted()
        XCTAssertEqual(names.count, 5)
        for name in names {
            let (yaml, book) = try importBook(name)
            XCTAssertFalse(book.steps.isEmpty, name)
            XCTAssertTrue(yaml.hasPrefix("# Imported from \(name) by `labbook import`."), name)
        }
    }

    func testBoto3CallsBecomeTypedStepsAndOutputsBecomeReferences() throws {
        let (yaml, book) = try importBook("03-async.ipynb")
        XCTAssertEqual(book.title.ko, "비동기 추론", "a Korean notebook keeps its language")
        let kinds = book.steps.map(\.kind)
        for kind in ["sns.create_topic", "sns.subscribe", "sagemaker.create_endpoint_config", "s3.put_object",
                     "sagemaker-runtime.invoke_endpoint_async", "application-autoscaling.register_scalable_target",
                     "cloudwatch.get_metric_statistics", "sns.delete_topic"] {
            XCTAssertTrue(kinds.contains(kind), "\(kind) in \(kinds)")
        }
        XCTAssertTrue(yaml.contains("TopicArn: ${steps.create-topic.TopicArn}"), yaml)
        XCTAssertTrue(yaml.contains("ErrorTopic: ${steps.create-topic-2.TopicArn}"), yaml)
        XCTAssertTrue(yaml.contains("S3OutputPath: \"s3://${params.bucket}/async/output\""), "f-strings keep their text: \(yaml)")
        XCTAssertTrue(yaml.contains("default: \"TODO: datetime.utcnow() - timedelta(minutes=60)\""), yaml)
        XCTAssertTrue(yaml.contains("while True:"), "unrecognized code is shown as a TODO")
    }

    func testWaitersWritefileAndBoto3ShapedArgumentsAreKept() throws {
        let (yaml, book) = try importBook("02-multi-container.ipynb")
        XCTAssertTrue(book.steps.contains { $0.kind == "sagemaker.wait" })
        XCTAssertTrue(yaml.contains("Waiter: \"endpoint_in_service\""))
        let (local, _) = try importBook("01-local-checks.ipynb")
        XCTAssertTrue(local.contains("`src/inference_nsmc.py`") && local.contains("`program:`"), local)
        let (yolo, yoloBook) = try importBook("04-serverless-yolo.ipynb")
        XCTAssertTrue(yoloBook.steps.contains { $0.kind == "lambda.create_function" }, yolo)
        XCTAssertTrue(yolo.contains("Role: ${steps.create-role.Role.Arn}"), yolo)
        XCTAssertTrue(yolo.contains("!docker build"), "shell lines stay as code to port by hand")
    }

    func testPythonReaderReadsLiteralsCallsAndFStrings() {
        let statement = PythonReader.statement(#"arn = sns.create_topic(Name='a', Tags=[{"Key": 'k', "Value": f"v-{x}"}], N=-3, F=1.5, B=None)['TopicArn']"#)
        XCTAssertEqual(statement?.target, "arn")
        guard case let .item(.call(callee, _, keywords), .string("TopicArn"))? = statement?.value else {
            return XCTFail("\(String(describing: statement?.value))")
        }
        XCTAssertEqual(callee.dottedPath ?? [], ["sns", "create_topic"])
        XCTAssertEqual(keywords.map(\.0), ["Name", "Tags", "N", "F", "B"])
        XCTAssertEqual(keywords[2].1, .integer(-3))
        XCTAssertEqual(keywords[1].1.source, #"[{"Key": "k", "Value": f"v-{x}"}]"#)
        XCTAssertNil(PythonReader.statement("for x in y:"), "statements it does not model are left alone")
        XCTAssertNil(PythonReader.statement("a = " + String(repeating: "[", count: 100_000)), "deep nesting is refused, not recursed into")
        XCTAssertNil(PythonReader.statement("a = " + String(repeating: "-", count: 100_000) + "1"))
    }

    func testNotANotebookIsALocatedError() {
        XCTAssertThrowsError(try NotebookImporter(catalog: LabEngine().catalog).book(from: Data("{}".utf8), name: "x.ipynb")) { error in
            XCTAssertEqual("\(error)", "x.ipynb is not a Jupyter notebook labbook can import: it has no 'cells' list (nbformat 4)")
        }
    }
}
