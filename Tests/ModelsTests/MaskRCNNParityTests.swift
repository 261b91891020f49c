// Mask R-CNN against torchvision 0.29 (fixtures/make_maskrcnn_goldens.py, which builds the
// reference from torchvision's own MaskRCNN classes and captures GeneralizedRCNN.forward's
// steps one by one). Tolerances:
// - the normalized, resized input: 1e-5 absolute (float32 rounding of one division and one
//   bilinear pass);
// - FPN features: 2e-5 × the level's largest magnitude (measured: 3e-6 at 8) (oneDNN's and PyTorch's convolutions
//   sum in different orders, folded batch norm);
// - proposals: the same count, boxes within 2e-3 px;
// - box head logits: 1e-3; detections: same labels in the same order, boxes within 2e-3 px,
//   scores within 1e-5 (measured: 6e-7);
// - masks: 28×28 probabilities within 1e-4, pasted masks within 1e-4 per pixel, and the
//   same count of pixels above 0.5 within 2.
import Foundation
import Formats
import Inference
import Media
import Serving
import XCTest
@testable import Models

struct MaskRCNNGolden: Decodable {
    /// The same summary the YOLO goldens write (shape, sums, a strided slice).
    typealias Summary = YOLOGolden.Summary
    struct Transform: Decodable {
        var resized_size_hw: [Int]
        var padded_batch_shape: [Int]
        var normalized_resized: Summary
    }
    struct RPN: Decodable {
        var proposal_count: Int
        var proposals: [[Float]]?
        var proposals_sum: Double
    }
    struct BoxHead: Decodable {
        var rows: Int
        var class_logits: [[Float]]
        var box_regression: [[Float]]
    }
    struct Detections: Decodable {
        var count: Int
        var boxes_resized: [[Float]]
        var boxes: [[Float]]
        var labels: [Int]
        var scores: [Float]
    }
    struct Masks: Decodable {
        var probabilities_28x28: [[Float]]
        var pasted_size_hw: [Int]
        var pasted_sums: [Double]
        var pasted_above_half_counts: [Int]
        var pasted: [[Float]]?
    }
    struct Input: Decodable {
        var path: String
        var height: Int
        var width: Int

        /// The golden's input image as [3, h, w] floats (to_tensor: ÷ 255).
        func planes() throws -> [Float] {
            let url = try TinyModels.fixture("..").appendingPathComponent(path)
            let image = try ImageDecoder.decode(try Data(contentsOf: url))
            XCTAssertEqual([image.height, image.width], [height, width])
            let plane = image.width * image.height
            var planes = [Float](repeating: 0, count: 3 * plane)
            for i in 0..<plane { for c in 0..<3 { planes[c * plane + i] = Float(image.pixels[i * 3 + c]) / 255 } }
            return planes
        }
    }
    var input: Input
    var transform: Transform
    var features: [String: Summary]
    var rpn: RPN
    var box_head: BoxHead
    var detections: Detections
    var masks: Masks

    static func load(_ name: String) throws -> MaskRCNNGolden {
        try JSONDecoder().decode(MaskRCNNGolden.self, from: Data(contentsOf: try TinyModels.fixture("goldens/\(name)")))
    }
}

/// Compares a tensor with a golden summary: shape, sums, and the strided slice.
func assertMatches(_ values: [Float], shape: [Int], _ summary: MaskRCNNGolden.Summary, tolerance: Float, _ what: String,
                   file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(shape, summary.shape, "\(what) shape", file: file, line: line)
    guard shape == summary.shape else { return }
    var worst: Float = 0
    for (k, expected) in summary.slice.enumerated() where k * summary.stride < values.count {
        worst = max(worst, abs(values[k * summary.stride] - expected))
    }
    XCTAssertLessThanOrEqual(worst, tolerance, "\(what): max abs diff over the slice", file: file, line: line)
    let sum = values.reduce(0.0) { $0 + Double($1) }
    XCTAssertEqual(sum, summary.sum, accuracy: Double(tolerance) * Double(values.count).squareRoot() * 4 + 1e-6,
                   "\(what) sum", file: file, line: line)
}

func box(_ values: [Float]) -> SIMD4<Float> { SIMD4(values[0], values[1], values[2], values[3]) }

/// The largest coordinate difference between two boxes.
func boxDistance(_ a: SIMD4<Float>, _ b: SIMD4<Float>) -> Float {
    let d = a - b
    return max(max(abs(d.x), abs(d.y)), max(abs(d.z), abs(d.w)))
}

final class MaskRCNNParityTests: XCTestCase {
    func testTinyModelMatchesTorchvisionStepByStep() throws {
        let golden = try MaskRCNNGolden.load("maskrcnn-tiny.json")
        let model = try MaskRCNN(directory: try TinyModels.fixture("models/maskrcnn-tiny"))
        let trace = try model.trace(try golden.input.planes(), height: golden.input.height, width: golden.input.width)

        XCTAssertEqual([trace.resized.height, trace.resized.width], golden.transform.resized_size_hw)
        XCTAssertEqual([1, 3, trace.padded.height, trace.padded.width], golden.transform.padded_batch_shape)
        var cropped: [Float] = []
        for c in 0..<3 {
            for y in 0..<trace.resized.height {
                let start = (c * trace.padded.height + y) * trace.padded.width
                cropped += trace.input.storage[start..<(start + trace.resized.width)]
            }
        }
        assertMatches(cropped, shape: [1, 3, trace.resized.height, trace.resized.width], golden.transform.normalized_resized,
                      tolerance: 1e-5, "normalized input")

        for (name, map) in zip(["0", "1", "2", "3", "pool"], trace.features) {
            let summary = try XCTUnwrap(golden.features[name])
            let scale = max(abs(summary.slice.max() ?? 1), abs(summary.slice.min() ?? 1))
            let tensor = map.tensor()
            assertMatches(tensor.storage, shape: tensor.shape, summary, tolerance: 2e-5 * scale, "FPN level \(name)")
        }

        XCTAssertEqual(trace.proposals.count, golden.rpn.proposal_count, "proposals")
        if let expected = golden.rpn.proposals {
            let worst = zip(trace.proposals, expected).map { boxDistance($0, box($1)) }.max() ?? 0
            XCTAssertLessThanOrEqual(worst, 2e-3, "proposal boxes, max abs diff")
        }

        let rows = golden.box_head.rows
        let (logits, deltas) = try model.boxHead.predict(Array(trace.features.prefix(4)), proposals: Array(trace.proposals.prefix(rows)),
                                                         imageSize: trace.resized)
        let classes = model.classCount
        for r in 0..<rows {
            let ours = Array(logits.storage[(r * classes)..<((r + 1) * classes)])
            XCTAssertLessThanOrEqual(zip(ours, golden.box_head.class_logits[r]).map { abs($0 - $1) }.max() ?? 0, 1e-3, "class logits row \(r)")
            let oursDeltas = Array(deltas.storage[(r * classes * 4)..<((r + 1) * classes * 4)])
            XCTAssertLessThanOrEqual(zip(oursDeltas, golden.box_head.box_regression[r]).map { abs($0 - $1) }.max() ?? 0, 1e-3,
                                     "box regression row \(r)")
        }

        try assertDetections(trace, golden)
    }

    private func assertDetections(_ trace: MaskRCNN.Trace, _ golden: MaskRCNNGolden) throws {
        let expected = golden.detections
        XCTAssertEqual(trace.detections.map(\.label), expected.labels, "labels in order")
        XCTAssertEqual(trace.detections.count, expected.count)
        for (n, detection) in trace.detections.enumerated() where n < expected.count {
            XCTAssertLessThanOrEqual(boxDistance(detection.box, box(expected.boxes[n])), 2e-3, "box \(n)")
            XCTAssertLessThanOrEqual(boxDistance(trace.boxes[n].box, box(expected.boxes_resized[n])), 2e-3, "resized box \(n)")
            XCTAssertEqual(detection.score, expected.scores[n], accuracy: 1e-5, "score \(n)")
            XCTAssertEqual(detection.mask.count, golden.masks.pasted_size_hw[0] * golden.masks.pasted_size_hw[1])
            let sum = detection.mask.reduce(0.0) { $0 + Double($1) }
            XCTAssertEqual(sum, golden.masks.pasted_sums[n], accuracy: max(1e-3 * golden.masks.pasted_sums[n], 0.05), "pasted mask sum \(n)")
            XCTAssertEqual(Double(detection.mask.filter { $0 > 0.5 }.count), Double(golden.masks.pasted_above_half_counts[n]), accuracy: 2,
                           "pixels above 0.5 in mask \(n)")
        }
        let side = 28 * 28
        for (n, probabilities) in golden.masks.probabilities_28x28.enumerated() where n < trace.boxes.count {
            let ours = trace.maskProbabilities[(n * side)..<((n + 1) * side)]
            XCTAssertLessThanOrEqual(zip(ours, probabilities).map { abs($0 - $1) }.max() ?? 0, 1e-4, "28×28 mask \(n)")
        }
        for (n, pasted) in (golden.masks.pasted ?? []).enumerated() where n < trace.detections.count {
            XCTAssertLessThanOrEqual(zip(trace.detections[n].mask, pasted).map { abs($0 - $1) }.max() ?? 0, 1e-4, "pasted mask \(n)")
        }
    }
}

final class MaskRCNNLoadingTests: XCTestCase {
    /// torchvision's COCO checkpoint is a legacy (pre-1.6) torch.save stream: the same
    /// state_dict written that way must load to the same tensors as the zip file.
    func testLegacyAndZipCheckpointsLoadAlike() throws {
        let folder = try TinyModels.fixture("models/maskrcnn-tiny")
        let zip = try Checkpoint.read(contentsOf: folder.appendingPathComponent("model.pth"))
        let legacy = try Checkpoint.read(contentsOf: folder.appendingPathComponent("model-legacy.pth"))
        XCTAssertEqual(Set(zip.keys), Set(legacy.keys))
        XCTAssertEqual(zip.count, 142)
        for (key, tensor) in zip { XCTAssertEqual(legacy[key], tensor, key) }
    }

    /// Keys from before torchvision 0.13 (the COCO checkpoint's) are renamed as torchvision's
    /// load hooks rename them, so that checkpoint builds the same model.
    func testPreTorchvision013KeysAreRenamed() throws {
        let cases = [("backbone.fpn.inner_blocks.2.weight", "backbone.fpn.inner_blocks.2.0.weight"),
                     ("backbone.fpn.layer_blocks.0.bias", "backbone.fpn.layer_blocks.0.0.bias"),
                     ("rpn.head.conv.weight", "rpn.head.conv.0.0.weight"),
                     ("roi_heads.mask_head.mask_fcn1.weight", "roi_heads.mask_head.0.0.weight"),
                     ("roi_heads.mask_head.mask_fcn4.bias", "roi_heads.mask_head.3.0.bias"),
                     ("backbone.fpn.inner_blocks.2.0.weight", "backbone.fpn.inner_blocks.2.0.weight"),
                     ("backbone.body.layer1.0.conv1.weight", "backbone.body.layer1.0.conv1.weight")]
        for (old, new) in cases { XCTAssertEqual(MaskRCNNWeights.newName(old), new, old) }
        let folder = try TinyModels.fixture("models/maskrcnn-tiny")
        var tensors = try Checkpoint.read(contentsOf: folder.appendingPathComponent("model.pth"))
        // Write the state_dict back under the old names, then load it.
        var old: [String: Tensor] = [:]
        for (key, tensor) in tensors {
            var name = key.replacingOccurrences(of: "rpn.head.conv.0.0.", with: "rpn.head.conv.")
            name = name.replacingOccurrences(of: #"fpn\.(inner|layer)_blocks\.(\d)\.0\."#, with: "fpn.$1_blocks.$2.",
                                             options: .regularExpression)
            for n in 0..<4 { name = name.replacingOccurrences(of: "mask_head.\(n).0.", with: "mask_head.mask_fcn\(n + 1).") }
            old[name] = tensor
        }
        XCTAssertNotNil(old["roi_heads.mask_head.mask_fcn4.weight"])
        XCTAssertNotNil(old["backbone.fpn.inner_blocks.3.weight"])
        tensors = old
        let config = try MaskRCNNConfig(contentsOf: folder.appendingPathComponent("config.json"))
        XCTAssertNoThrow(try MaskRCNN(weights: tensors, config: config, checkpointName: "renamed"))
    }

    /// Wrong or missing weights and configs fail with the key or setting named.
    func testBadWeightsAndConfigsAreNamed() throws {
        let folder = try TinyModels.fixture("models/maskrcnn-tiny")
        let config = try MaskRCNNConfig(contentsOf: folder.appendingPathComponent("config.json"))
        var tensors = try Checkpoint.read(contentsOf: folder.appendingPathComponent("model.pth"))
        tensors["roi_heads.box_head.fc7.bias"] = nil
        XCTAssertThrowsError(try MaskRCNN(weights: tensors, config: config, checkpointName: "m.pth")) { error in
            XCTAssertTrue("\(error)".contains("roi_heads.box_head.fc7.bias"), "\(error)")
        }
        tensors = try Checkpoint.read(contentsOf: folder.appendingPathComponent("model.pth"))
        tensors["backbone.body.bn1.running_var"] = try Tensor(shape: [16], storage: [Float](repeating: 0, count: 16))
        var zeroEps = config
        zeroEps.frozenBatchNormEps = 0
        XCTAssertThrowsError(try MaskRCNN(weights: tensors, config: zeroEps, checkpointName: "m.pth")) { error in
            XCTAssertTrue("\(error)".contains("backbone.body.bn1.running_var"), "\(error)")
        }
        for (json, key) in [(#"{"min_size": -1}"#, "min_size"), (#"{"aspect_ratios": []}"#, "aspect_ratios"),
                            (#"{"architecture": "fasterrcnn"}"#, "architecture"), (#"{"image_std": [1, 0, 1]}"#, "image_std"),
                            (#"{"anchor_sizes": [32, 64]}"#, "anchor_sizes"), ("[1]", "JSON object")] {
            XCTAssertThrowsError(try MaskRCNNConfig(json: Data(json.utf8))) { error in
                XCTAssertTrue("\(error)".contains(key), "\(json): \(error)")
            }
        }
    }
}

final class TorchvisionWeightsTests: XCTestCase {
    /// The download is checked against the hash prefix in the file name, as torch.hub's
    /// check_hash does; a wrong file is refused and leaves nothing in the cache.
    func testDownloadIsCheckedAgainstTheHashPrefix() throws {
        let source = try TinyModels.fixture("models/maskrcnn-tiny/model.pth")
        let prefix = String(Digest.sha256Hex(try Data(contentsOf: source)).prefix(8))
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("labbook-tv-\(UUID())")
        defer { try? FileManager.default.removeItem(at: cache) }
        let good = TorchvisionWeights.Checkpoint(reference: "torchvision://tiny", url: source, sha256Prefix: prefix)
        let folder = try TorchvisionWeights.modelDirectory(good, cache: cache)
        XCTAssertNoThrow(try Checkpoint.read(contentsOf: folder.appendingPathComponent("model.pth")))
        XCTAssertEqual(try TorchvisionWeights.modelDirectory(good, cache: cache).standardizedFileURL.path, folder.standardizedFileURL.path,
                       "the second call is the cache")
        let bad = TorchvisionWeights.Checkpoint(reference: "torchvision://bad", url: source.deletingLastPathComponent()
            .appendingPathComponent("model-legacy.pth"), sha256Prefix: prefix)
        XCTAssertThrowsError(try TorchvisionWeights.modelDirectory(bad, cache: cache)) { error in
            XCTAssertTrue("\(error)".contains("invalid hash value"), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: cache.appendingPathComponent("model-legacy/model-legacy.pth").path))
    }
}
