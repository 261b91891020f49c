// Truncated and bit-flipped real checkpoints must give typed errors or tensors, never a
// trap. Offsets are spread over each file deterministically, denser in the headers.
import Foundation
import XCTest
@testable import Formats

final class CheckpointFuzzTests: XCTestCase {
    private func offsets(count: Int, fileSize: Int, head: Int) -> [Int] {
        var generator = SplitMix(seed: UInt64(fileSize))
        let head = (0..<min(fileSize, head)).map { $0 }
        let tail = (0..<max(fileSize - 2000, 0)).isEmpty ? [] : ((fileSize - 2000)..<fileSize).map { $0 }
        let spread = (0..<count).map { _ in Int(generator.next() % UInt64(fileSize)) }
        return Array(Set(head + tail.filter { $0 % 7 == 0 } + spread)).sorted()
    }

    private func fuzz(_ path: String, isSafeTensors: Bool, samples: Int, head: Int = 600) throws {
        let original = try Data(contentsOf: fixture(path))
        var errors = 0, reads = 0
        for offset in offsets(count: samples, fileSize: original.count, head: head) {
            do { _ = try Checkpoint.read(original.prefix(offset), location: path, isSafeTensors: isSafeTensors); reads += 1 } catch {
                XCTAssertTrue(error is CheckpointError, "\(path) truncated at \(offset): \(type(of: error)) \(error)")
                errors += 1
            }
            var flipped = original
            flipped[offset] ^= UInt8(1 << (offset % 8))
            do { _ = try Checkpoint.read(flipped, location: path, isSafeTensors: isSafeTensors); reads += 1 } catch {
                XCTAssertTrue(error is CheckpointError, "\(path) flipped at \(offset): \(type(of: error)) \(error)")
                errors += 1
            }
        }
        XCTAssertGreaterThan(errors, 0, "truncations must be detected")
    }

    func testZipCheckpoint() throws { try fuzz("checkpoints/weights-deflated.bin", isSafeTensors: false, samples: 400) }
    func testLargerZipCheckpoint() throws { try fuzz("models/korsts-tiny/model.pth", isSafeTensors: false, samples: 60) }
    // The first 400 bytes (magic, lengths, the start of the header) one by one, the rest at spread offsets.
    func testLegacyCheckpoint() throws { try fuzz("checkpoints/korsts-tiny-legacy.pth", isSafeTensors: false, samples: 40, head: 400) }
    func testSafetensors() throws { try fuzz("models/korsts-tiny/model.safetensors", isSafeTensors: true, samples: 40, head: 400) }
}

/// A tiny deterministic generator (SplitMix64) so fuzz offsets repeat across runs.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
