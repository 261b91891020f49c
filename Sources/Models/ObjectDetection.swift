// Detections as the lab's handler makes them from YOLO outputs, and cv2.dnn.NMSBoxes.
import Foundation

public struct ObjectDetection: Sendable, Equatable {
    public var classID: Int
    public var label: String
    /// The best class score (objectness × class probability, as OpenCV outputs it).
    public var score: Float
    /// Left, top, width, height in source-image pixels, truncated to integers as the
    /// handler's `astype("int")` and `int(...)` do.
    public var x: Int, y: Int, width: Int, height: Int

    public init(classID: Int, label: String, score: Float, x: Int, y: Int, width: Int, height: Int) {
        self.classID = classID
        self.label = label
        self.score = score
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }
}

/// cv2.dnn.NMSBoxes(boxes, scores, scoreThreshold, nmsThreshold) over integer boxes
/// (x, y, w, h): candidates with score > scoreThreshold in descending score order (stable,
/// so ties keep input order); a candidate is kept when its IoU with every kept box is
/// ≤ nmsThreshold. Returns the kept indices in that order.
public func nonMaximumSuppression(boxes: [(x: Int, y: Int, width: Int, height: Int)], scores: [Float],
                                  scoreThreshold: Float, nmsThreshold: Float) -> [Int] {
    let candidates = scores.indices.filter { $0 < boxes.count && scores[$0] > scoreThreshold }
        .enumerated().sorted { a, b in
            scores[a.element] != scores[b.element] ? scores[a.element] > scores[b.element] : a.offset < b.offset
        }.map(\.element)
    var kept: [Int] = []
    for index in candidates where kept.allSatisfy({ intersectionOverUnion(boxes[index], boxes[$0]) <= Double(nmsThreshold) }) {
        kept.append(index)
    }
    return kept
}

/// OpenCV's `1 - jaccardDistance(a, b)` for integer rectangles (area = w·h, no +1).
public func intersectionOverUnion(_ a: (x: Int, y: Int, width: Int, height: Int),
                                  _ b: (x: Int, y: Int, width: Int, height: Int)) -> Double {
    let areaA = Double(a.width) * Double(a.height), areaB = Double(b.width) * Double(b.height)
    guard areaA + areaB > 0 else { return 1 }
    let width = min(a.x + a.width, b.x + b.width) - max(a.x, b.x)
    let height = min(a.y + a.height, b.y + b.height) - max(a.y, b.y)
    let intersection = width > 0 && height > 0 ? Double(width) * Double(height) : 0
    return intersection / (areaA + areaB - intersection)
}
