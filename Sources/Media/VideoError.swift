// Errors for reading videos. Each names the video (its path, or "N bytes in memory")
// and, where one is involved, the frame, so a handler can answer a bad upload plainly.
import Foundation

public enum VideoError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No container this reader accepts (MP4/MOV, Matroska/WebM, AVI), or one without a
    /// video stream. `leadingBytes` are the first bytes seen, in hex.
    case notAVideo(source: String, reason: String, leadingBytes: String)
    /// A recognised container whose data ends early: the MP4 index (`moov`) is missing
    /// or cut, or the index lists samples past the last byte.
    case truncated(source: String, reason: String)
    /// A video stream that decodes to no frames at all.
    case noFrames(source: String)
    /// A frame size that is not positive or over the reader's pixel limit.
    case dimensionsOutOfRange(source: String, width: Int, height: Int, maxPixels: Int)
    /// No decoder for the stream's codec, or the decoder or demuxer rejected the data.
    /// `frame` is the index of the frame being decoded, when frames had started.
    case undecodable(source: String, frame: Int?, reason: String)
    /// More frames than the reader's frame limit.
    case tooManyFrames(source: String, limit: Int)
    /// The file could not be opened or read.
    case unreadable(source: String, reason: String)
    /// An argument out of its range, named.
    case invalidArgument(name: String, reason: String)

    public var description: String {
        switch self {
        case let .notAVideo(source, reason, bytes):
            return "\(source) is not a video: \(reason) (first bytes [\(bytes)])"
        case let .truncated(source, reason):
            return "\(source) is a truncated video: \(reason)"
        case let .noFrames(source):
            return "\(source) has a video stream but no frame could be decoded from it"
        case let .dimensionsOutOfRange(source, width, height, maxPixels):
            return "\(source) has frames of \(width)x\(height) pixels; sides must be positive and at most \(maxPixels) pixels in all"
        case let .undecodable(source, frame, reason):
            return "\(source) cannot be decoded" + (frame.map { " at frame \($0)" } ?? "") + ": \(reason)"
        case let .tooManyFrames(source, limit):
            return "\(source) has more than \(limit) frames, the reader's limit"
        case let .unreadable(source, reason):
            return "cannot read \(source): \(reason)"
        case let .invalidArgument(name, reason):
            return "invalid \(name): \(reason)"
        }
    }
}
