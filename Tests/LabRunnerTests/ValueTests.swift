import Foundation
import Serving
import XCTest
@testable import LabRunner

final class ValueTests: XCTestCase {
    func testPathsLookUpKeysIndicesAndWildcards() throws {
        let value: LabValue = ["items": [["score": 0.5], ["score": 0.75]], "name": "x"]
        XCTAssertEqual(try ValuePath(parsing: "$.items[1].score").lookup(in: value), 0.75)
        XCTAssertEqual(try ValuePath(parsing: "items[*].score").lookup(in: value), [0.5, 0.75])
        XCTAssertEqual(try ValuePath(parsing: "$.items[-1].score").lookup(in: value), 0.75)
        XCTAssertEqual(try ValuePath(parsing: "$").lookup(in: value), value)
        XCTAssertThrowsError(try ValuePath(parsing: "$.nmae").lookup(in: value)) {
            XCTAssertEqual("\($0)", "$ has no key 'nmae' (did you mean 'name'?)")
        }
        XCTAssertThrowsError(try ValuePath(parsing: "$.items[5]").lookup(in: value)) {
            XCTAssertEqual("\($0)", "$.items has 2 items; index 5 is out of range")
        }
    }

    func testTemplatesKeepTypesOrSpliceText() throws {
        let scope = Scope(params: ["n": 3, "name": "모델"], outputs: ["a": ["x": [1, 2]]], lab: [:])
        let node = { (s: String) in BookNode(location: .synthetic("t"), content: .scalar(.string(s))) }
        XCTAssertEqual(try scope.resolve(node("${params.n}")), 3)
        XCTAssertEqual(try scope.resolve(node("${steps.a.x}")), [1, 2])
        XCTAssertEqual(try scope.resolve(node("n=${params.n}, ${params.name}")), "n=3, 모델")
        XCTAssertEqual(try scope.resolve(node("cost $5 and $${literal}")), "cost $5 and ${literal}")
        XCTAssertThrowsError(try scope.resolve(node("${steps.b.x}")))
        XCTAssertEqual(try scope.resolve(node("{\"t\": ${params.name | json}, \"x\": ${steps.a.x|json}}")), "{\"t\": \"모델\", \"x\": [1,2]}")
        XCTAssertThrowsError(try scope.resolve(node("${params.n | upper}")))
    }

    func testJSONParserIsStrictAndExact() throws {
        XCTAssertEqual(try LabValue(json: Data("{\"a\": [1, 2.5, true, null, \"\\uD55C\\ud83d\\ude00\"]}".utf8)),
                       ["a": [1, 2.5, true, .null, "한😀"]])
        XCTAssertEqual(try LabValue(json: Data("9007199254740993".utf8)), .int(9007199254740993))
        for bad in ["", "{", "[1,]", "{\"a\" 1}", "01", "1.", "\"\\x\"", "tru", "[1] 2", "\"\u{01}\"", String(repeating: "[", count: 600)] {
            XCTAssertThrowsError(try LabValue(json: Data(bad.utf8)), bad)
        }
    }

    func testNearestNameSuggestsTyposAndPrefixes() {
        XCTAssertEqual(nearestName(to: "ouput", in: ["output", "input"]), "output")
        XCTAssertEqual(nearestName(to: "integer", in: ["int", "string"]), "int")
        XCTAssertNil(nearestName(to: "zzz", in: ["output"]))
    }

    func testPlainScalarsFollowYAML12NotYAML11() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("labbook-yaml-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let yaml = "a: yes\nb: on\nc: 007\nd: 1_000\ne: 1:30\nf: true\ng: 12\nh: -3.5e2\ni: .inf\nj: ~\nk: \"12\"\nl: 0\n"
        let node = try YAMLReader.read(yaml, file: "t.yaml")
        XCTAssertEqual(node.value, ["a": "yes", "b": "on", "c": "007", "d": "1_000", "e": "1:30", "f": true, "g": 12,
                                    "h": -350.0, "i": .number(.infinity), "j": .null, "k": "12", "l": 0])
    }

    func testNumbersSpliceIntoTextWithoutAFraction() throws {
        let scope = Scope(params: ["n": .number(5), "x": .number(2.5)], lab: [:])
        let node = BookNode(location: .synthetic("t"), content: .scalar("ep-${params.n}-${params.x}"))
        XCTAssertEqual(try scope.resolve(node), "ep-5-2.5")
    }
}
