// Decoding of fixtures/goldens/yolo*.json (written by fixtures/make_yolo_goldens.py from
// OpenCV DNN) and the comparisons the YOLO parity tests make.
import Foundation
import Inference
import XCTest
@testable import Models

struct YOLOGolden: Decodable {
    struct Summary: Decodable {
        var shape: [Int]
        var sum: Double
        var abs_sum: Double
        var stride: Int
        var slice: [Float]
    }
    struct Row: Decodable {
        var output: Int
        var row: Int
        var values: [Float]
    }
    struct Detection: Decodable {
        var label: String
        var class_id: Int
        var score: Float
        var box: [Int]
    }
    struct Case: Decodable {
        var photo: String
        var preprocessing: String
        var input: Summary
        var outputs: [Summary]
        var rows: [Row]
        var detections: [Detection]
    }
    struct Mini: Decodable {
        var outputs: [Summary]
        var rows: [Row]
        var detections_stretch_100x80: [Detection]
    }
    struct Tiny: Decodable {
        var score_threshold: Float
        var nms_threshold: Float
        var cases: [Case]
    }
    /// The full yolov3.cfg with formula weights (fixtures/goldens/yolov3-synthetic.json).
    struct Synthetic: Decodable {
        struct Weights: Decodable {
            var bytes: Int
            var sha256: String
            var md5: String
            var crc32: UInt32
        }
        var size: Int
        var weights: Weights
        var class_scores_kept: Int
        var outputs: [Summary]
        var rows: [Row]
    }

    static func load<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(contentsOf: try TinyModels.fixture("goldens/\(name)")))
    }
}

/// Largest |actual − expected| over a summary's strided slice, after checking the shape.
func maxSliceDifference(_ tensor: Tensor, _ summary: YOLOGolden.Summary, file: StaticString = #filePath, line: UInt = #line) -> Float {
    XCTAssertEqual(tensor.shape, summary.shape, file: file, line: line)
    var worst: Float = 0
    for (k, expected) in summary.slice.enumerated() where k * summary.stride < tensor.count {
        worst = max(worst, abs(tensor.storage[k * summary.stride] - expected))
    }
    return worst
}

func maxRowDifference(_ outputs: [Tensor], _ rows: [YOLOGolden.Row]) -> Float {
    var worst: Float = 0
    for row in rows {
        let tensor = outputs[row.output], width = tensor.lastDimension
        for (c, expected) in row.values.enumerated() {
            worst = max(worst, abs(tensor.storage[row.row * width + c] - expected))
        }
    }
    return worst
}

/// Same classes in the same order, IoU ≥ 0.99 and scores within 1e-3.
func assertDetectionsMatch(_ actual: [ObjectDetection], _ expected: [YOLOGolden.Detection], what: String,
                           file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.map(\.classID), expected.map(\.class_id), "\(what): classes", file: file, line: line)
    for (a, e) in zip(actual, expected) {
        let iou = intersectionOverUnion((a.x, a.y, a.width, a.height), (e.box[0], e.box[1], e.box[2], e.box[3]))
        XCTAssertGreaterThanOrEqual(iou, 0.99, "\(what): \(a.label) box \([a.x, a.y, a.width, a.height]) vs \(e.box)", file: file, line: line)
        XCTAssertEqual(a.score, e.score, accuracy: 1e-3, "\(what): \(a.label) score", file: file, line: line)
        XCTAssertEqual(a.label, e.label, file: file, line: line)
    }
}
