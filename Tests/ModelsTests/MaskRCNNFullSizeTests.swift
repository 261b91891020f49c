// The full R50-FPN `maskrcnn_resnet50_fpn` against torchvision 0.29 at the seed's frame size
// (256×256, resized to 800×800), with formula weights: `full_weights` / `full_rule` of
// fixtures/make_maskrcnn_goldens.py recomputed bit for bit here (each tensor's sum is
// checked against the golden's), so the 170 MB state_dict is never stored. Tolerances:
// FPN features 1e-4 × the level's largest magnitude, the first 32 proposals within 5e-3 px,
// the same 19 detections (labels in order, boxes within 5e-3 px, scores within 1e-4), pasted
// mask sums within 0.1 % and their pixels above 0.5 within 2.
import Foundation
import Inference
import XCTest
@testable import Models

final class MaskRCNNFullSizeTests: XCTestCase {
    private struct Golden: Decodable {
        struct Tensor: Decodable { var shape: [Int]; var sum: Double }
        struct Weights: Decodable { var floats: Int; var tensors: [String: Tensor] }
        struct RPN: Decodable { var proposal_count: Int; var proposals_first_32: [[Float]] }
        struct Masks: Decodable { var pasted_sums: [Double]; var pasted_above_half_counts: [Int]; var probabilities_28x28: [[Float]] }
        var weights: Weights
        var input: MaskRCNNGolden.Input
        var transform: MaskRCNNGolden.Transform
        var features: [String: MaskRCNNGolden.Summary]
        var rpn: RPN
        var detections: MaskRCNNGolden.Detections
        var masks: Masks
    }

    /// torchvision's state_dict order for ResNet-50 (3, 4, 6, 3 blocks) with FPN and the heads.
    static func stateDictKeys() -> [String] {
        var keys: [String] = []
        func add(_ prefix: String, _ names: [String]) { keys += names.map { "\(prefix).\($0)" } }
        let norm = ["weight", "bias", "running_mean", "running_var"], linear = ["weight", "bias"]
        add("backbone.body.conv1", ["weight"]); add("backbone.body.bn1", norm)
        for (stage, blocks) in [(1, 3), (2, 4), (3, 6), (4, 3)] {
            for block in 0..<blocks {
                let p = "backbone.body.layer\(stage).\(block)"
                for i in 1...3 { add("\(p).conv\(i)", ["weight"]); add("\(p).bn\(i)", norm) }
                if block == 0 { add("\(p).downsample.0", ["weight"]); add("\(p).downsample.1", norm) }
            }
        }
        for kind in ["inner_blocks", "layer_blocks"] { for k in 0..<4 { add("backbone.fpn.\(kind).\(k).0", linear) } }
        for name in ["conv.0.0", "cls_logits", "bbox_pred"] { add("rpn.head.\(name)", linear) }
        for name in ["box_head.fc6", "box_head.fc7", "box_predictor.cls_score", "box_predictor.bbox_pred"] { add("roi_heads.\(name)", linear) }
        for k in 0..<4 { add("roi_heads.mask_head.\(k).0", linear) }
        for name in ["conv5_mask", "mask_fcn_logits"] { add("roi_heads.mask_predictor.\(name)", linear) }
        return keys
    }

    /// `full_rule`: (gain per row, offset per row) for one tensor.
    static func rule(_ key: String, rows: Int, rank: Int) -> (gain: (Int) -> Double, offset: (Int) -> Float) {
        let boosted: Set = [3, 18, 50]
        func constant(_ gain: Double, _ offset: Float) -> ((Int) -> Double, (Int) -> Float) { ({ _ in gain }, { _ in offset }) }
        if key.hasSuffix("running_var") { return constant(0.25, 1) }
        if key.hasSuffix("running_mean") { return constant(0.25, 0) }
        if key.hasPrefix("backbone.body."), rank == 1 {
            if key.hasSuffix(".bias") { return constant(0.25, 0) }
            if key.hasSuffix(".bn3.weight") { return constant(0.125, 0.25) }
            if key.hasSuffix(".downsample.1.weight") { return constant(0.25, 1) }
            return constant(0.5, 1.375)
        }
        if key == "rpn.head.cls_logits.weight" { return constant(2, 0) }
        if key == "rpn.head.bbox_pred.weight" || key == "roi_heads.box_predictor.bbox_pred.weight" { return constant(0.25, 0) }
        if key == "roi_heads.box_predictor.cls_score.weight" { return ({ boosted.contains($0) ? 8 : 0.5 }, { _ in 0 }) }
        if key == "roi_heads.box_predictor.cls_score.bias" {
            return ({ _ in 0.25 }, { $0 == 0 ? 6 : (boosted.contains($0) ? 0 : -8) })
        }
        if key.hasPrefix("roi_heads.mask_head."), key.hasSuffix(".weight") { return constant(2, 0) }
        if key == "roi_heads.mask_predictor.mask_fcn_logits.weight" { return constant(4, 0) }
        return rank == 1 ? constant(0.0625, 0) : constant(1, 0)
    }

    private func formulaWeights(_ golden: Golden.Weights) throws -> [String: Inference.Tensor] {
        var index = 0, tensors: [String: Inference.Tensor] = [:]
        let keys = Self.stateDictKeys()
        XCTAssertEqual(Set(keys), Set(golden.tensors.keys), "state_dict keys")
        for key in keys {
            let shape = try XCTUnwrap(golden.tensors[key]).shape
            let count = shape.reduce(1, *), rows = shape[0], perRow = count / rows
            let (gain, offset) = Self.rule(key, rows: rows, rank: shape.count)
            var values = [Float](repeating: 0, count: count)
            for row in 0..<rows {
                let scale = shape.count > 1 ? Float(gain(row) * (12.0 / Double(perRow)).squareRoot()) : Float(gain(row))
                let shift = offset(row)
                for k in 0..<perRow {
                    values[row * perRow + k] = YOLOSyntheticWeights.uniform(index + row * perRow + k) * scale + shift
                }
            }
            index += count
            let sum = values.reduce(0.0) { $0 + Double($1) }
            XCTAssertEqual(sum, golden.tensors[key]?.sum ?? .nan, accuracy: 1e-9 * max(1, abs(sum)) + 1e-6, "\(key) sum")
            tensors[key] = try Inference.Tensor(shape: shape, storage: values)
        }
        XCTAssertEqual(index, golden.floats)
        return tensors
    }

    func testResNet50FPNMatchesTorchvisionOnASeedSizedFrame() throws {
        let url = try TinyModels.fixture("goldens/maskrcnn-full.json")
        let golden = try JSONDecoder().decode(Golden.self, from: Data(contentsOf: url))
        let weights = try formulaWeights(golden.weights)
        let model = try MaskRCNN(weights: weights, config: MaskRCNNConfig(), checkpointName: "formula weights")
        let trace = try model.trace(try golden.input.planes(), height: golden.input.height, width: golden.input.width)

        XCTAssertEqual([trace.resized.height, trace.resized.width], golden.transform.resized_size_hw)
        for (name, map) in zip(["0", "1", "2", "3", "pool"], trace.features) {
            let summary = try XCTUnwrap(golden.features[name])
            let scale = max(abs(summary.slice.max() ?? 1), abs(summary.slice.min() ?? 1))
            let tensor = map.tensor()
            assertMatches(tensor.storage, shape: tensor.shape, summary, tolerance: 1e-4 * scale, "FPN level \(name)")
        }
        XCTAssertEqual(trace.proposals.count, golden.rpn.proposal_count)
        let worst = zip(trace.proposals, golden.rpn.proposals_first_32).map { boxDistance($0, box($1)) }.max() ?? .infinity
        XCTAssertLessThanOrEqual(worst, 5e-3, "first 32 proposals")

        let expected = golden.detections
        XCTAssertEqual(trace.detections.map(\.label), expected.labels)
        for (n, detection) in trace.detections.enumerated() where n < expected.count {
            XCTAssertLessThanOrEqual(boxDistance(detection.box, box(expected.boxes[n])), 5e-3, "box \(n)")
            XCTAssertEqual(detection.score, expected.scores[n], accuracy: 1e-4, "score \(n)")
            let sum = detection.mask.reduce(0.0) { $0 + Double($1) }
            XCTAssertEqual(sum, golden.masks.pasted_sums[n], accuracy: max(1e-3 * golden.masks.pasted_sums[n], 0.05), "mask \(n) sum")
            XCTAssertEqual(Double(detection.mask.filter { $0 > 0.5 }.count), Double(golden.masks.pasted_above_half_counts[n]),
                           accuracy: 2, "mask \(n) pixels above 0.5")
        }
    }
}
