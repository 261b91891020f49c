// Token ids against goldens made by fixtures/make_electra_fixtures.py with transformers'
// ElectraTokenizerFast (tokenizers 0.23.3). Tolerance: exact equality.
import Foundation
import XCTest
@testable import Models

final class WordPieceTokenizerTests: XCTestCase {
    private func tokenizers() throws -> [(String, WordPieceTokenizer)] {
        let vocab = try offlineModelDirectory("nsmc").appendingPathComponent("vocab")
        return [
            ("tokenizer.json", try WordPieceTokenizer(directory: vocab)),
            ("vocab.txt", try WordPieceTokenizer(vocabTxt: vocab.appendingPathComponent("vocab.txt"),
                                                 config: vocab.appendingPathComponent("tokenizer_config.json"))),
        ]
    }

    func testEveryCorpusLineAndEdgeCaseMatchesTransformers() throws {
        let cases = try golden("tokenizer.json")["singles"] as? [[String: Any]] ?? []
        XCTAssertGreaterThan(cases.count, 200)
        for (source, tokenizer) in try tokenizers() {
            for item in cases {
                let text = item["text"] as? String ?? ""
                let encoding = try tokenizer.encode(text)
                XCTAssertEqual(encoding.inputIDs, ints(item["ids"]), "\(source): \(text.debugDescription)")
            }
        }
    }

    func testLowercasingVariantStripsAccentsOnlyWhenConfigured() throws {
        let vocab = try offlineModelDirectory("nsmc").appendingPathComponent("vocab")
        var tokenizer = try WordPieceTokenizer(directory: vocab)
        var options = tokenizer.options
        XCTAssertFalse(options.lowercase, "KoELECTRA v3 settings: do_lower_case false")
        options.lowercase = true
        tokenizer = try WordPieceTokenizer(tokens: tokenizer.tokens, options: options)
        for item in try golden("tokenizer.json")["lowercase_singles"] as? [[String: Any]] ?? [] {
            let text = item["text"] as? String ?? ""
            XCTAssertEqual(try tokenizer.encode(text).inputIDs, ints(item["ids"]), text.debugDescription)
        }
    }

    func testPairsTruncateLongestFirstAndPad() throws {
        for (source, tokenizer) in try tokenizers() {
            for item in try golden("tokenizer.json")["pairs"] as? [[String: Any]] ?? [] {
                let encoding = try tokenizer.encode(item["a"] as? String ?? "", pair: item["b"] as? String ?? "",
                                                    maxLength: (item["max_length"] as? Int) ?? 0, padToMaxLength: true)
                XCTAssertEqual(encoding.inputIDs, ints(item["input_ids"]), "\(source) \(item["a"] ?? "") / \(item["b"] ?? "")")
                XCTAssertEqual(encoding.tokenTypeIDs, ints(item["token_type_ids"]))
                XCTAssertEqual(encoding.attentionMask, ints(item["attention_mask"]))
            }
        }
    }

    func testSinglesPadAndTruncateToMaxLength() throws {
        let tokenizer = try tokenizers()[0].1
        for item in try golden("tokenizer.json")["padded"] as? [[String: Any]] ?? [] {
            let encoding = try tokenizer.encode(item["text"] as? String ?? "", maxLength: (item["max_length"] as? Int) ?? 0,
                                                padToMaxLength: true)
            XCTAssertEqual(encoding.inputIDs, ints(item["input_ids"]))
            XCTAssertEqual(encoding.attentionMask, ints(item["attention_mask"]))
            XCTAssertEqual(encoding.tokenTypeIDs, ints(item["token_type_ids"]))
        }
    }

    func testHangulIsNotSplitLikeCJKButHanjaIs() throws {
        let tokenizer = try tokenizers()[0].1
        XCTAssertEqual(tokenizer.preTokenize(tokenizer.normalize("한국漢字")).map { String(String.UnicodeScalarView($0)) },
                       ["한국", "漢", "字"])
    }

    func testWordsLongerThanTheLimitBecomeUnknown() throws {
        let tokenizer = try tokenizers()[0].1
        XCTAssertEqual(tokenizer.tokenize(String(repeating: "가", count: 101)), ["[UNK]"])
        XCTAssertNotEqual(tokenizer.tokenize(String(repeating: "가", count: 100)), ["[UNK]"])
    }

    func testMaxLengthTooSmallForSpecialTokensIsAnError() throws {
        let tokenizer = try tokenizers()[0].1
        XCTAssertThrowsError(try tokenizer.encode("가", pair: "나", maxLength: 2))
    }
}

final class TokenizerFileFuzzTests: XCTestCase {
    /// Truncated or bit-flipped tokenizer files give a TokenizerError or a tokenizer, never a trap.
    func testDamagedTokenizerJSONNeverTraps() throws {
        let original = try Data(contentsOf: try offlineModelDirectory("nsmc").appendingPathComponent("vocab/tokenizer.json"))
        var failures = 0
        for step in 0..<120 {
            let offset = (step * 7919) % original.count
            var flipped = original
            flipped[offset] ^= 0x20
            for data in [original.prefix(offset), flipped] {
                do { _ = try WordPieceTokenizer(tokenizerJSON: data).encode("영화 재미있어요") } catch {
                    XCTAssertTrue(error is TokenizerError, "\(offset): \(error)")
                    failures += 1
                }
            }
        }
        XCTAssertGreaterThan(failures, 100)
    }
}

final class TokenizerJSONPipelineTests: XCTestCase {
    private func json(normalizer: String, preTokenizer: String = #"{"type":"BertPreTokenizer"}"#, added: String = "[]") -> Data {
        let vocab = ###"{"[PAD]":0,"[UNK]":1,"[CLS]":2,"[SEP]":3,"a":4,"##b":5,"AB":6,"<x>":7}"###
        let model = ###"{"type":"WordPiece","unk_token":"[UNK]","continuing_subword_prefix":"##","max_input_chars_per_word":100,"vocab":"###
        return Data((#"{"added_tokens":\#(added),"normalizer":\#(normalizer),"pre_tokenizer":\#(preTokenizer),"post_processor":null,"model":"#
            + model + vocab + "}}").utf8)
    }

    func testNormalizerSettingsComeFromTheFile() throws {
        let lower = try WordPieceTokenizer(tokenizerJSON: json(normalizer: #"{"type":"BertNormalizer","lowercase":true}"#))
        XCTAssertEqual(lower.tokenize("AB"), ["a", "##b"])
        let none = try WordPieceTokenizer(tokenizerJSON: json(normalizer: "null"))
        XCTAssertEqual(none.tokenize("AB"), ["AB"])
        XCTAssertThrowsError(try WordPieceTokenizer(tokenizerJSON: json(normalizer: #"{"type":"NFC"}"#)))
        XCTAssertThrowsError(try WordPieceTokenizer(tokenizerJSON: json(normalizer: "null", preTokenizer: #"{"type":"Whitespace"}"#)))
    }

    func testAddedTokensAreMatchedVerbatim() throws {
        let added = #"[{"id":7,"content":"<x>","special":false,"normalized":false}]"#
        let tokenizer = try WordPieceTokenizer(tokenizerJSON: json(normalizer: #"{"type":"BertNormalizer","lowercase":false}"#, added: added))
        XCTAssertEqual(tokenizer.tokenize("a<x>AB"), ["a", "<x>", "AB"])
        let normalized = #"[{"id":7,"content":"<x>","special":false,"normalized":true}]"#
        XCTAssertThrowsError(try WordPieceTokenizer(tokenizerJSON: json(normalizer: "null", added: normalized)))
    }

    /// The byte-level vocab reader pairs surrogates itself: a high half followed by anything
    /// but a low half is an error, not an arithmetic trap.
    func testVocabularyScannerRejectsAnUnpairedSurrogate() throws {
        var scanner = VocabularyScanner(data: Data(#"{"vocab": {"\ud800\u0041": 0}}"#.utf8), location: "t.json")
        XCTAssertThrowsError(try scanner.pairs()) { XCTAssertTrue("\($0)".contains("surrogate"), "\($0)") }
        var paired = VocabularyScanner(data: Data(#"{"vocab": {"\ud83d\ude00": 7}}"#.utf8), location: "t.json")
        XCTAssertEqual(try paired.pairs().map(\.0), ["😀"])
    }
}
