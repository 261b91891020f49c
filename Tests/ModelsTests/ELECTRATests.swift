// Logits of the tiny fixture models against transformers' ElectraForSequenceClassification
// (goldens from fixtures/make_electra_fixtures.py, torch 2.13.0 / transformers 5.24.0).
// Tolerance: max abs diff ≤ 1e-4, in both checkpoint formats.
import Foundation
import XCTest
import Formats
import Inference
@testable import Models

final class ELECTRATests: XCTestCase {
    private func check(model name: String, golden file: String, weights: String) throws {
        let classifier = try ELECTRAClassifier(directory: try offlineModelDirectory(name), weightsFileName: weights)
        let cases = try golden(file)["cases"] as? [[String: Any]] ?? []
        XCTAssertFalse(cases.isEmpty)
        for item in cases {
            let ids = ints(item["input_ids"]), mask = ints(item["attention_mask"])
            let types = item["token_type_ids"].map { [ints($0)] }
            let logits = try classifier.model.logits(inputIDs: [ids], attentionMask: [mask], tokenTypeIDs: types).storage
            let expected = floats(item["logits"])
            XCTAssertEqual(logits.count, expected.count)
            let diff = zip(logits, expected).map { abs($0 - $1) }.max() ?? .infinity
            XCTAssertLessThanOrEqual(diff, 1e-4, "\(name) \(weights): \(item["text"] ?? "")")
        }
    }

    func testNSMCLogitsMatchTransformersFromPth() throws { try check(model: "nsmc", golden: "nsmc-logits.json", weights: "model.pth") }
    func testNSMCLogitsMatchTransformersFromSafetensors() throws {
        try check(model: "nsmc", golden: "nsmc-logits.json", weights: "model.safetensors")
    }
    func testKorSTSLogitsMatchTransformersFromPth() throws {
        try check(model: "korsts", golden: "korsts-logits.json", weights: "model.pth")
    }
    func testKorSTSLogitsMatchTransformersFromF16Safetensors() throws {
        try check(model: "korsts", golden: "korsts-logits.json", weights: "model.safetensors")
    }

    func testTokenizerPlusModelReproducesGoldenInputs() throws {
        let classifier = try ELECTRAClassifier(directory: try offlineModelDirectory("nsmc"))
        for item in try golden("nsmc-logits.json")["cases"] as? [[String: Any]] ?? [] {
            guard let text = item["text"] as? String else { continue }
            let logits = try classifier.logits(text)
            let diff = zip(logits, floats(item["logits"])).map { abs($0 - $1) }.max() ?? .infinity
            XCTAssertLessThanOrEqual(diff, 1e-4, text)
        }
    }

    func testBatchOfTwoEqualsTwoSingles() throws {
        let classifier = try ELECTRAClassifier(directory: try offlineModelDirectory("nsmc"))
        let a = try classifier.tokenizer.encode("재미있어요", maxLength: 16, padToMaxLength: true)
        let b = try classifier.tokenizer.encode("별로예요 정말", maxLength: 16, padToMaxLength: true)
        let batch = try classifier.model.logits(inputIDs: [a.inputIDs, b.inputIDs], attentionMask: [a.attentionMask, b.attentionMask])
        let single = try classifier.model.logits(inputIDs: [b.inputIDs], attentionMask: [b.attentionMask])
        XCTAssertEqual(batch.shape, [2, 2])
        // oneDNN may block a 2-row product differently from a 1-row one; tolerance 1e-5.
        for (x, y) in zip(batch.storage[2...], single.storage) { XCTAssertEqual(x, y, accuracy: 1e-5) }
    }

    /// A batch runs its sequences' real tokens packed, each attending within its own: every
    /// row matches its sequence run alone, also with a zero inside a mask (that segment takes
    /// the masked softmax) and a row with no real token (it keeps all its positions).
    func testPackedBatchOfMixedLengthsEqualsSingles() throws {
        let classifier = try ELECTRAClassifier(directory: try offlineModelDirectory("nsmc"))
        let texts = ["좋아", "정말 재미있어요 또 보고 싶네요", "시간 낭비였다. 스토리가 너무 뻔하고 배우들 연기도 어색했다. 다시는 안 본다",
                     String(repeating: "최고의 영화 ", count: 40)]
        var encodings = try texts.map { try classifier.tokenizer.encode($0, maxLength: 64, padToMaxLength: true) }
        var holed = encodings[1]
        holed.attentionMask[2] = 0
        encodings.append(holed)
        var empty = encodings[0]
        empty.attentionMask = Array(repeating: 0, count: empty.attentionMask.count)
        encodings.append(empty)
        let batch = try classifier.model.logits(inputIDs: encodings.map(\.inputIDs), attentionMask: encodings.map(\.attentionMask))
        XCTAssertEqual(batch.shape, [encodings.count, 2])
        for (row, encoding) in encodings.enumerated() {
            let single = try classifier.model.logits(inputIDs: [encoding.inputIDs], attentionMask: [encoding.attentionMask])
            // Products of other row counts may be blocked differently by oneDNN; tolerance 1e-5.
            for (x, y) in zip(batch.storage[(2 * row)..<(2 * row + 2)], single.storage) { XCTAssertEqual(x, y, accuracy: 1e-5, "row \(row)") }
        }
        XCTAssertNotEqual(batch.storage[2], batch.storage[8], "the masked-out token changes the holed row")
    }

    func testMissingAndMisshapenWeightsAreNamed() throws {
        let directory = try offlineModelDirectory("nsmc")
        var tensors = try Checkpoint.read(contentsOf: directory.appendingPathComponent("model.safetensors"))
        let config = try ELECTRAConfig(contentsOf: directory.appendingPathComponent("config.json"))
        tensors["electra.encoder.layer.1.attention.self.query.weight"] = nil
        tensors["classifier.dense.bias"] = nil
        XCTAssertThrowsError(try ELECTRAForSequenceClassification(config: config, weights: WeightLoader(tensors: tensors))) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("electra.encoder.layer.1.attention.self.query.weight"), text)
            XCTAssertTrue(text.contains("classifier.dense.bias"), text)
        }
        var wrong = try Checkpoint.read(contentsOf: directory.appendingPathComponent("model.safetensors"))
        wrong["classifier.dense.weight"] = Tensor(zeros: [64, 32])
        XCTAssertThrowsError(try ELECTRAForSequenceClassification(config: config, weights: WeightLoader(tensors: wrong))) { error in
            XCTAssertEqual("\(error)", "classifier.dense.weight: expected [64, 64], found [64, 32]")
        }
    }

    func testNonFiniteWeightsAreRefusedByName() throws {
        let directory = try offlineModelDirectory("nsmc")
        let config = try ELECTRAConfig(contentsOf: directory.appendingPathComponent("config.json"))
        for bad in [Float.nan, .infinity, -.infinity] {
            var tensors = try Checkpoint.read(contentsOf: directory.appendingPathComponent("model.safetensors"))
            var storage = try XCTUnwrap(tensors["classifier.out_proj.bias"]).storage
            storage[1] = bad
            tensors["classifier.out_proj.bias"] = try Tensor(shape: [2], storage: storage)
            XCTAssertThrowsError(try ELECTRAForSequenceClassification(config: config, weights: WeightLoader(tensors: tensors))) { error in
                XCTAssertEqual("\(error)", "classifier.out_proj.bias: element 1 is \(bad); weights must be finite numbers")
            }
        }
    }

    func testPositionIDsBufferIsIgnoredButOtherExtrasAreReported() throws {
        let classifier = try ELECTRAClassifier(directory: try offlineModelDirectory("nsmc"), weightsFileName: "model.pth")
        XCTAssertNil(classifier.model.unusedWeightsWarning, "model.pth carries electra.embeddings.position_ids")
        let directory = try offlineModelDirectory("nsmc")
        var tensors = try Checkpoint.read(contentsOf: directory.appendingPathComponent("model.safetensors"))
        tensors["discriminator_predictions.dense.weight"] = Tensor(zeros: [1])
        let model = try ELECTRAForSequenceClassification(
            config: try ELECTRAConfig(contentsOf: directory.appendingPathComponent("config.json")),
            weights: WeightLoader(tensors: tensors), checkpointName: "x")
        XCTAssertEqual(model.unusedWeightsWarning,
                       "Some weights of the model checkpoint at x were not used when initializing ElectraForSequenceClassification: [\"discriminator_predictions.dense.weight\"]")
    }

    func testSeedConfigsParse() throws {
        // The shape of the real lab configs (values copied from the seed's config.json).
        let json = #"{"model_type":"electra","vocab_size":35000,"embedding_size":128,"hidden_size":256,"num_hidden_layers":12,"num_attention_heads":4,"intermediate_size":1024,"max_position_embeddings":512,"type_vocab_size":2,"layer_norm_eps":1e-12,"hidden_act":"gelu","id2label":{"0":"LABEL_0"},"problem_type":"regression"}"#
        let config = try ELECTRAConfig(json: Data(json.utf8))
        XCTAssertTrue(config.isRegression)
        XCTAssertEqual(config.labelCount, 1)
        XCTAssertThrowsError(try ELECTRAConfig(json: Data(#"{"vocab_size":1,"num_hidden_layers":1,"num_attention_heads":1,"intermediate_size":1,"hidden_act":"relu"}"#.utf8)))
    }
}
