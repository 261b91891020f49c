// darknet .weights headers and .cfg parsing, and the MD5 used to verify downloads.
import Foundation
import XCTest
@testable import Formats

final class DarknetFormatTests: XCTestCase {
    private func weightsFile(major: Int32, minor: Int32, seen64: Bool, floats: [Float]) -> Data {
        var data = Data()
        for v in [major, minor, 0] { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
        if seen64 { withUnsafeBytes(of: UInt64(7).littleEndian) { data.append(contentsOf: $0) } }
        else { withUnsafeBytes(of: UInt32(7).littleEndian) { data.append(contentsOf: $0) } }
        for f in floats { withUnsafeBytes(of: f.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        return data
    }

    func testSeenIs64BitFromVersion0_2And32BitBefore() throws {
        var wide = try DarknetWeights(data: weightsFile(major: 0, minor: 2, seen64: true, floats: [1, 2, 3]), location: "a")
        XCTAssertEqual(wide.seen, 7)
        XCTAssertEqual(try wide.take(3, for: "x"), [1, 2, 3])
        var narrow = try DarknetWeights(data: weightsFile(major: 0, minor: 1, seen64: false, floats: [4, 5]), location: "b")
        XCTAssertEqual(narrow.count, 2)
        XCTAssertEqual(try narrow.take(2, for: "x"), [4, 5])
        XCTAssertEqual(narrow.remaining, 0)
    }

    func testShortWeightsNameTheLayer() throws {
        var weights = try DarknetWeights(data: weightsFile(major: 0, minor: 2, seen64: true, floats: [1]), location: "w")
        XCTAssertThrowsError(try weights.take(2, for: "layer 3 biases")) { error in
            XCTAssertTrue("\(error)".contains("layer 3 biases"), "\(error)")
        }
        XCTAssertThrowsError(try DarknetWeights(data: Data([1, 0, 0]), location: "tiny"))
        XCTAssertThrowsError(try DarknetWeights(data: weightsFile(major: 0, minor: 2, seen64: true, floats: []) + Data([1, 2]), location: "odd"))
    }

    func testConfigSectionsOptionsAndComments() throws {
        let config = try DarknetConfig(text: """
        [net]
        # comment
        width=416
        height = 416
        [convolutional]
        filters=sixteen
        [route]
        layers = -1, 8
        [yolo]
        anchors = 10,14,  23,27
        """, file: "t.cfg")
        XCTAssertEqual(config.layers.count, 3)
        XCTAssertEqual(try config.net.int("height"), 416)
        XCTAssertEqual(try config.layers[2].ints("layers"), [-1, 8])
        XCTAssertEqual(try config.layers[3].floats("anchors"), [10, 14, 23, 27])
        XCTAssertThrowsError(try config.layers[1].int("filters")) // not an integer
        XCTAssertThrowsError(try config.layers[1].int("size"))    // absent, no default
    }

    func testConfigErrorsAreLocated() {
        XCTAssertThrowsError(try DarknetConfig(text: "[convolutional]\nfilters=1", file: "a.cfg"))
        XCTAssertThrowsError(try DarknetConfig(text: "[net]\nwidth", file: "b.cfg")) { error in
            XCTAssertTrue("\(error)".hasPrefix("b.cfg:2"), "\(error)")
        }
    }

    /// Issue 15: unknown header versions and non-finite values are refused by name.
    func testUnknownVersionsAndNonFiniteValuesAreRefused() throws {
        XCTAssertThrowsError(try DarknetWeights(data: weightsFile(major: 100, minor: 0, seen64: true, floats: [1]), location: "w")) { error in
            XCTAssertTrue("\(error)".contains("darknet weights version 100.0.0 is unknown"), "\(error)")
        }
        var weights = try DarknetWeights(data: weightsFile(major: 0, minor: 2, seen64: true, floats: [1, .nan, 3]), location: "w")
        XCTAssertThrowsError(try weights.take(3, for: "layer 0 biases")) { error in
            XCTAssertTrue("\(error)".contains("layer 0 biases: value 1 (float 1 of the file) is nan"), "\(error)")
        }
    }

    /// Issue 15: a .cfg saved on Windows parses as the same file saved on Linux, and a
    /// .cfg that is not UTF-8 is refused at its line and column.
    func testWindowsLineEndingsAndBadTextAreHandled() throws {
        let text = "[net]\nwidth=416\n\n[maxpool]\nsize=2\n"
        let windows = try DarknetConfig(text: text.replacingOccurrences(of: "\n", with: "\r\n"), file: "crlf.cfg")
        XCTAssertEqual(windows, try DarknetConfig(text: text, file: "crlf.cfg"))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("labbook-cfg-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let latin1 = folder.appendingPathComponent("latin1.cfg")
        try (Data("[net]\n# caf".utf8) + [0xE9] + Data("\nwidth=1\n".utf8)).write(to: latin1)
        XCTAssertThrowsError(try DarknetConfig(contentsOf: latin1)) { error in
            XCTAssertTrue("\(error)".contains("byte 0xE9 at line 2, column 6"), "\(error)")
        }
    }

    /// Issue 15: a pickle of a protocol no Python writes is named as such.
    func testUnknownPickleProtocolIsNamed() {
        XCTAssertThrowsError(try TorchCheckpoint.read(Data([0x80, 0x09, 0x7D, 0x2E]), location: "p9.pth")) { error in
            XCTAssertTrue("\(error)".contains("pickle with protocol 9"), "\(error)")
        }
    }

    func testMD5KnownVectors() {
        XCTAssertEqual(MD5.hexDigest(Data()), "d41d8cd98f00b204e9800998ecf8427e")
        XCTAssertEqual(MD5.hexDigest(Data("The quick brown fox jumps over the lazy dog".utf8)), "9e107d9d372bb6826bd81d3542a419d6")
        XCTAssertEqual(MD5.hexDigest(Data(repeating: 0x61, count: 1000)), "cabe45dcc9ae5b66ba86600cca6b8ba8")
    }
}
