// Forward latency of the tiny NSMC model at the handler's 128 tokens. The bound is loose
// (debug build, shared 2-core machine); the printed number is what the report quotes.
import Foundation
import XCTest
@testable import Models

final class ELECTRALatencyTests: XCTestCase {
    func testTinyForwardLatencyAt128Tokens() throws {
        let classifier = try ELECTRAClassifier(directory: try offlineModelDirectory("nsmc"))
        let encoding = try classifier.tokenizer.encode("이 영화 정말 재미있어요", maxLength: 128, padToMaxLength: true)
        _ = try classifier.model.logits(inputIDs: [encoding.inputIDs], attentionMask: [encoding.attentionMask])
        let runs = 10
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<runs {
            _ = try classifier.model.logits(inputIDs: [encoding.inputIDs], attentionMask: [encoding.attentionMask])
        }
        let milliseconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6 / Double(runs)
        print("ELECTRA tiny forward, 1×128 tokens: \(String(format: "%.2f", milliseconds)) ms")
        XCTAssertLessThan(milliseconds, 2000)
    }
}
