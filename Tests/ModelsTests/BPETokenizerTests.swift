// The BPE tokenizer against the tokenizers library (fixtures/make_bart_fixtures.py): ids and
// decoded text must be equal exactly, for every corpus line and the edge cases.
import Foundation
import XCTest
@testable import Models

final class BPETokenizerTests: XCTestCase {
    static let kobartFolder = try? TinyModels.fixture("models/kobart-tiny/vocab")

    func compare(_ tokenizer: BPETokenizer, cases: [[String: Any]], label: String, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertGreaterThan(cases.count, 10, label)
        var mismatches = 0
        for item in cases {
            let text = item["text"] as? String ?? ""
            let expected = ints(item["ids"])
            let ids = try tokenizer.encode(text).ids
            if ids != expected, mismatches < 5 {
                XCTFail("\(label) encode \(text.debugDescription): \(ids) != \(expected)", file: file, line: line)
            }
            if ids != expected { mismatches += 1 }
            XCTAssertEqual(tokenizer.decode(expected, skipSpecialTokens: true), item["decoded"] as? String, "\(label) decode \(text.debugDescription)",
                           file: file, line: line)
            XCTAssertEqual(tokenizer.decode(expected, skipSpecialTokens: false), item["decoded_with_special"] as? String,
                           "\(label) decode with specials \(text.debugDescription)", file: file, line: line)
        }
        XCTAssertEqual(mismatches, 0, "\(label): lines whose ids differ")
    }

    func testKoBARTTokenizerMatchesTokenizers() throws {
        let folder = try XCTUnwrap(BPETokenizerTests.kobartFolder)
        let tokenizer = try BPETokenizer(directory: folder)
        let goldens = try golden("bpe-kobart.json")
        try compare(tokenizer, cases: goldens["kobart"] as? [[String: Any]] ?? [], label: "kobart")
        // Special ids come from the files: </s> is 1 here, not BART's usual 2.
        XCTAssertEqual(tokenizer.id(of: "</s>"), 1)
        XCTAssertEqual(tokenizer.namedTokens["eos_token"], "</s>")
        for item in goldens["transformers_decode"] as? [[String: Any]] ?? [] {
            XCTAssertEqual(tokenizer.decode(ints(item["ids"])), item["decoded"] as? String)
        }
    }

    func testTemplateProcessingAddsSpecialTokens() throws {
        let data = try Data(contentsOf: TinyModels.fixture("goldens/bpe-template-tokenizer.json"))
        let tokenizer = try BPETokenizer(json: data)
        let goldens = try golden("bpe-kobart.json")
        try compare(tokenizer, cases: goldens["template"] as? [[String: Any]] ?? [], label: "template")
        for item in goldens["template_pairs"] as? [[String: Any]] ?? [] {
            let encoding = try tokenizer.encode(item["text"] as? String ?? "", pair: item["pair"] as? String)
            XCTAssertEqual(encoding.ids, ints(item["ids"]))
            XCTAssertEqual(encoding.typeIDs, ints(item["type_ids"]))
        }
    }

    func testByteLevelBPEMatchesTokenizers() throws {
        let data = try Data(contentsOf: TinyModels.fixture("goldens/bpe-bytelevel-tokenizer.json"))
        let tokenizer = try BPETokenizer(json: data)
        try compare(tokenizer, cases: try golden("bpe-kobart.json")["bytelevel"] as? [[String: Any]] ?? [], label: "bytelevel")
    }

    func testSplitBehaviors() {
        let scalars = Array("a--b-c".unicodeScalars)
        let dashes = [1..<2, 2..<3, 4..<5]
        XCTAssertEqual(SplitBehavior.removed.split(scalars, matches: dashes), ["a", "b", "c"])
        XCTAssertEqual(SplitBehavior.isolated.split(scalars, matches: dashes), ["a", "-", "-", "b", "-", "c"])
        XCTAssertEqual(SplitBehavior.mergedWithPrevious.split(scalars, matches: dashes), ["a--", "b-", "c"])
        XCTAssertEqual(SplitBehavior.mergedWithNext.split(scalars, matches: dashes), ["a", "-", "-b", "-c"])
        XCTAssertEqual(SplitBehavior.contiguous.split(scalars, matches: dashes), ["a", "--", "b", "-", "c"])
    }

    /// A Hangul syllable and its conjoining jamo (and é and e + ◌́) are canonically
    /// equivalent, so a Swift dictionary would merge them; tokenizers keeps them apart.
    func testCanonicallyEquivalentTokensKeepTheirOwnIDs() throws {
        let json = #"{"model": {"type": "BPE", "vocab": {"\#u{AC00}": 0, "\#u{1100}": 1, "\#u{1161}": 2, "\#u{1100}\#u{1161}": 3, "\#u{E9}": 4, "e": 5, "\#u{301}": 6, "e\#u{301}": 7}, "merges": ["\#u{1100} \#u{1161}", "e \#u{301}"]}}"#
        let tokenizer = try BPETokenizer(json: Data(json.utf8))
        XCTAssertEqual(try tokenizer.encode("\u{AC00}").ids, [0])
        XCTAssertEqual(try tokenizer.encode("\u{1100}\u{1161}").ids, [3])
        XCTAssertEqual(try tokenizer.encode("\u{E9}").ids, [4])
        XCTAssertEqual(try tokenizer.encode("e\u{301}").ids, [7])
        XCTAssertEqual(tokenizer.token(for: 3).map { Array($0.unicodeScalars) }, ["\u{1100}", "\u{1161}"])
    }

    /// The byte-level vocab reader takes the first "vocab" object in the file; one that is
    /// not the model's is caught, not used.
    func testAnEarlierVocabObjectIsNotTakenForTheModels() {
        let json = #"{"normalizer": {"type": "NFC", "vocab": {"x": 0}}, "model": {"type": "BPE", "vocab": {"a": 0, "b": 1}, "merges": []}}"#
        XCTAssertThrowsError(try BPETokenizer(json: Data(json.utf8))) { error in
            XCTAssertTrue("\(error)".contains("model.vocab"), "\(error)")
        }
    }

    func testBadTokenizerFilesGiveTypedErrors() {
        XCTAssertThrowsError(try BPETokenizer(json: Data("[]".utf8))) { XCTAssertTrue($0 is TokenizerError) }
        let unknownModel = #"{"model": {"type": "Unigram", "vocab": []}}"#
        XCTAssertThrowsError(try BPETokenizer(json: Data(unknownModel.utf8))) { error in
            XCTAssertTrue("\(error)".contains("Unigram"), "\(error)")
        }
        let badMerge = #"{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": ["a b"]}}"#
        XCTAssertThrowsError(try BPETokenizer(json: Data(badMerge.utf8))) { error in
            XCTAssertTrue("\(error)".contains("merges[0]"), "\(error)")
        }
        let badPre = #"{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}, "pre_tokenizer": {"type": "Nope"}}"#
        XCTAssertThrowsError(try BPETokenizer(json: Data(badPre.utf8))) { error in
            XCTAssertTrue("\(error)".contains("Nope"), "\(error)")
        }
    }
}
