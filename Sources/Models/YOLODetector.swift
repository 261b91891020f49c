// A YOLOv3 detector in the lab's image layout: a folder with a darknet .cfg, its .weights
// and coco.names. Preprocessing and post-processing follow the lab's handler:
//   blob = cv2.dnn.blobFromImage(image, 1/255.0, (416, 416), swapRB=True, crop=False)
//   for each output row: classID = argmax(scores); keep when scores[classID] > threshold;
//   (centerX, centerY, width, height) = (row[0:4] * [W, H, W, H]).astype("int")
//   x = int(centerX - width / 2); y = int(centerY - height / 2)
//   idxs = cv2.dnn.NMSBoxes(boxes, confidences, threshold, nms_threshold)
// cv2 images are BGR and swapRB=True makes the blob RGB; Media's images are already RGB,
// so the same blob is made without a swap.
import Foundation
import Formats
import Inference
import Media

public enum YOLOPreprocessing: String, Sendable, CaseIterable {
    /// The lab's blob: the whole image stretched to the network size.
    case stretch
    /// darknet's own: scaled to fit with the aspect ratio kept, padded grey.
    case letterbox
}

public struct YOLODetector: Sendable {
    public let network: YOLOv3
    public let labels: [String]
    public let directory: URL

    /// Loads `<folder>/*.cfg`, the `.weights` beside it, and `coco.names` (one label a line).
    public init(directory: URL) throws {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        guard let cfg = files.filter({ $0.hasSuffix(".cfg") }).sorted().first else {
            throw ModelSourceError.notAModelDirectory(directory.path, missing: "a darknet .cfg")
        }
        let stem = String(cfg.dropLast(4))
        let weightsName = files.contains("\(stem).weights") ? "\(stem).weights" : files.filter { $0.hasSuffix(".weights") }.sorted().first
        guard let weightsName else { throw ModelSourceError.notAModelDirectory(directory.path, missing: "\(stem).weights") }
        let namesFile = files.contains("coco.names") ? "coco.names" : files.filter { $0.hasSuffix(".names") }.sorted().first
        guard let namesFile else { throw ModelSourceError.notAModelDirectory(directory.path, missing: "coco.names") }
        try self.init(configFile: directory.appendingPathComponent(cfg), weightsFile: directory.appendingPathComponent(weightsName),
                      namesFile: directory.appendingPathComponent(namesFile))
    }

    public init(configFile: URL, weightsFile: URL, namesFile: URL) throws {
        guard let names = try? String(contentsOf: namesFile, encoding: .utf8) else {
            throw CheckpointError(.io, namesFile.path, "cannot read the class names")
        }
        labels = names.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        network = try YOLOv3(configFile: configFile, weightsFile: weightsFile)
        directory = configFile.deletingLastPathComponent()
        guard labels.count == network.classCount else {
            throw CheckpointError(.malformed, namesFile.path, "\(labels.count) names for a network of \(network.classCount) classes")
        }
    }

    /// The network input for `image` and the mapping of network-relative boxes back to it.
    public func input(for image: RGBImage, preprocessing: YOLOPreprocessing) throws -> (Tensor, BoxMapping) {
        let size = (width: network.inputWidth, height: network.inputHeight)
        switch preprocessing {
        case .stretch:
            let blob = try blobFromImage(image, size: size, scale: 1 / 255, swapRB: false)
            return (try Tensor(shape: blob.shape, storage: blob.values),
                    BoxMapping(scaleX: Double(image.width), scaleY: Double(image.height), letterbox: nil))
        case .letterbox:
            let boxed = try letterbox(image, width: size.width, height: size.height)
            let blob = boxed.blob()
            return (try Tensor(shape: blob.shape, storage: blob.values),
                    BoxMapping(scaleX: Double(size.width), scaleY: Double(size.height), letterbox: boxed))
        }
    }

    /// Raw network outputs (one tensor per [yolo] layer) for `image`.
    public func outputs(for image: RGBImage, preprocessing: YOLOPreprocessing) throws -> [Tensor] {
        try network.forward(try input(for: image, preprocessing: preprocessing).0)
    }

    public func detect(_ image: RGBImage, preprocessing: YOLOPreprocessing = .stretch, scoreThreshold: Float = 0.5,
                       nmsThreshold: Float = 0.3) throws -> [ObjectDetection] {
        let (input, mapping) = try input(for: image, preprocessing: preprocessing)
        return detections(from: try network.forward(input), mapping: mapping, scoreThreshold: scoreThreshold, nmsThreshold: nmsThreshold)
    }

    /// The handler's post-processing: threshold on the best class score, boxes, NMS.
    public func detections(from outputs: [Tensor], mapping: BoxMapping, scoreThreshold: Float, nmsThreshold: Float) -> [ObjectDetection] {
        var candidates: [ObjectDetection] = []
        for output in outputs where output.rank == 2 && output.lastDimension == 5 + labels.count {
            let width = output.lastDimension
            for r in 0..<output.rowCount {
                let row = output.storage[(r * width)..<((r + 1) * width)]
                var best = 5
                for c in 6..<width where row[row.startIndex + c] > row[row.startIndex + best] { best = c }
                let score = row[row.startIndex + best]
                guard score > scoreThreshold else { continue }
                let box = mapping.box(cx: row[row.startIndex], cy: row[row.startIndex + 1], w: row[row.startIndex + 2], h: row[row.startIndex + 3])
                candidates.append(ObjectDetection(classID: best - 5, label: labels[best - 5], score: score,
                                                  x: box.x, y: box.y, width: box.width, height: box.height))
            }
        }
        let kept = nonMaximumSuppression(boxes: candidates.map { ($0.x, $0.y, $0.width, $0.height) }, scores: candidates.map(\.score),
                                         scoreThreshold: scoreThreshold, nmsThreshold: nmsThreshold)
        return kept.map { candidates[$0] }
    }
}

/// From network-relative (cx, cy, w, h) to integer source-image boxes.
public struct BoxMapping: Sendable {
    /// Multipliers taking relative coordinates to pixels (source pixels for stretch,
    /// letterboxed pixels for letterbox).
    var scaleX: Double, scaleY: Double
    var letterbox: Letterbox?

    func box(cx: Float, cy: Float, w: Float, h: Float) -> (x: Int, y: Int, width: Int, height: Int) {
        var centerX = Double(cx) * scaleX, centerY = Double(cy) * scaleY
        var width = Double(w) * scaleX, height = Double(h) * scaleY
        if let letterbox {
            let source = letterbox.sourceBox(x1: centerX - width / 2, y1: centerY - height / 2,
                                             x2: centerX + width / 2, y2: centerY + height / 2)
            (centerX, centerY) = ((source.x1 + source.x2) / 2, (source.y1 + source.y2) / 2)
            (width, height) = (source.x2 - source.x1, source.y2 - source.y1)
        }
        // astype("int") truncates each value, then x = int(centerX - width / 2) truncates again.
        let cxi = truncated(centerX), cyi = truncated(centerY), wi = truncated(width), hi = truncated(height)
        return (truncated(Double(cxi) - Double(wi) / 2), truncated(Double(cyi) - Double(hi) / 2), wi, hi)
    }

    /// Truncation toward zero, clamped so a wild prediction (exp of a large logit) cannot trap.
    private func truncated(_ value: Double) -> Int {
        guard value.isFinite else { return value > 0 ? 1 << 30 : -(1 << 30) }
        return Int(max(-1e9, min(1e9, value)).rounded(.towardZero))
    }
}
