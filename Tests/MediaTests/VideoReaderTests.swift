// VideoReader's behaviour and its errors, on the tiny committed clip (70x46, 24 frames,
// MPEG-4 part 2, index first) and bytes cut, patched or shuffled from it. Offline.
import Foundation
import XCTest
@testable import Media

/// `data` with the bytes at `offset` after the first `box` type replaced.
func patched(_ data: Data, box: String, offset: Int, bytes: [UInt8]) throws -> Data {
    var data = data
    let at = try XCTUnwrap(data.range(of: Data(box.utf8)), box).lowerBound
    data.replaceSubrange(at + offset..<at + offset + bytes.count, with: bytes)
    return data
}

/// `data` with the 32-bit big-endian value at `offset` after the first `box` type replaced.
func patched(_ data: Data, box: String, offset: Int, value: UInt32) throws -> Data {
    try patched(data, box: box, offset: offset, bytes: (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * UInt32($0))) })
}

func expectVideoError(_ label: String, _ body: () throws -> Void, _ check: (VideoError) -> Bool) {
    do {
        try body()
        XCTFail("\(label): no error")
    } catch let error as VideoError {
        XCTAssertTrue(check(error), "\(label): \(error)")
        XCTAssertFalse(error.description.isEmpty)
    } catch {
        XCTFail("\(label): not a VideoError: \(error)")
    }
}

/// Every frame, read to the end.
func readAll(_ reader: VideoReader) throws -> [VideoFrame] {
    var frames: [VideoFrame] = []
    while let frame = try reader.nextFrame() { frames.append(frame) }
    return frames
}

final class VideoReaderTests: XCTestCase {
    func testReadsTheTinyClipFromBytesAndFromAFileAlike() throws {
        let data = try VideoGolden.tinyClip()
        let reader = try VideoReader(data: data)
        XCTAssertEqual(reader.source, "\(data.count) bytes in memory")
        XCTAssertEqual([reader.width, reader.height], [70, 46])
        XCTAssertEqual(reader.declaredFrameCount, 24)
        XCTAssertEqual(try XCTUnwrap(reader.framesPerSecond), 12, accuracy: 1e-9)
        XCTAssertEqual(reader.rotation, 0)
        let fromBytes = try readAll(reader)
        XCTAssertEqual(fromBytes.map(\.index), Array(0..<24))
        XCTAssertEqual(try XCTUnwrap(fromBytes[12].seconds), 1.0, accuracy: 1e-9)
        XCTAssertNil(try reader.nextFrame(), "stays at the end")

        let path = Goldens.directory.appendingPathComponent("video/tiny.mp4").path
        let fromFile = try readAll(VideoReader(path: path))
        XCTAssertEqual(fromFile, fromBytes)
    }

    func testSelectionKeepsEveryNthFrameAndSkipsTheRest() throws {
        let reader = try VideoReader(data: VideoGolden.tinyClip())
        var kept: [Int] = []
        try reader.forEachFrame(FrameSelection(every: 7)) { frame in
            kept.append(frame.index)
            XCTAssertEqual([frame.image.width, frame.image.height], [70, 46])
        }
        XCTAssertEqual(kept, [0, 7, 14, 21])
        XCTAssertEqual(reader.framesRead, 24)

        let skipping = try VideoReader(data: VideoGolden.tinyClip())
        XCTAssertTrue(try skipping.skipFrame())
        XCTAssertEqual(try skipping.nextFrame()?.index, 1)
    }

    func testSelectionArgumentsAreChecked() {
        expectVideoError("every 0", { _ = try FrameSelection(every: 0) }) {
            if case .invalidArgument("every", _) = $0 { return true } else { return false }
        }
        for (width, height) in [(0, 5), (5, -1), (16385, 1), (8192, 8192)] {
            expectVideoError("size \(width)x\(height)", { _ = try FrameSelection(every: 1, width: width, height: height) }) {
                if case .invalidArgument("size", _) = $0 { return true } else { return false }
            }
        }
    }

    func testBytesThatAreNoVideo() throws {
        let png = try Goldens.image("rgb8.png")
        let random = Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) })
        for (label, data) in [("empty", Data()), ("a PNG", png), ("noise", random), ("text", Data("hello".utf8))] {
            expectVideoError(label, { _ = try VideoReader(data: data) }) {
                if case .notAVideo = $0 { return true } else { return false }
            }
        }
        // A track whose handler says sound: a container, but no video stream in it.
        let sound = try patched(VideoGolden.tinyClip(), box: "vide", offset: 0, value: 0x736F_756E)
        expectVideoError("sound track", { _ = try VideoReader(data: sound) }) {
            if case .notAVideo = $0 { return true } else { return false }
        }
    }

    func testMissingFilesAndFolders() {
        expectVideoError("missing", { _ = try VideoReader(path: "/nonexistent/clip.mp4") }) {
            if case .unreadable = $0 { return true } else { return false }
        }
        expectVideoError("folder", { _ = try VideoReader(path: NSTemporaryDirectory()) }) {
            if case .unreadable = $0 { return true } else { return false }
        }
    }

    func testTruncatedMP4s() throws {
        let data = try VideoGolden.tinyClip()
        let mdat = try XCTUnwrap(data.range(of: Data("mdat".utf8))).lowerBound
        // Cut inside the index (moov, first here), and inside the frames after it.
        for cut in [40, mdat / 2, mdat + 100, data.count - 1] {
            expectVideoError("cut at \(cut)", { _ = try readAll(VideoReader(data: data.prefix(cut))) }) {
                if case .truncated = $0 { return true } else { return false }
            }
        }
    }

    func testATrackWithoutSamplesHasNoFrames() throws {
        var data = try VideoGolden.tinyClip()
        data = try patched(data, box: "stsz", offset: 12, value: 0)
        data = try patched(data, box: "stts", offset: 8, value: 0)
        expectVideoError("no samples", { _ = try readAll(VideoReader(data: data)) }) {
            if case .noFrames = $0 { return true } else { return false }
        }
    }

    func testUnknownCodecIsUndecodable() throws {
        // The sample entry's four-character code, and the esds object type (byte 21 after
        // "esds": version, ES and DecoderConfig descriptor headers of 4, 8 and 5 bytes).
        var data = try patched(VideoGolden.tinyClip(), box: "mp4v", offset: 0, value: 0x7878_7878)
        data = try patched(data, box: "esds", offset: 21, bytes: [0xFF])
        expectVideoError("codec xxxx", { _ = try readAll(VideoReader(data: data)) }) {
            if case .undecodable = $0 { return true } else { return false }
        }
    }

    func testLimitsOnFrameSizeAndCount() throws {
        let data = try VideoGolden.tinyClip()
        expectVideoError("pixels", { _ = try VideoReader(data: data, limits: VideoLimits(maxPixels: 70 * 45)) }) {
            $0 == .dimensionsOutOfRange(source: "\(data.count) bytes in memory", width: 70, height: 46, maxPixels: 3150)
        }
        let reader = try VideoReader(data: data, limits: VideoLimits(maxFrames: 10))
        expectVideoError("frames", { _ = try readAll(reader) }) {
            $0 == .tooManyFrames(source: "\(data.count) bytes in memory", limit: 10)
        }
        XCTAssertEqual(reader.framesRead, 10)
    }

    /// Cut, flipped and overwritten bytes: each read ends normally or with a VideoError,
    /// never a crash, and within the frame limit.
    func testFuzzedBytesNeverCrash() throws {
        let clip = try VideoGolden.tinyClip()
        var generator = SplitMix64(state: 10)
        var outcomes: [String: Int] = [:]
        for round in 0..<300 {
            var data = clip
            let n = data.count
            switch round % 3 {
            case 0: data = data.prefix(Int(generator.next() % UInt64(n)))
            case 1:
                for _ in 0..<(1 + Int(generator.next() % 8)) {
                    data[Int(generator.next() % UInt64(n))] ^= UInt8(truncatingIfNeeded: 1 << (generator.next() % 8))
                }
            default:
                let start = Int(generator.next() % UInt64(n)), length = min(n - start, 1 + Int(generator.next() % 64))
                data.replaceSubrange(start..<start + length, with: (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) })
            }
            do {
                let frames = try readAll(VideoReader(data: data, limits: VideoLimits(maxPixels: 1 << 20, maxFrames: 100)))
                outcomes["\(frames.count) frames", default: 0] += 1
            } catch let error as VideoError {
                outcomes["\(Mirror(reflecting: error).children.first?.label ?? "error")", default: 0] += 1
            }
        }
        print("fuzz outcomes:", outcomes.sorted { $0.key < $1.key })
        XCTAssertEqual(outcomes.values.reduce(0, +), 300)
    }
}
