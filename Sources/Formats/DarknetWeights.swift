// darknet's `.weights` file: a header, then every layer's parameters as little-endian
// float32 in cfg order, with no names or shapes (the .cfg supplies them).
//
// Header (darknet's load_weights, OpenCV's ReadDarknetFromWeightsStream): int32 major,
// minor, revision; then `seen` (images trained on), a 64-bit count when
// `major*10 + minor >= 2 && major < 1000 && minor < 1000`, else 32-bit. Per convolutional
// layer: with batch norm, `filters` each of bias (shift), scale, rolling mean, rolling
// variance; without, `filters` biases; then `filters·channels·size·size` weights.
import Foundation

public struct DarknetWeights: Sendable {
    public let major: Int32, minor: Int32, revision: Int32
    /// Images seen in training (informational).
    public let seen: UInt64
    public let location: String
    private let values: [Float]
    /// The index of the next unread value.
    public private(set) var cursor = 0

    public init(contentsOf url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url, options: .alwaysMapped) } catch {
            throw CheckpointError(.io, url.path, "cannot read the darknet weights file")
        }
        try self.init(data: data, location: url.lastPathComponent)
    }

    public init(data: Data, location: String) throws {
        self.location = location
        var header: (Int32, Int32, Int32, UInt64) = (0, 0, 0, 0)
        var headerSize = 0
        try data.withUnsafeBytes { raw in
            var reader = ByteReader(raw, location: "\(location) header", offset: 0)
            let major = Int32(bitPattern: try reader.littleEndian(UInt32.self))
            let minor = Int32(bitPattern: try reader.littleEndian(UInt32.self))
            let revision = Int32(bitPattern: try reader.littleEndian(UInt32.self))
            let wideSeen = Int(major) * 10 + Int(minor) >= 2 && major < 1000 && minor < 1000
            let seen = wideSeen ? try reader.littleEndian(UInt64.self) : UInt64(try reader.littleEndian(UInt32.self))
            header = (major, minor, revision, seen)
            headerSize = reader.offset
        }
        (major, minor, revision, seen) = header
        // darknet writes 0.1 and 0.2 (AlexeyAB's fork too); anything else is not a darknet
        // weights file, or one whose layout this reader does not know.
        guard major == 0, (0...2).contains(minor) else {
            throw CheckpointError(.unsupported, location,
                                  "darknet weights version \(major).\(minor).\(revision) is unknown (darknet writes 0.1.x and 0.2.x)")
        }
        let body = data.count - headerSize
        guard body % 4 == 0 else {
            throw CheckpointError(.malformed, location, "\(body) bytes after the \(headerSize)-byte header is not a whole number of float32s")
        }
        var values = [Float](repeating: 0, count: body / 4)
        values.withUnsafeMutableBytes { destination in
            data.withUnsafeBytes { source in
                destination.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[headerSize...]))
            }
        }
        // The file is little-endian; so is every platform this builds for.
        self.values = values
    }

    public var count: Int { values.count }
    public var remaining: Int { values.count - cursor }

    /// The next `count` values, for `what` (a layer and parameter name used in errors).
    public mutating func take(_ count: Int, for what: String) throws -> [Float] {
        guard count >= 0, count <= remaining else {
            throw CheckpointError(.truncated, location,
                                  "\(what) needs \(count) floats at float \(cursor), only \(remaining) left (does the .cfg match these weights?)")
        }
        let slice = values[cursor..<(cursor + count)]
        if let bad = slice.firstIndex(where: { !$0.isFinite }) {
            throw CheckpointError(.malformed, location, "\(what): value \(bad - cursor) (float \(bad) of the file) is \(slice[bad]), not a finite number")
        }
        defer { cursor += count }
        return Array(slice)
    }
}
