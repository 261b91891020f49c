// The step declarations drive the parser, `labbook describe`, docs/steps.md and the JSON
// Schema: these tests keep all four in step and the declarations honest.
import AWSShapes
import Foundation
import XCTest
@testable import LabRunner

final class StepDeclarationTests: XCTestCase {
    let catalog = LabEngine().catalog

    private func load(_ steps: String) throws -> LabBook {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("labbook-decl-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("book.yaml")
        try "id: example\ntitle: Example\nsteps:\n\(steps)".write(to: file, atomically: true, encoding: .utf8)
        return try LabEngine().load(file)
    }

    /// Every kind's example parses: its keys are declared, of the declared types, and the
    /// kind reads nothing its declaration leaves out.
    func testEveryExampleParses() throws {
        for kind in catalog.all {
            let lines = StepReference.exampleLines(kind.declaration).map { "    " + $0 }
            let step = (["  - kind: \(kind.kind)"] + lines).joined(separator: "\n") + "\n"
            XCTAssertNoThrow(try load(step), "\(kind.kind)'s example:\n\(step)")
        }
    }

    /// Every key says what it is; a boto3 parameter missing from botocore's input shape
    /// would have no documentation and no botocore type.
    func testEveryKeyIsDocumentedAndBoto3ParametersExist() {
        for kind in catalog.all {
            let declaration = kind.declaration
            for key in declaration.keys {
                XCTAssertFalse(key.summary.isEmpty, "\(kind.kind).\(key.name) has no summary")
            }
            for group in declaration.exactlyOne {
                for name in group { XCTAssertNotNil(declaration.key(named: name), "\(kind.kind): exactlyOne names undeclared \(name)") }
            }
            if let call = declaration.call {
                XCTAssertNotNil(call.inputShape ?? (call.operation == "GetCallerIdentity" || call.operation == "ListTopics" ? call.outputShape : nil),
                                "\(kind.kind): botocore has no \(call.service).\(call.operation)")
            }
        }
    }

    /// The schema's common step keys are the parser's.
    func testSchemaCommonKeysAreTheParsers() {
        XCTAssertEqual(BookSchema.commonKeys.map(\.0), StepParser.commonKeys.filter { $0 != "kind" })
    }

    func testMissingKeyNamesItsTypeAndPurpose() {
        XCTAssertThrowsError(try load("  - {kind: s3.put_object, Bucket: b, Body: x}\n")) { error in
            XCTAssertEqual((error as? LabError)?.message,
                           "step kind 's3.put_object' needs 'Key' (string: Object key for which the PUT action was initiated.)")
        }
    }

    func testMisspeltRequiredKeyIsNamedAsATypo() {
        XCTAssertThrowsError(try load("  - {kind: sagemaker.create_endpoint, EndpointName: e, EndpointConfigNmae: c}\n")) { error in
            XCTAssertEqual((error as? LabError)?.message, "unknown key 'EndpointConfigNmae' (did you mean 'EndpointConfigName'?)")
        }
    }

    func testExactlyOneOfAGroup() {
        XCTAssertThrowsError(try load("  - {kind: s3.put_object, Bucket: b, Key: k}\n")) { error in
            XCTAssertEqual((error as? LabError)?.message, "step kind 's3.put_object' takes exactly one of Body or BodyFile")
        }
        XCTAssertThrowsError(try load("  - {kind: s3.put_object, Bucket: b, Key: k, Body: x, BodyFile: f}\n")) { error in
            XCTAssertEqual((error as? LabError)?.message, "step kind 's3.put_object' takes exactly one of Body or BodyFile; found Body and BodyFile")
        }
    }

    func testDescribeShowsKeysExampleAndOutput() throws {
        let text = StepReference(catalog: catalog).describe(try XCTUnwrap(catalog.kind(named: "sagemaker.create_endpoint_config")))
        XCTAssertTrue(text.contains("ProductionVariants    list of ProductionVariant, required"), text)
        XCTAssertTrue(text.contains("An array of ProductionVariant objects"), text)
        XCTAssertTrue(text.contains("- kind: sagemaker.create_endpoint_config"), text)
        XCTAssertTrue(text.contains("boto3's CreateEndpointConfig answer: EndpointConfigArn"), text)
    }

    // MARK: Generated files stay current

    func testReferencePageIsCurrent() throws {
        let page = try String(contentsOf: LabBookTests.repository.appendingPathComponent("docs/steps.md"), encoding: .utf8)
        XCTAssertTrue(page == StepReference(catalog: catalog).markdown,
                      "docs/steps.md is stale: run `labbook describe --markdown > docs/steps.md`")
    }

    func testSchemaFileIsCurrent() throws {
        let file = try String(contentsOf: LabBookTests.repository.appendingPathComponent("docs/labbook.schema.json"), encoding: .utf8)
        var schema = BookSchema(catalog: catalog)
        XCTAssertTrue(file == schema.document().prettyJSON + "\n",
                      "docs/labbook.schema.json is stale: run `labbook schema > docs/labbook.schema.json`")
    }

    /// The README's kinds table says what each kind's declaration says.
    func testReadmeTableMatchesTheSummaries() throws {
        let readme = try String(contentsOf: LabBookTests.repository.appendingPathComponent("README.md"), encoding: .utf8)
        for kind in catalog.all {
            XCTAssertTrue(readme.contains("| `\(kind.kind)` | \(kind.summary) |"), "README.md's row for \(kind.kind) differs from its summary")
        }
    }

    /// Every book in labs/ names the schema, so VS Code's YAML extension checks it as it is edited.
    func testLabBooksNameTheSchema() throws {
        for file in try LabEngine.expand([LabBookTests.repository.appendingPathComponent("labs").path]) {
            let first = try String(contentsOf: file, encoding: .utf8).prefix { $0 != "\n" }
            XCTAssertEqual(first, "# yaml-language-server: $schema=../docs/labbook.schema.json", file.lastPathComponent)
        }
    }
}
