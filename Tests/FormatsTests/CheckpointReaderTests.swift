// The checkpoint readers on files written by torch 2.13.0 / safetensors 0.8.0
// (fixtures/make_electra_fixtures.py). Values must be bit-identical across formats: the
// fixture weights are float16-representable, so F32, F16 and half storages agree exactly.
import Foundation
import XCTest
import Inference
@testable import Formats

final class CheckpointReaderTests: XCTestCase {
    func testZipPthAndSafetensorsHoldTheSameTensors() throws {
        let pth = try Checkpoint.read(contentsOf: fixture("models/nsmc-tiny/model.pth"))
        let safetensors = try Checkpoint.read(contentsOf: fixture("models/nsmc-tiny/model.safetensors"))
        XCTAssertEqual(Set(pth.keys).subtracting(safetensors.keys), ["electra.embeddings.position_ids"])
        for (name, tensor) in safetensors { XCTAssertEqual(pth[name], tensor, name) }
        XCTAssertEqual(safetensors["electra.embeddings.word_embeddings.weight"]?.shape, [2000, 32])
    }

    func testStrideZeroInt64BufferIsExpanded() throws {
        let pth = try Checkpoint.read(contentsOf: fixture("models/nsmc-tiny/model.pth"))
        let positions = try XCTUnwrap(pth["electra.embeddings.position_ids"])
        XCTAssertEqual(positions.shape, [1, 128])
        XCTAssertEqual(positions.storage, (0..<128).map(Float.init))
    }

    func testLegacyHalfStreamMatchesF16SafetensorsAndZip() throws {
        let legacy = try Checkpoint.read(contentsOf: fixture("checkpoints/korsts-tiny-legacy.pth"))
        let safetensors = try Checkpoint.read(contentsOf: fixture("models/korsts-tiny/model.safetensors"))
        let zip = try Checkpoint.read(contentsOf: fixture("models/korsts-tiny/model.pth"))
        XCTAssertEqual(Set(legacy.keys), Set(safetensors.keys))
        for (name, tensor) in safetensors {
            XCTAssertEqual(legacy[name], tensor, name)
            XCTAssertEqual(zip[name], tensor, name)
        }
    }

    func testDeflatedZipWithOtherRootAndTransposedView() throws {
        let tensors = try Checkpoint.read(contentsOf: fixture("checkpoints/weights-deflated.bin"))
        let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: fixture("goldens/small-state-dict.json"))) as? [String: [String: [Double]]]
        XCTAssertEqual(Set(tensors.keys), ["w", "b", "t"])
        for (name, tensor) in tensors {
            XCTAssertEqual(tensor.shape, expected?[name]?["shape"]?.map { Int($0) })
            XCTAssertEqual(tensor.storage, expected?[name]?["values"]?.map { Float($0) }, name)
        }
    }

    func testSafetensorsConvertsF16AndBF16() throws {
        // 1.0, -2.0, 0.5 and the smallest subnormal in F16; 1.0 and -3.0 in BF16.
        let buffer: [UInt8] = [0x00, 0x3C, 0x00, 0xC0, 0x00, 0x38, 0x01, 0x00, 0x80, 0x3F, 0x40, 0xC0]
        let data = safetensorsFile(header: #"{"h":{"dtype":"F16","shape":[4],"data_offsets":[0,8]},"b":{"dtype":"BF16","shape":[2],"data_offsets":[8,12]},"__metadata__":{"format":"pt"}}"#,
                                   buffer: buffer)
        let tensors = try SafeTensors.read(data, location: "t")
        XCTAssertEqual(tensors["h"]?.storage, [1, -2, 0.5, Float(sign: .plus, exponent: -24, significand: 1)])
        XCTAssertEqual(tensors["b"]?.storage, [1, -3])
    }

    func testSafetensorsHeaderValidation() {
        let four = [UInt8](repeating: 0, count: 8)
        let cases: [(String, String)] = [
            (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, "overlap"),
            (#"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,12]}}"#, "outside"),
            (#"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, "does not fill"),
            (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, "hole"),
            (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, "cover"),
            (#"{"a":{"dtype":"Q4","shape":[2],"data_offsets":[0,8]}}"#, "dtype Q4"),
            (#"{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#, "shape"),
            (#"{"a":{"dtype":"F32","shape":[2.5],"data_offsets":[0,8]}}"#, "shape"),
            (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}"#, "data_offsets"),
            (#"{"a":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,8]}}"#, "shape"),
            (#"[1,2]"#, "JSON object"),
            (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]"#, "JSON object"),
        ]
        for (header, message) in cases {
            XCTAssertThrowsError(try SafeTensors.read(safetensorsFile(header: header, buffer: four), location: "x.safetensors"), header) {
                XCTAssertTrue("\($0)".contains(message), "\(header): \($0)")
            }
        }
        var huge = Data()
        withUnsafeBytes(of: UInt64.max.littleEndian) { huge.append(contentsOf: $0) }
        XCTAssertThrowsError(try SafeTensors.read(huge, location: "x"))
    }

    func testUnknownFilesAndForeignPicklesAreRejected() {
        XCTAssertThrowsError(try TorchCheckpoint.read(Data("hello".utf8), location: "x.pth"))
        // A legacy-looking stream whose first pickle calls os.system: the restricted VM refuses the global.
        let evil = Data([0x80, 0x02, 0x63] + Array("os\nsystem\n".utf8) + [0x58, 2, 0, 0, 0] + Array("ls".utf8) + [0x85, 0x52, 0x2E])
        XCTAssertThrowsError(try TorchCheckpoint.read(evil, location: "evil.pth")) {
            XCTAssertTrue("\($0)".contains("os.system"), "\($0)")
        }
    }

    func testDeeplyNestedPicklesAreRefusedNotRecursedInto() {
        let deep = Data([0x80, 0x02, 0x29] + [UInt8](repeating: 0x85, count: 200_000) + [0x2E])
        XCTAssertThrowsError(try deep.withUnsafeBytes { try PickleMachine.load(ByteReader($0, location: "deep.pkl")) }) {
            XCTAssertTrue("\($0)".contains("nest deeper"), "\($0)")
        }
        // A list appended into itself through the memo.
        let cycle = Data([0x80, 0x02, 0x5D, 0x71, 0x00] + Array(repeating: [0x68, 0x00, 0x61], count: 100).flatMap { $0 } + [0x2E])
        XCTAssertThrowsError(try cycle.withUnsafeBytes { try PickleMachine.load(ByteReader($0, location: "cycle.pkl")) })
    }
}
