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
    /// motorcycle_left.png, stretched as the lab's handler does and letterboxed as darknet does.
    func testTinyMatchesOpenCVOnAPhoto() throws {
        let found = try checkTinyAgainstOpenCV(photo: "motorcycle_left.png")
        XCTAssertEqual(found[.letterbox]?.map(\.label), ["motorbike"])
    }

    /// camera.png is an 8-bit greyscale PNG: the decoder must replicate grey into R, G and B
    /// as cv2.imread(IMREAD_COLOR) does, or the network sees a different image.
    func testTinyMatchesOpenCVOnAGreyPhoto() throws {
        let image = try ImageDecoder.decode(Data(contentsOf: try DarknetAssets.photo("camera.png")))
        let pixels = image.pixels
        let coloured = stride(from: 0, to: pixels.count, by: 3).filter { (i: Int) -> Bool in
            pixels[i] != pixels[i + 1] || pixels[i] != pixels[i + 2]
        }
        XCTAssertEqual(coloured.count, 0, "camera.png should decode to grey RGB")
        let found = try checkTinyAgainstOpenCV(photo: "camera.png")
        XCTAssertEqual(found[.letterbox]?.first?.label, "person")
    }

    /// The remaining golden photos (about 0.7 s each, both preprocessings, in a debug build).
    func testTinyMatchesOpenCVOnMorePhotos() throws {
        let golden = try YOLOGolden.load("yolov3-tiny.json", as: YOLOGolden.Tiny.self)
        XCTAssertEqual(Set(golden.cases.map(\.photo)), ["motorcycle_left.png", "camera.png", "motorcycle_right.png", "coffee.png"],
                       "every golden photo is checked by one of these tests")
        XCTAssertEqual(try checkTinyAgainstOpenCV(photo: "motorcycle_right.png")[.letterbox]?.map(\.label), ["motorbike"])
        XCTAssertEqual(try checkTinyAgainstOpenCV(photo: "coffee.png")[.letterbox]?.map(\.label), ["cup"])
    }

    /// Compares input, raw outputs and detections with every golden case of `photo` (one per
    /// preprocessing) and returns the detections.
    private func checkTinyAgainstOpenCV(photo: String, file: StaticString = #filePath,
                                        line: UInt = #line) throws -> [YOLOPreprocessing: [ObjectDetection]] {
        let detector = try YOLODetector(directory: try DarknetAssets.yoloV3TinyDirectory())
        let golden = try YOLOGolden.load("yolov3-tiny.json", as: YOLOGolden.Tiny.self)
        let cases = golden.cases.filter { $0.photo == photo }
        XCTAssertEqual(cases.map(\.preprocessing).sorted(), ["letterbox", "stretch"], "golden cases of \(photo)", file: file, line: line)
        let image = try ImageDecoder.decode(Data(contentsOf: try DarknetAssets.photo(photo)))
        var found: [YOLOPreprocessing: [ObjectDetection]] = [:]
        for goldenCase in cases {
            let mode = try XCTUnwrap(YOLOPreprocessing(rawValue: goldenCase.preprocessing))
            let (input, mapping) = try detector.input(for: image, preprocessing: mode)
            let what = "\(photo) \(mode)"
            XCTAssertLessThanOrEqual(maxSliceDifference(input, goldenCase.input), 1e-6, what, file: file, line: line)
            let outputs = try detector.network.forward(input)
            XCTAssertEqual(outputs.count, goldenCase.outputs.count, what, file: file, line: line)
            var sliceDifference: Float = 0
            for (output, summary) in zip(outputs, goldenCase.outputs) {
                sliceDifference = max(sliceDifference, maxSliceDifference(output, summary, file: file, line: line))
            }
            XCTAssertLessThanOrEqual(sliceDifference, 1e-4, what, file: file, line: line)
            let rowDifference = maxRowDifference(outputs, goldenCase.rows)
            print("\(what): max |Δ| over the slices = \(sliceDifference), over \(goldenCase.rows.count) rows = \(rowDifference)")
            XCTAssertLessThanOrEqual(rowDifference, 1e-4, what, file: file, line: line)
            found[mode] = detector.detections(from: outputs, mapping: mapping, scoreThreshold: golden.score_threshold,
                                              nmsThreshold: golden.nms_threshold)
            assertDetectionsMatch(found[mode] ?? [], goldenCase.detections, what: what, file: file, line: line)
            print("\(what): \((found[mode] ?? []).map { "\($0.label) \($0.score)" })")
        }
        return found
    }
}
