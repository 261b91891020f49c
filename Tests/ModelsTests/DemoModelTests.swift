// The demo models the project trained (fixtures/train_korean_demo_models.py) are ordinary
// checkpoints, checked against transformers like the fixtures (goldens from
// fixtures/make_demo_goldens.py: transformers 5.24.0, and 4.12.5 for the seed's beam search),
// and their answers make sense where a handout shows them.
// Tolerances: logits max abs diff ≤ 1e-4; generated ids equal.
import Foundation
import XCTest
import Serving
@testable import Models

final class DemoModelTests: XCTestCase {
    private func checkLogits(_ model: String, golden file: String, pair: Bool) throws {
        let classifier = try ELECTRAClassifier(directory: try offlineModelDirectory(model))
        let cases = try golden(file)["cases"] as? [[String: Any]] ?? []
        XCTAssertGreaterThanOrEqual(cases.count, 6)
        for item in cases {
            let texts = (item["text"] as? [String]) ?? [(item["text"] as? String) ?? ""]
            let encoding = try classifier.tokenizer.encode(texts[0], pair: pair ? texts[1] : nil, maxLength: 128, padToMaxLength: true)
            XCTAssertEqual(encoding.inputIDs, ints(item["input_ids"]), "\(model) encodes \(texts)")
            let logits = try classifier.model.logits(inputIDs: [encoding.inputIDs], attentionMask: [encoding.attentionMask]).storage
            let diff = zip(logits, floats(item["logits"])).map { abs($0 - $1) }.max() ?? .infinity
            XCTAssertLessThanOrEqual(diff, 1e-4, "\(model): \(texts)")
        }
    }

    func testSentimentDemoMatchesTransformers() throws { try checkLogits("nsmc-demo", golden: "demo-nsmc.json", pair: false) }
    func testSimilarityDemoMatchesTransformers() throws { try checkLogits("korsts-demo", golden: "demo-korsts.json", pair: true) }

    func testSummaryDemoMatchesTransformersAndTheSeedsBeamSearch() throws {
        let summarizer = try BARTSummarizer(directory: try offlineModelDirectory("kobart-demo"))
        for (file, scoring) in [("demo-kobart.json", GenerationOptions.BeamScoring.current), ("demo-kobart-seed.json", .transformers4_12)] {
            let cases = try golden(file)["cases"] as? [[String: Any]] ?? []
            XCTAssertGreaterThanOrEqual(cases.count, 8, file)
            for item in cases {
                let text = item["text"] as? String ?? ""
                XCTAssertEqual(try summarizer.tokenizer.encode(text).ids, ints(item["input_ids"]), "encode \(text.prefix(20))")
                var options = summarizer.generationDefaults
                options.overlay(item["args"] as? [String: Any] ?? [:])
                options.beamScoring = scoring
                let output = try summarizer.generate(inputIDs: ints(item["input_ids"]), options: options)
                XCTAssertEqual(output, ints(item["output_ids"]), "\(file) \(item["variant"] ?? ""): \(text.prefix(20))")
            }
        }
    }


    /// Every summary is clean text taken from its article.
    func testSummariesAreCleanSentencesFromTheArticle() throws {
        let handler = try KoBARTHandler(directory: try offlineModelDirectory("kobart-demo"))
        let cases = (try golden("demo-kobart-seed.json")["cases"] as? [[String: Any]] ?? []).filter { ($0["variant"] as? String) == "seed" }
        XCTAssertGreaterThanOrEqual(cases.count, 4)
        for item in cases {
            let article = item["text"] as? String ?? ""
            let summary = try handler.summarize(article)
            XCTAssertFalse(summary.unicodeScalars.contains { $0 == "\u{FFFD}" || $0.properties.generalCategory == .control }, summary)
            XCTAssertTrue(article.contains(summary.trimmingCharacters(in: .whitespaces)), "\(summary) ⊄ \(article)")
            XCTAssertTrue(summary.hasSuffix("."), summary)
        }
    }

    /// What lab 1's handout shows: the reviews get the labels a reader expects.
    func testTheLabsReviewsGetTheExpectedLabels() throws {
        let handler = try NSMCHandler(directory: try offlineModelDirectory("nsmc-demo"))
        let reviews = [("이 영화 정말 재미있어요! 배우들 연기가 최고였습니다.", "Pos"), ("시간 낭비였다. 줄거리가 너무 지루하고 뻔함", "Neg"),
                       ("음악이 좋아서 끝까지 봤어요. 다시 보고 싶네요", "Pos"), ("돈이 아까운 영화. 지루하고 연출도 엉망이다", "Neg"),
                       ("정말 재미있고 감동적인 영화였어요. 또 보고 싶네요", "Pos"), ("배우들 연기가 좋아서 시간 가는 줄 몰랐어요", "Pos")]
        let body = reviews.map { "{\"text\": [\(PythonJSON.quote($0.0))]}" }.joined(separator: "\n")
        let reply = try handler.invoke(body: Data(body.utf8), contentType: "application/jsonlines", accept: "application/jsonlines")
        let labels = String(decoding: reply.body, as: UTF8.self).split(separator: "\n").map { line in
            ((try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any])?["predicted_label"] as? String
        }
        XCTAssertEqual(labels, reviews.map(\.1))
    }

    /// What lab 1 shows for model B: the paraphrase scores high, the unrelated pair low, within 0–5.
    func testTheLabsParaphraseScoresAboveTheUnrelatedPair() throws {
        let classifier = try ELECTRAClassifier(directory: try offlineModelDirectory("korsts-demo"))
        let paraphrase = try classifier.logits("오늘 서울은 하루 종일 비가 내립니다.", pair: "서울에는 오늘 종일 비가 와요.")[0]
        let unrelated = try classifier.logits("고양이가 창가에서 낮잠을 자고 있다.", pair: "주식 시장이 큰 폭으로 하락했다.")[0]
        XCTAssertGreaterThan(paraphrase, 3.5)
        XCTAssertLessThan(unrelated, 2)
        XCTAssertGreaterThan(unrelated, 0)
    }

}

final class ModelConfigMessageTests: XCTestCase {
    func testAStringWhereANumberBelongsIsCalledAString() throws {
        let json = Data(#"{"model_type": "electra", "hidden_size": "64", "vocab_size": 10, "num_hidden_layers": 1, "num_attention_heads": 1, "intermediate_size": 4, "max_position_embeddings": 8}"#.utf8)
        XCTAssertThrowsError(try ELECTRAConfig(json: json)) { error in
            XCTAssertEqual("\(error)", #"config.json: 'hidden_size' must be a positive integer up to 4194304, found the string "64""#)
        }
    }

    /// Issue 15: an epsilon that would divide by zero or below it is refused when read.
    func testLayerNormEpsilonMustBeSmallAndPositive() throws {
        let base = #""model_type": "electra", "hidden_size": 4, "vocab_size": 10, "num_hidden_layers": 1, "num_attention_heads": 1, "intermediate_size": 4"#
        for bad in ["-1", "0", "true", "\"1e-12\""] {
            XCTAssertThrowsError(try ELECTRAConfig(json: Data("{\(base), \"layer_norm_eps\": \(bad)}".utf8)), bad) { error in
                XCTAssertTrue("\(error)".contains("'layer_norm_eps' must be a small positive number"), "\(bad): \(error)")
            }
        }
        XCTAssertEqual(try ELECTRAConfig(json: Data("{\(base), \"layer_norm_eps\": 1e-5}".utf8)).layerNormEps, 1e-5)
        XCTAssertEqual(try ELECTRAConfig(json: Data("{\(base)}".utf8)).layerNormEps, 1e-12)
    }

    /// Issue 15: a BART input id past vocab_size names the tokenizer instead of failing in
    /// the embedding (checked per input: bart-large-cnn's <mask> is one past vocab_size).
    func testABARTInputPastTheEmbeddingNamesTheTokenizer() throws {
        let summarizer = try BARTSummarizer(directory: try TinyModels.fixture("models/kobart-tiny"))
        let size = summarizer.model.config.vocabSize
        XCTAssertThrowsError(try summarizer.generate(inputIDs: [0, size, 1], options: KoBARTHandler.seedOptions(summarizer))) { error in
            XCTAssertTrue("\(error)".contains("tokenizer.json: token id \(size) has no embedding row: config.json says vocab_size \(size)"), "\(error)")
        }
    }

    /// Issue 15: a missing tokenizer and a tokenizer larger than the embedding are named when
    /// the folder loads, not at the first request.
    func testTokenizerProblemsAreNamedAtLoad() throws {
        let source = try TinyModels.fixture("models/nsmc-tiny")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("labbook-vocab-\(UUID())")
        try FileManager.default.copyItem(at: source, to: folder)
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.removeItem(at: folder.appendingPathComponent("vocab/tokenizer.json"))
        let vocab = folder.appendingPathComponent("vocab/vocab.txt")
        try (try String(contentsOf: vocab, encoding: .utf8) + "추가1\n추가2\n").write(to: vocab, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ELECTRAClassifier(directory: folder)) { error in
            XCTAssertTrue("\(error)".contains("vocab/vocab.txt: the tokenizer has ids up to 2001, but config.json says vocab_size 2000"), "\(error)")
        }
        try FileManager.default.removeItem(at: folder.appendingPathComponent("vocab"))
        XCTAssertThrowsError(try ELECTRAClassifier(directory: folder)) { error in
            XCTAssertTrue("\(error)".contains("vocab/tokenizer.json or vocab/vocab.txt"), "\(error)")
        }
    }
}
