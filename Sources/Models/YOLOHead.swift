// A `[yolo]` layer: turns a head's raw [1, anchors·(5 + classes), rows, cols] map into
// OpenCV DNN's Region-layer output (see YOLOv3.swift for the row layout).
import Foundation
import Formats
import Inference

struct YOLOHead: Sendable {
    /// The masked anchors as (width, height) pairs in network-input pixels.
    let anchors: [(width: Float, height: Float)]
    let classCount: Int
    /// Class scores not above this are zeroed (OpenCV's Region `thresh`, darknet's default 0.2).
    let threshold: Float
    let scaleXY: Float

    init(_ section: DarknetConfig.Section, inputChannels: Int) throws {
        classCount = try section.int("classes", default: 20)
        let all = try section.floats("anchors") ?? []
        guard classCount > 0, all.count % 2 == 0, !all.isEmpty else {
            throw CheckpointError(.malformed, section.location, "[yolo] needs classes > 0 and anchors as width,height pairs")
        }
        if let bad = all.firstIndex(where: { !($0.isFinite && $0 > 0) }) {
            throw CheckpointError(.malformed, section.location, "[yolo] anchors: value \(bad + 1) is \(all[bad]); anchor sizes are positive pixels")
        }
        // darknet sizes its anchor table by `num` and reads `anchors` into it: they must agree.
        let num = try section.int("num", default: all.count / 2)
        guard num == all.count / 2 else {
            throw CheckpointError(.malformed, section.location, "[yolo] num=\(num), but anchors gives \(all.count / 2) width,height pairs")
        }
        let mask = try section.ints("mask") ?? Array(0..<(all.count / 2))
        anchors = try mask.map { index in
            guard index >= 0, 2 * index + 1 < all.count else {
                throw CheckpointError(.malformed, section.location, "[yolo] mask \(index) names no anchor (\(all.count / 2) given)")
            }
            return (all[2 * index], all[2 * index + 1])
        }
        threshold = try section.float("thresh", default: 0.2)
        scaleXY = try section.float("scale_x_y", default: 1)
        guard threshold.isFinite, (0...1).contains(threshold) else {
            throw CheckpointError(.malformed, section.location, "[yolo] thresh=\(threshold) is not a probability in 0...1")
        }
        guard scaleXY.isFinite, scaleXY > 0, scaleXY <= 4 else {
            throw CheckpointError(.malformed, section.location, "[yolo] scale_x_y=\(scaleXY) is not in (0, 4]")
        }
        guard try section.int("new_coords", default: 0) == 0 else {
            throw CheckpointError(.unsupported, section.location, "[yolo] new_coords=1")
        }
        guard inputChannels == anchors.count * (5 + classCount) else {
            throw CheckpointError(.malformed, section.location,
                                  "[yolo] expects \(anchors.count)·(5 + \(classCount)) = \(anchors.count * (5 + classCount)) input channels, the layer before has \(inputChannels)")
        }
    }

    func decode(_ x: Tensor, inputWidth: Int, inputHeight: Int) throws -> Tensor {
        let cell = 5 + classCount, anchorCount = anchors.count
        guard x.rank == 4, x.shape[0] == 1, x.shape[1] == anchorCount * cell else {
            throw InferenceError.shapeMismatch(op: "yolo", expected: "[1, \(anchorCount * cell), rows, cols]", found: "\(x.shape)")
        }
        let rows = x.shape[2], cols = x.shape[3], plane = rows * cols
        var output = [Float](repeating: 0, count: plane * anchorCount * cell)
        let anchors = self.anchors, scaleXY = self.scaleXY, threshold = self.threshold, classCount = self.classCount
        x.storage.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                guard let src = source.baseAddress, let dst = target.baseAddress else { return }
                // Grid rows are independent (and each cell costs a few exps): split them over the cores.
                ComputeThreads.run(splitting: rows) { range in
                    for y in range {
                        for xx in 0..<cols {
                            for a in 0..<anchorCount {
                                // channel c of anchor a at (y, x) is src[(a·cell + c)·plane + y·cols + x]
                                let base = a * cell * plane + y * cols + xx
                                let row = ((y * cols + xx) * anchorCount + a) * cell
                                let objectness = sigmoid(src[base + 4 * plane])
                                dst[row] = (Float(xx) + (sigmoid(src[base]) - 0.5) * scaleXY + 0.5) / Float(cols)
                                dst[row + 1] = (Float(y) + (sigmoid(src[base + plane]) - 0.5) * scaleXY + 0.5) / Float(rows)
                                dst[row + 2] = expf(src[base + 2 * plane]) * anchors[a].width / Float(inputWidth)
                                dst[row + 3] = expf(src[base + 3 * plane]) * anchors[a].height / Float(inputHeight)
                                dst[row + 4] = objectness
                                for c in 0..<classCount {
                                    let score = objectness * sigmoid(src[base + (5 + c) * plane])
                                    dst[row + 5 + c] = score > threshold ? score : 0
                                }
                            }
                        }
                    }
                }
            }
        }
        return try Tensor(shape: [plane * anchorCount, cell], storage: output)
    }
}

@inline(__always) func sigmoid(_ x: Float) -> Float { 1 / (1 + expf(-x)) }
