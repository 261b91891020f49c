// Tests for Cloud's core: the virtual clock.
import Foundation
import XCTest
@testable import Cloud

final class VirtualClockTests: XCTestCase {
    /// Records which events ran, in what order, and whether two ever ran at once.
    private final class Log: @unchecked Sendable {
        private let lock = NSLock()
        private var running = 0
        private(set) var overlapped = false
        private(set) var order: [Int] = []
        func enter(_ id: Int) { lock.withLock { running += 1; if running > 1 { overlapped = true }; order.append(id) } }
        func leave() { lock.withLock { running -= 1 } }
        var snapshot: [Int] { lock.withLock { order } }
    }

    func testConcurrentAdvancesRunEventsOneAtATimeInOrder() {
        let clock = VirtualClock()
        let log = Log()
        let count = 40
        for id in 1...count {
            clock.schedule(after: TimeInterval(id), label: "event \(id)") {
                log.enter(id)
                Thread.sleep(forTimeInterval: 0.002)  // long enough for another thread to interleave
                log.leave()
            }
        }
        // (label, target offsets each thread advances to)
        let group = DispatchGroup()
        for target in [TimeInterval(count), TimeInterval(count / 2), TimeInterval(count)] {
            DispatchQueue.global().async(group: group) { clock.advance(by: target) }
        }
        XCTAssertEqual(group.wait(timeout: .now() + 10), .success)
        XCTAssertFalse(log.overlapped, "two events ran at the same time")
        XCTAssertEqual(log.snapshot, Array(1...count), "every event once, in time order")
    }

    /// Actions may schedule more events and advance the clock themselves (a waiter inside an event).
    func testActionsMayScheduleAndAdvanceReentrantly() {
        let clock = VirtualClock()
        let start = clock.now
        var seen: [String] = []
        clock.schedule(after: 10, label: "outer") {
            seen.append("outer")
            clock.schedule(after: 5, label: "inner") { seen.append("inner") }
            clock.advance(by: 5)
            seen.append("outer done")
        }
        clock.advance(by: 60)
        XCTAssertEqual(seen, ["outer", "inner", "outer done"])
        XCTAssertEqual(clock.now.timeIntervalSince(start), 60, accuracy: 1e-9)
        XCTAssertTrue(clock.pendingEvents.isEmpty)
    }
}
