// The settings of torchvision's `maskrcnn_resnet50_fpn` that are not in its weights:
// GeneralizedRCNNTransform's sizes and normalization, the RPN's and RoI heads' eval-time
// thresholds, and the anchors. Widths and depths come from the weights themselves.
//
// A model folder may hold a `config.json` with any of these keys; every one left out takes
// torchvision's default for the COCO checkpoint, so the seed's folder (`model.pth` alone)
// needs none. FrozenBatchNorm2d's eps defaults to 0, as `overwrite_eps(model, 0.0)` sets it
// for the COCO weights (they were trained in Detectron with eps 0).
import Foundation

public struct MaskRCNNConfig: Sendable, Equatable {
    public var minSize = 800
    public var maxSize = 1333
    public var imageMean: SIMD3<Float> = [0.485, 0.456, 0.406]
    public var imageStd: SIMD3<Float> = [0.229, 0.224, 0.225]
    public var frozenBatchNormEps: Float = 0
    public var rpnPreNMSTopN = 1000
    public var rpnPostNMSTopN = 1000
    public var rpnNMSThreshold: Float = 0.7
    public var rpnScoreThreshold: Float = 0
    public var boxScoreThreshold: Float = 0.05
    public var boxNMSThreshold: Float = 0.5
    public var detectionsPerImage = 100
    public var anchorSizes: [Int] = [32, 64, 128, 256, 512]
    public var aspectRatios: [Float] = [0.5, 1.0, 2.0]
    /// One sentence on what the weights are, for the handout (the project's own models say it).
    public var description: String?

    public init() {}
}

extension MaskRCNNConfig: ModelConfigFile {
    public init(json data: Data, location: String = "config.json") throws {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw ModelConfigError(location: location, message: "not a JSON object")
        }
        self.init()
        let reader = ConfigReader(object: object, location: location)
        if let architecture = try reader.string("architecture"), architecture != "maskrcnn_resnet50_fpn" {
            throw ModelConfigError(location: location, message: "'architecture' must be maskrcnn_resnet50_fpn, found '\(architecture)'")
        }
        minSize = try reader.int("min_size", in: 1...4096) ?? minSize
        maxSize = try reader.int("max_size", in: 1...4096) ?? maxSize
        imageMean = try reader.triple("image_mean") ?? imageMean
        imageStd = try reader.triple("image_std", positive: true) ?? imageStd
        frozenBatchNormEps = try reader.number("frozen_bn_eps", in: 0...1) ?? frozenBatchNormEps
        rpnPreNMSTopN = try reader.int("rpn_pre_nms_top_n_test", in: 1...100_000) ?? rpnPreNMSTopN
        rpnPostNMSTopN = try reader.int("rpn_post_nms_top_n_test", in: 1...100_000) ?? rpnPostNMSTopN
        rpnNMSThreshold = try reader.number("rpn_nms_thresh", in: 0...1) ?? rpnNMSThreshold
        rpnScoreThreshold = try reader.number("rpn_score_thresh", in: 0...1) ?? rpnScoreThreshold
        boxScoreThreshold = try reader.number("box_score_thresh", in: 0...1) ?? boxScoreThreshold
        boxNMSThreshold = try reader.number("box_nms_thresh", in: 0...1) ?? boxNMSThreshold
        detectionsPerImage = try reader.int("box_detections_per_img", in: 1...10_000) ?? detectionsPerImage
        anchorSizes = try reader.ints("anchor_sizes", in: 1...4096) ?? anchorSizes
        aspectRatios = try reader.numbers("aspect_ratios", in: 0.001...1000) ?? aspectRatios
        description = try reader.string("description")
        guard anchorSizes.count == 5 else {
            throw ModelConfigError(location: location, message: "'anchor_sizes' needs one size per pyramid level (5), found \(anchorSizes.count)")
        }
        guard !aspectRatios.isEmpty else {
            throw ModelConfigError(location: location, message: "'aspect_ratios' must not be empty")
        }
    }
}

/// Typed, range-checked reads from a parsed JSON object, each error naming the key.
private struct ConfigReader {
    let object: [String: Any]
    let location: String

    private func fail(_ key: String, _ expected: String) -> ModelConfigError {
        ModelConfigError(location: location, message: "'\(key)' must be \(expected), found \(ModelConfigError.shown(object[key]))")
    }

    private func finite(_ value: Any?) -> Double? {
        guard let number = value as? NSNumber else { return nil }
        let double = number.doubleValue
        return double.isFinite ? double : nil
    }

    func string(_ key: String) throws -> String? {
        guard let value = object[key] else { return nil }
        guard let text = value as? String else { throw fail(key, "a string") }
        return text
    }

    func int(_ key: String, in range: ClosedRange<Int>) throws -> Int? {
        guard object[key] != nil else { return nil }
        guard let value = finite(object[key]), value == value.rounded(), let int = Int(exactly: value), range.contains(int) else {
            throw fail(key, "a whole number in \(range.lowerBound)...\(range.upperBound)")
        }
        return int
    }

    func number(_ key: String, in range: ClosedRange<Double>) throws -> Float? {
        guard object[key] != nil else { return nil }
        guard let value = finite(object[key]), range.contains(value) else {
            throw fail(key, "a number in \(range.lowerBound)...\(range.upperBound)")
        }
        return Float(value)
    }

    func numbers(_ key: String, in range: ClosedRange<Double>) throws -> [Float]? {
        guard let value = object[key] else { return nil }
        guard let list = value as? [Any], list.count <= 64 else { throw fail(key, "a list of numbers") }
        return try list.map { item in
            guard let number = finite(item), range.contains(number) else {
                throw fail(key, "a list of numbers in \(range.lowerBound)...\(range.upperBound)")
            }
            return Float(number)
        }
    }

    func ints(_ key: String, in range: ClosedRange<Int>) throws -> [Int]? {
        try numbers(key, in: Double(range.lowerBound)...Double(range.upperBound))?.map { value in
            guard value == value.rounded() else { throw fail(key, "a list of whole numbers") }
            return Int(value)
        }
    }

    func triple(_ key: String, positive: Bool = false) throws -> SIMD3<Float>? {
        guard let values = try numbers(key, in: positive ? 1e-6...1e6 : -1e6...1e6) else { return nil }
        guard values.count == 3 else { throw fail(key, "three numbers (R, G, B)") }
        return SIMD3(values[0], values[1], values[2])
    }
}
