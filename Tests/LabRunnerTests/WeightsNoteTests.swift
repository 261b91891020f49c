// Which weights answered, beside every model output and at the top of the handout: a
// model.predict, a local endpoint made from a package, a SageMaker endpoint made from an
// uploaded archive, and the catalog `labbook models` prints.
import Foundation
import XCTest
@testable import LabRunner

final class WeightsNoteTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("labbook-weights-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data("{\"text\": [\"배우들 연기가 좋았다\"]}\n".utf8).write(to: dir.appendingPathComponent("one.jsonl"))
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    private func handout(_ yaml: String, language: Language = .ko) async throws -> String {
        let file = dir.appendingPathComponent("book.yaml")
        try Data(yaml.utf8).write(to: file)
        let engine = LabEngine()
        let book = try engine.load(file)
        let outcome = try await engine.run([book], overrides: [:],
                                           options: RunOptions(outputRoot: dir.appendingPathComponent("out"), language: language),
                                           progress: .silent, junit: dir.appendingPathComponent("junit.xml"))
        XCTAssertEqual(outcome.exitCode, 0, outcome.runs[0].records.compactMap(\.failure).joined(separator: "\n"))
        return try String(contentsOf: dir.appendingPathComponent("out/\(book.id)/README.md"), encoding: .utf8)
    }

    /// The part of the handout for one step: from its anchor to the next.
    private func section(_ handout: String, _ id: String) -> String {
        guard let start = handout.range(of: "<a id=\"step-\(id)\"></a>") else { return "" }
        let rest = handout[start.upperBound...]
        let end = rest.range(of: "<a id=\"")?.lowerBound ?? rest.endIndex
        return String(rest[..<end])
    }

    func testPredictAndLocalEndpointNameTheirWeightsBesideTheOutput() async throws {
        let text = try await handout("""
        id: local
        title: local
        steps:
          - {kind: model.predict, id: check, model: "fixture:nsmc-demo", program: nsmc, BodyFile: one.jsonl}
          - {kind: model.package, id: package, model: "fixture:nsmc-tiny", program: nsmc}
          - {kind: local.deploy, id: deploy, EndpointName: local-nsmc, ModelData: "${steps.package.Path}", SAGEMAKER_PROGRAM: nsmc}
          - {kind: local.invoke_endpoint, id: runtime, EndpointName: local-nsmc, BodyFile: one.jsonl}
          - {kind: local.delete_endpoint, id: delete, EndpointName: local-nsmc}
        """)
        let check = section(text, "check"), runtime = section(text, "runtime")
        XCTAssertTrue(check.contains("> 🧠 이 단계의 모델 가중치: **nsmc-demo**, 프로젝트가 직접 학습한 데모 모델: "), check)
        XCTAssertLessThan(check.range(of: "**출력**")!.lowerBound, check.range(of: "🧠")!.lowerBound, "after the output")
        XCTAssertTrue(runtime.contains("**nsmc-tiny**, 테스트용 픽스처"), runtime)
        XCTAssertFalse(section(text, "delete").contains("🧠"))
        // At the top, before the first step: one line per model.
        let top = String(text[..<text.range(of: "## 목차")!.lowerBound])
        XCTAssertTrue(top.contains("> · nsmc-demo: 프로젝트가 학습한 데모 모델"), top)
        XCTAssertTrue(top.contains("> · nsmc-tiny: 무작위 테스트 픽스처: 점수에 의미 없음"), top)
    }

    func testAnEndpointReplyNamesTheWeightsOfTheContainerItCameFrom() async throws {
        let text = try await handout("""
        id: endpoint
        title: endpoint
        steps:
          - {kind: model.package, id: pack-a, model: "fixture:nsmc-demo", program: nsmc, upload: "s3://weights-lab/a/model.tar.gz"}
          - {kind: model.package, id: pack-b, model: "fixture:korsts-tiny", program: korsts, upload: "s3://weights-lab/b/model.tar.gz"}
          - kind: sagemaker.create_model
            id: model
            ModelName: nlp
            ExecutionRoleArn: arn:aws:iam::123456789012:role/SageMakerExecutionRole
            InferenceExecutionConfig: {Mode: Direct}
            Containers:
              - {ContainerHostname: a, Image: "763104351884.dkr.ecr.ap-northeast-2.amazonaws.com/pytorch-inference:1.8.1-cpu-py36", ModelDataUrl: "s3://weights-lab/a/model.tar.gz", Environment: {SAGEMAKER_PROGRAM: nsmc}}
              - {ContainerHostname: b, Image: "763104351884.dkr.ecr.ap-northeast-2.amazonaws.com/pytorch-inference:1.8.1-cpu-py36", ModelDataUrl: "s3://weights-lab/b/model.tar.gz", Environment: {SAGEMAKER_PROGRAM: korsts}}
          - {kind: sagemaker.create_endpoint_config, id: config, EndpointConfigName: nlp, ProductionVariants: [{VariantName: v, ModelName: nlp, InitialInstanceCount: 1, InstanceType: ml.c5.xlarge}]}
          - {kind: sagemaker.create_endpoint, id: endpoint, EndpointName: nlp, EndpointConfigName: nlp}
          - {kind: sagemaker.wait, id: wait, Waiter: endpoint_in_service, EndpointName: nlp}
          - {kind: sagemaker-runtime.invoke_endpoint, id: invoke-a, EndpointName: nlp, TargetContainerHostname: a, ContentType: application/jsonlines, Accept: application/jsonlines, BodyFile: one.jsonl}
        """, language: .en)
        let invoke = section(text, "invoke-a")
        XCTAssertTrue(invoke.contains("> 🧠 Weights behind this step: **nsmc-demo**, a demo model the project trained itself: "), invoke)
        XCTAssertFalse(invoke.contains("korsts-tiny"), "only the container the request went to")
    }

    func testAFixturePassedByPathIsStillCalledAFixture() async throws {
        let folder = try XCTUnwrap(LabEngine().fixtures["nsmc-tiny"]).path
        let text = try await handout("""
        id: by-path
        title: by path
        steps:
          - {kind: model.predict, id: check, model: "\(folder)", program: nsmc, BodyFile: one.jsonl}
        """)
        XCTAssertTrue(section(text, "check").contains("**nsmc-tiny**, 테스트용 픽스처"), text)
        XCTAssertFalse(text.contains("사전 학습"), "never called pretrained")
    }

    func testTheCatalogSaysWhatEachModelIs() throws {
        let entries = ModelCatalog.entries(fixtures: LabEngine().fixtures, language: .en)
        let byReference = Dictionary(entries.map { ($0.reference, $0) }, uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(byReference["fixture:nsmc-demo"]?.kind, "a demo model the project trained")
        XCTAssertEqual(byReference["fixture:nsmc-demo"]?.handlers, ["nsmc", "nsmc-lambda"])
        XCTAssertEqual(byReference["fixture:korsts-demo"]?.handlers, ["korsts"])
        XCTAssertEqual(byReference["fixture:maskrcnn-demo"]?.architecture, "maskrcnn_resnet50_fpn")
        XCTAssertEqual(byReference["fixture:kobart-demo"]?.architecture, "BartForConditionalGeneration")
        XCTAssertEqual(byReference["fixture:kobart-tiny"]?.kind, "random test fixture: scores carry no meaning")
        XCTAssertEqual(byReference["fixture:kobart-tiny"]?.handlers, ["kobart"])
        XCTAssertEqual(byReference["torchvision://maskrcnn_resnet50_fpn_coco"]?.kind, "published pretrained weights")
        XCTAssertTrue(byReference["fixture:nsmc-demo"]?.description.contains("held-out accuracy") ?? false)
    }
}
