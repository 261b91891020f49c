// The seed notebook's `display_instances` (Mask R-CNN's visualize.py) as one call: for
// each detection scoring above the threshold, its mask blended in, the mask's outline,
// a dashed box and a `label score` tag, each instance in its own HSV colour.
import Foundation

public enum InstanceFigure {
    public struct Instance: Sendable, Equatable {
        /// Box corners in image pixels.
        public var x1: Double
        public var y1: Double
        public var x2: Double
        public var y2: Double
        public var label: String
        public var score: Double
        /// Per-pixel probabilities, the image's size; nil draws the box and tag only.
        public var mask: Mask?

        public init(x1: Double, y1: Double, x2: Double, y2: Double, label: String, score: Double, mask: Mask? = nil) {
            self.x1 = x1
            self.y1 = y1
            self.x2 = x2
            self.y2 = y2
            self.label = label
            self.score = score
            self.mask = mask
        }
    }

    public struct Style: Sendable, Equatable {
        /// Instances scoring at or below this are left out.
        public var threshold = 0.5
        public var lineWidth = 2.0
        public var boxAlpha = 0.7
        public var maskAlpha = 0.3
        /// Where the mask counts as the object, for both the blend and the outline.
        public var maskLevel: Float = 0.5
        /// Seeds the shuffle of the palette, as `random_colors` shuffles it.
        public var colorSeed: UInt64 = 0

        public init() {}
    }

    /// matplotlib's "dashed" line style: 3.7 on, 1.6 off, in units of the line width.
    static let dash = [3.7, 1.6]

    /// The picture with the instances that score above `style.threshold` drawn on it.
    public static func draw(_ instances: [Instance], on image: RGBImage, style: Style = Style()) throws -> RGBImage {
        let kept = instances.filter { $0.score > style.threshold }
        for (n, instance) in kept.enumerated() {
            guard [instance.x1, instance.y1, instance.x2, instance.y2, instance.score].allSatisfy(\.isFinite) else {
                throw ImageError.invalidArgument(name: "instance \(n) (\(instance.label))", reason: "its box or score is not finite")
            }
        }
        let canvas = try Canvas(image: image)
        let colors = DistinctColors.palette(count: kept.count, seed: style.colorSeed)
        // Masks first, so every box, outline and tag stays visible on top of them.
        for (instance, color) in zip(kept, colors) {
            guard let mask = instance.mask else { continue }
            try canvas.blendMask(mask, color: color, alpha: style.maskAlpha, threshold: style.maskLevel)
            canvas.strokeContours(of: mask, level: style.maskLevel, color: color, lineWidth: 1)
        }
        for (instance, color) in zip(kept, colors) {
            canvas.strokeRectangle(Rect(x1: instance.x1, y1: instance.y1, x2: instance.x2, y2: instance.y2), color: color,
                                   lineWidth: style.lineWidth, dash: dash.map { $0 * style.lineWidth }, alpha: style.boxAlpha)
        }
        // Tags last: a neighbour's box must not cross out a label.
        let size = max(12, min(24, Double(min(image.width, image.height)) / 30))
        for (instance, color) in zip(kept, colors) {
            try canvas.drawCaption("\(instance.label) \(String(format: "%.3f", instance.score))",
                                   x: min(instance.x1, instance.x2), y: min(instance.y1, instance.y2), background: color, size: size)
        }
        return try canvas.image()
    }
}
