// The safetensors writer round-trips through the reader exactly (float32 is stored as is,
// so the tolerance is zero) and keeps the data buffer 8-byte aligned.
import Foundation
import XCTest
import Inference
@testable import Formats

final class SafeTensorsWriterTests: XCTestCase {
    func testRoundTripIsExact() throws {
        let tensors: [String: Tensor] = [
            "b.bias": try Tensor(shape: [3], storage: [1.5, -0.0, .greatestFiniteMagnitude]),
            "a.weight": try Tensor(shape: [2, 2], storage: [0.1, -2, 3e-38, 4]),
            "empty": Tensor(zeros: [0, 4]),
        ]
        let data = try SafeTensors.encode(tensors, metadata: ["format": "pt"])
        XCTAssertEqual(try SafeTensors.read(data, location: "written"), tensors)
        let (infos, bufferStart) = try SafeTensors.header(data, location: "written")
        XCTAssertEqual(bufferStart % 8, 0)
        XCTAssertEqual(infos.map(\.name), ["a.weight", "b.bias", "empty"])
        XCTAssertEqual(data.count - bufferStart, 7 * 4)
    }

    func testWrittenFileLoadsThroughCheckpoint() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("writer-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        let tensor = try Tensor(shape: [2, 3], storage: [1, 2, 3, 4, 5, 6])
        try SafeTensors.write(["w": tensor], to: url)
        XCTAssertEqual(try Checkpoint.read(contentsOf: url)["w"], tensor)
    }
}
