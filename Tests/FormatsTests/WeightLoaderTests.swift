import XCTest
import Inference
@testable import Formats

final class WeightLoaderTests: XCTestCase {
    private func loader() throws -> WeightLoader {
        WeightLoader(tensors: [
            "encoder.layer.3.attention.self.query.weight": try Tensor(shape: [2, 2], storage: [1, 2, 3, 4]),
            "encoder.layer.3.attention.self.query.bias": Tensor(zeros: [2]),
            "embeddings.position_ids": Tensor(zeros: [1, 4]),
            "pooler.dense.weight": Tensor(zeros: [2, 2]),
        ])
    }

    func testDottedPrefixesReachTheTensor() throws {
        let vb = try loader()
        let query = vb.pp("encoder").pp("layer.3").pp("attention").pp("self").pp("query")
        XCTAssertEqual(try query.get([2, 2], "weight").storage, [1, 2, 3, 4])
        XCTAssertEqual(query.fullName("bias"), "encoder.layer.3.attention.self.query.bias")
    }

    func testWrongShapeNamesTheKeyAndBothShapes() throws {
        let vb = try loader().pp("encoder").pp("layer.3").pp("attention").pp("self").pp("query")
        XCTAssertThrowsError(try vb.get([256, 256], "weight")) {
            XCTAssertEqual("\($0)", "encoder.layer.3.attention.self.query.weight: expected [256, 256], found [2, 2]")
        }
    }

    func testMissingAndUnexpectedKeysAreReportedLikeTransformers() throws {
        let vb = try loader()
        _ = try vb.pp("encoder.layer.3.attention.self.query").get([2, 2], "weight")
        _ = try vb.pp("encoder.layer.3.attention.self.query").get([2], "bias")
        _ = try vb.get([2], "classifier.bias")
        XCTAssertEqual(vb.missingKeys, ["classifier.bias"])
        XCTAssertThrowsError(try vb.checkComplete(model: "M", checkpoint: "c.pth")) {
            XCTAssertEqual("\($0)", "c.pth: Some weights of M were not initialized from the model checkpoint at c.pth: [\"classifier.bias\"]")
        }
        XCTAssertEqual(vb.unexpectedKeys(ignoring: ["position_ids"]), ["pooler.dense.weight"])
        XCTAssertEqual(vb.unexpectedKeysWarning(model: "M", checkpoint: "c.pth", ignoring: ["position_ids"]),
                       "Some weights of the model checkpoint at c.pth were not used when initializing M: [\"pooler.dense.weight\"]")
    }
}
