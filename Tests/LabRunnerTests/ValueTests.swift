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
}
