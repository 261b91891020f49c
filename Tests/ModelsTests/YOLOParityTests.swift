// YOLOv3 against OpenCV DNN (fixtures/make_yolo_goldens.py): raw outputs within 1e-4
// (max abs), detections with the same classes, IoU ≥ 0.99 and scores within 1e-3.
import Foundation
import Formats
import Inference
import Media
import XCTest
@testable import Models

final class YOLOParityTests: XCTestCase {
    /// The random-weight yolo-mini network, which uses every layer type of yolov3.cfg.
    func testMiniNetworkMatchesOpenCV() throws {
        let folder = try TinyModels.fixture("models/yolo-mini")
        let detector = try YOLODetector(directory: folder)
        let golden = try YOLOGolden.load("yolo-mini.json", as: YOLOGolden.Mini.self)
        let count = 3 * 64 * 64
        let input = try Tensor(shape: [1, 3, 64, 64], storage: (0..<count).map { Float(($0 * 7919) % 1000) / 1000 })
        let outputs = try detector.network.forward(input)
        XCTAssertEqual(outputs.count, 3)
        for (output, summary) in zip(outputs, golden.outputs) {
            XCTAssertLessThanOrEqual(maxSliceDifference(output, summary), 1e-4)
            XCTAssertEqual(Double(output.storage.reduce(0, +)), summary.sum, accuracy: 1e-2)
        }
        XCTAssertFalse(golden.rows.isEmpty)
        let rowDifference = maxRowDifference(outputs, golden.rows)
        print("yolo-mini: max |Δ| over \(golden.rows.count) rows = \(rowDifference)")
        XCTAssertLessThanOrEqual(rowDifference, 1e-4)
        let mapping = BoxMapping(scaleX: 100, scaleY: 80, letterbox: nil)
        let found = detector.detections(from: outputs, mapping: mapping, scoreThreshold: 0.45, nmsThreshold: 0.3)
        XCTAssertFalse(found.isEmpty)
        assertDetectionsMatch(found, golden.detections_stretch_100x80, what: "yolo-mini")
    }

    /// YOLOv3-tiny with the real COCO weights (fetched with pip on first use) on
    /// motorcycle_left.png, letterboxed as lab 4 does: one image keeps the debug run short.
    func testTinyMatchesOpenCVOnAPhoto() throws {
        let detector = try YOLODetector(directory: try DarknetAssets.yoloV3TinyDirectory())
        let golden = try YOLOGolden.load("yolov3-tiny.json", as: YOLOGolden.Tiny.self)
        for goldenCase in golden.cases where goldenCase.photo == "motorcycle_left.png" {
            let mode = try XCTUnwrap(YOLOPreprocessing(rawValue: goldenCase.preprocessing))
            let image = try ImageDecoder.decode(Data(contentsOf: try DarknetAssets.photo(goldenCase.photo)))
            let (input, mapping) = try detector.input(for: image, preprocessing: mode)
            let what = "\(goldenCase.photo) \(mode)"
            XCTAssertLessThanOrEqual(maxSliceDifference(input, goldenCase.input), 1e-6, what)
            let outputs = try detector.network.forward(input)
            for (output, summary) in zip(outputs, goldenCase.outputs) {
                XCTAssertLessThanOrEqual(maxSliceDifference(output, summary), 1e-4, what)
            }
            let rowDifference = maxRowDifference(outputs, goldenCase.rows)
            print("\(what): max |Δ| over \(goldenCase.rows.count) rows = \(rowDifference)")
            XCTAssertLessThanOrEqual(rowDifference, 1e-4, what)
            let found = detector.detections(from: outputs, mapping: mapping, scoreThreshold: golden.score_threshold,
                                            nmsThreshold: golden.nms_threshold)
            assertDetectionsMatch(found, goldenCase.detections, what: what)
            print("\(what): \(found.map { "\($0.label) \($0.score)" })")
        }
    }
}
