// The full darknet yolov3.cfg (75 convolutions, 23 shortcuts, 3 heads) against OpenCV DNN
// (fixtures/goldens/yolov3-synthetic.json). Its COCO weights are 248 MB and not available
// offline, so both sides use formula weights (YOLOSyntheticWeights) of the same size and
// layout, written to a temporary file and checked against the Python script's by zlib's
// CRC-32 (the golden also has its sha256 and md5, but this package's Swift MD5 takes about
// 11 s over 248 MB in a debug build); the network runs at 128×128 to keep the test short. Outputs are within 1e-4
// (max abs; values stay below about 10) and the same class scores survive the 0.2 cut.
import Foundation
import Formats
import Inference
import Serving
import XCTest
@testable import Models

final class YOLOv3FullTests: XCTestCase {
    func testFullYOLOv3MatchesOpenCVWithFormulaWeights() throws {
        let golden = try YOLOGolden.load("yolov3-synthetic.json", as: YOLOGolden.Synthetic.self)
        let cfg = try Data(contentsOf: try TinyModels.fixture("models/yolov3/yolov3.cfg"))
        XCTAssertEqual(MD5.hexDigest(cfg), "b969a43a848bbf26901643b833cfb96c", "darknet's own yolov3.cfg")
        let text = String(decoding: cfg, as: UTF8.self).replacingOccurrences(
            of: "width=608\nheight=608\n", with: "width=\(golden.size)\nheight=\(golden.size)\n")
        let config = try DarknetConfig(text: text, file: "yolov3.cfg")

        var clock = Date()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("yolov3-synthetic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let weightsFile = folder.appendingPathComponent("yolov3.weights")
        try YOLOSyntheticWeights.file(for: config).write(to: weightsFile)
        let written = Date().timeIntervalSince(clock)
        clock = Date()
        let bytes = try Data(contentsOf: weightsFile, options: .alwaysMapped)
        XCTAssertEqual(bytes.count, golden.weights.bytes)
        XCTAssertEqual(CRC32.checksum(bytes), golden.weights.crc32,
                       "the formula weights differ from the Python script's (sha256 \(golden.weights.sha256))")
        let hashed = Date().timeIntervalSince(clock)
        clock = Date()
        let network = try YOLOv3(config: config, weights: try DarknetWeights(contentsOf: weightsFile))
        let loaded = Date().timeIntervalSince(clock)
        XCTAssertEqual(network.layers.count, 107)
        XCTAssertEqual(network.layers.filter { if case .convolutional = $0 { true } else { false } }.count, 75)
        XCTAssertEqual([network.inputWidth, network.inputHeight, network.classCount], [golden.size, golden.size, 80])

        clock = Date()
        let count = 3 * golden.size * golden.size
        let input = try Tensor(shape: [1, 3, golden.size, golden.size], storage: (0..<count).map { Float(($0 * 7919) % 1000) / 1000 })
        let outputs = try network.forward(input)
        let ran = Date().timeIntervalSince(clock)
        print(String(format: "yolov3 %d×%d: weights written %.2f s, CRC-32 %.2f s, loaded %.2f s, forward %.2f s",
                     golden.size, golden.size, written, hashed, loaded, ran))

        XCTAssertEqual(outputs.count, 3)
        var sliceDifference: Float = 0
        for (output, summary) in zip(outputs, golden.outputs) {
            sliceDifference = max(sliceDifference, maxSliceDifference(output, summary))
            XCTAssertEqual(Double(output.storage.reduce(0, +)), summary.sum, accuracy: 1e-2)
        }
        let rowDifference = maxRowDifference(outputs, golden.rows)
        print("yolov3 \(golden.size)×\(golden.size): max |Δ| over the slices = \(sliceDifference), over \(golden.rows.count) rows = \(rowDifference)")
        XCTAssertLessThanOrEqual(sliceDifference, 1e-4)
        XCTAssertLessThanOrEqual(rowDifference, 1e-4)
        // Class scores are zeroed unless above the [yolo] thresh; every one must agree.
        let kept = outputs.reduce(0) { total, output in
            total + (0..<output.count).filter { $0 % output.lastDimension >= 5 && output.storage[$0] > 0 }.count
        }
        XCTAssertEqual(kept, golden.class_scores_kept)
    }
}
