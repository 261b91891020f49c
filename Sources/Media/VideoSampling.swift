// Which frames a handler looks at, and at what size: the seed's async handler keeps
// every 30th frame (index % 30 == 0) and resizes it to 256x256 with INTER_AREA.
import Foundation

public struct FrameSelection: Sendable, Equatable {
    /// Keeps frames whose index is a multiple of this (1: every frame).
    public let every: Int
    /// Resize target; nil keeps the video's size.
    public let width: Int?
    public let height: Int?
    public let interpolation: Interpolation

    /// Every `every`-th frame at the video's own size.
    public init(every: Int = 1) throws {
        try self.init(every: every, width: nil, height: nil, interpolation: .area)
    }

    /// Every `every`-th frame resized to width x height (cv2.resize, INTER_AREA unless told).
    public init(every: Int = 1, width: Int, height: Int, interpolation: Interpolation = .area) throws {
        try self.init(every: every, width: Optional(width), height: Optional(height), interpolation: interpolation)
    }

    private init(every: Int, width: Int?, height: Int?, interpolation: Interpolation) throws {
        guard every >= 1 else { throw VideoError.invalidArgument(name: "every", reason: "\(every) is not a positive frame step") }
        if let width, let height {
            // Bounded like decoded frames: a resize target is memory too.
            guard (1...16384).contains(width), (1...16384).contains(height), width * height <= 4096 * 4096 else {
                throw VideoError.invalidArgument(name: "size", reason: "\(width)x\(height) is not within 1...16384 a side and 4096x4096 pixels in all")
            }
        }
        self.every = every
        self.width = width
        self.height = height
        self.interpolation = interpolation
    }

    public func keeps(frame index: Int) -> Bool {
        index % every == 0
    }
}

extension VideoReader {
    /// The next frame `selection` keeps, converted and resized, or nil after the last.
    /// Frames in between are decoded but never converted.
    public func nextFrame(_ selection: FrameSelection) throws -> VideoFrame? {
        while try advance() {
            guard selection.keeps(frame: framesRead - 1) else { continue }
            var frame = try currentFrame()
            if let width = selection.width, let height = selection.height {
                frame.image = try resize(frame.image, width: width, height: height, interpolation: selection.interpolation)
            }
            return frame
        }
        return nil
    }

    /// Calls `body` with each frame `selection` keeps, in order, one at a time.
    public func forEachFrame(_ selection: FrameSelection, _ body: (VideoFrame) throws -> Void) throws {
        while let frame = try nextFrame(selection) {
            try body(frame)
        }
    }
}
