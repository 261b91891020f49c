// Plain geometry for drawing: image pixel coordinates, origin at the top-left corner,
// x to the right, y down. Pixel (i, j) covers [i, i+1) x [j, j+1).
import Foundation

public struct Point: Sendable, Equatable {
    public var x: Double
    public var y: Double

    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

public struct Rect: Sendable, Equatable {
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double

    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    var isFinite: Bool { x.isFinite && y.isFinite && width.isFinite && height.isFinite }

    /// From corner coordinates (x1, y1) - (x2, y2), as detectors report boxes.
    public init(x1: Double, y1: Double, x2: Double, y2: Double) {
        self.init(x: min(x1, x2), y: min(y1, y2), width: abs(x2 - x1), height: abs(y2 - y1))
    }
}

/// A per-pixel score map (e.g. a Mask R-CNN mask probability), row-major.
public struct Mask: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public var values: [Float]

    public init(width: Int, height: Int, values: [Float]) throws {
        let expected = try checkedByteCount(width: width, height: height, channels: 1)
        guard values.count == expected else {
            throw ImageError.invalidArgument(name: "mask",
                                             reason: "\(width)x\(height) needs \(expected) values, found \(values.count)")
        }
        self.width = width
        self.height = height
        self.values = values
    }

    /// The value at (x, y), 0 outside the mask.
    func value(x: Int, y: Int) -> Float {
        guard x >= 0, y >= 0, x < width, y < height else { return 0 }
        let v = values[y * width + x]
        return v.isNaN ? 0 : v
    }
}
