// Axes and value labels that read right: seconds in the unit that suits them, bytes in
// KB/MB, whole-number axes without half ticks, small plain numbers not rounded to "0".
import XCTest
@testable import Media

final class AxisUnitTests: XCTestCase {
    func testValuesReadWithTheirUnit() {
        XCTAssertEqual(AxisFormat.seconds.text(0.000355), "355 μs")
        XCTAssertEqual(AxisFormat.seconds.text(0.0014), "1.4 ms")
        XCTAssertEqual(AxisFormat.seconds.text(2.5), "2.5 s")
        XCTAssertEqual(AxisFormat.seconds.text(0), "0 s")
        XCTAssertEqual(AxisFormat.bytes.text(7_455_381), "7.11 MB")
        XCTAssertEqual(AxisFormat.bytes.text(512), "512 B")
        XCTAssertEqual(AxisFormat.number.text(0.000355), "0.000355", "a small number is not '0'")
        XCTAssertEqual(AxisFormat.number.text(12.5), "12.5")
    }

    func testTicksShareTheLargestTicksUnit() {
        let axis = AxisScale(values: [0.00033, 0.00057], format: .seconds)
        XCTAssertTrue(axis.labels.allSatisfy { $0.hasSuffix(" μs") }, "\(axis.labels)")
        XCTAssertTrue(axis.labels.contains("400 μs"), "\(axis.labels)")
        let mixed = AxisScale(values: [0, 0.0012], format: .seconds, includeZero: true)
        XCTAssertEqual(mixed.labels.first, "0")
        XCTAssertTrue(mixed.labels.dropFirst().allSatisfy { $0.hasSuffix(" ms") }, "\(mixed.labels)")
    }

    func testWholeNumbersGetWholeTicks() {
        let rounds = AxisScale(values: (0...19).map(Double.init), format: .number)
        XCTAssertTrue(rounds.ticks.allSatisfy { $0.rounded() == $0 }, "\(rounds.ticks)")
        let three = AxisScale(values: [0, 1, 2], format: .number)
        XCTAssertEqual(three.labels, ["0", "1", "2"])
    }
}
