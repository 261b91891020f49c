// The project's demo Mask R-CNN (fixtures/models/maskrcnn-demo, trained by
// fixtures/train_maskrcnn_demo.py) against torchvision 0.29 running the same checkpoint on
// bikes.mp4's frames 0 and 30 prepared as the handler prepares them (the golden
// fixtures/goldens/maskrcnn-demo-bikes.json, written by that script). It is an ordinary
// torchvision checkpoint, so it is held to the tiny model's parity: the same detections
// (matched by label and box within 1e-2 px), scores within 1e-4, pasted-mask sums within 0.2 %.
import Foundation
import Media
import Serving
import XCTest
@testable import Models

final class MaskRCNNDemoModelTests: XCTestCase {
    private struct Golden: Decodable {
        struct Case: Decodable {
            var frame: Int
            var input_sum: Int
            var boxes: [[Float]]
            var labels: [Int]
            var scores: [Float]
            var mask_sums: [Double]
        }
        var model_sha256: String
        var cases: [Case]
    }

    func testDemoModelMatchesTorchvisionOnTheSampleVideo() throws {
        let golden = try JSONDecoder().decode(Golden.self, from: Data(contentsOf: TinyModels.fixture("goldens/maskrcnn-demo-bikes.json")))
        let folder = try TinyModels.fixture("models/maskrcnn-demo")
        XCTAssertEqual(Digest.sha256Hex(try Data(contentsOf: folder.appendingPathComponent("model.pth"))), golden.model_sha256,
                       "the golden was written for another checkpoint: rerun fixtures/train_maskrcnn_demo.py's golden step")
        let model = try MaskRCNN(directory: folder)
        let reader = try VideoReader(path: try DarknetAssets.video("bikes.mp4").path)
        let selection = try FrameSelection(every: 1, width: 256, height: 256)
        var index = 0
        for test in golden.cases.sorted(by: { $0.frame < $1.frame }) {
            var frame: VideoFrame?
            while index <= test.frame { frame = try reader.nextFrame(selection); index += 1 }
            let image = try XCTUnwrap(frame?.image)
            XCTAssertEqual(image.pixels.reduce(0) { $0 + Int($1) }, test.input_sum, "frame \(test.frame) as the handler sees it")
            let detections = try model.detect(rgb: image.pixels, height: image.height, width: image.width)
            XCTAssertEqual(detections.count, test.labels.count, "frame \(test.frame) detections")
            // Matched by label and box, not position: two of frame 30's scores differ by 1.6e-5,
            // less than the score tolerance, so their order is not part of the contract.
            var unmatched = Array(detections.indices)
            for n in test.labels.indices {
                guard let k = unmatched.firstIndex(where: { detections[$0].label == test.labels[n]
                    && boxDistance(detections[$0].box, box(test.boxes[n])) <= 1e-2 }) else {
                    XCTFail("frame \(test.frame): no detection of class \(test.labels[n]) at \(test.boxes[n])"); continue
                }
                let detection = detections[unmatched.remove(at: k)]
                XCTAssertEqual(detection.score, test.scores[n], accuracy: 1e-4, "frame \(test.frame) score \(n)")
                let sum = detection.mask.reduce(0.0) { $0 + Double($1) }
                XCTAssertEqual(sum, test.mask_sums[n], accuracy: max(2e-3 * test.mask_sums[n], 0.05), "frame \(test.frame) mask \(n)")
            }
        }
    }
}
