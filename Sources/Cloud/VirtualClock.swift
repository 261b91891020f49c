// Simulated time. Provisioning, cooldowns, polling waits and model latency advance this
// clock instead of the wall clock, so an hour of autoscaling runs in seconds. Scheduled
// events run in time order (ties in the order they were scheduled), which keeps runs
// deterministic.
import Foundation

public final class VirtualClock: @unchecked Sendable {
    public struct EventID: Hashable, Sendable { let raw: Int }

    private struct Event {
        var id: Int
        var due: Date
        var label: String
        var action: () -> Void
    }

    private let lock = NSRecursiveLock()
    /// Held while events run, so two threads advancing at once run them one at a time and
    /// in time order. Recursive, and separate from `lock`: an action may schedule events,
    /// read `now`, or advance the clock itself.
    private let drainLock = NSRecursiveLock()
    private var current: Date
    private var events: [Event] = []
    private var nextID = 0

    /// Starts at `start`; the default is a fixed instant so that runs repeat exactly.
    public init(start: Date = Date(timeIntervalSince1970: 1_767_225_600)) {  // 2026-01-01T00:00:00Z
        current = start
    }

    public var now: Date { lock.withLock { current } }

    /// Runs `action` when the clock reaches `now + delay`.
    @discardableResult
    public func schedule(after delay: TimeInterval, label: String, _ action: @escaping () -> Void) -> EventID {
        lock.withLock {
            nextID += 1
            events.append(Event(id: nextID, due: current.addingTimeInterval(max(0, delay)), label: label, action: action))
            return EventID(raw: nextID)
        }
    }

    public func cancel(_ id: EventID) {
        lock.withLock { events.removeAll { $0.id == id.raw } }
    }

    /// Labels of the events still waiting, soonest first (for diagnostics).
    public var pendingEvents: [(due: Date, label: String)] {
        lock.withLock { events.sorted(by: Self.order).map { ($0.due, $0.label) } }
    }

    /// Moves time forward by `interval`, running every event that falls due on the way.
    public func advance(by interval: TimeInterval) {
        advance(to: now.addingTimeInterval(max(0, interval)))
    }

    public func advance(to target: Date) {
        drainLock.withLock {
            while let event = popEvent(dueBy: target) {
                event.action()
            }
            lock.withLock { if target > current { current = target } }
        }
    }

    /// Advances in `step`s until `condition` holds or `timeout` passes; returns whether it held.
    /// This is what a waiter or a polling loop does on AWS.
    public func wait(step: TimeInterval, timeout: TimeInterval, until condition: () -> Bool) -> Bool {
        let deadline = now.addingTimeInterval(timeout)
        while !condition() {
            if now >= deadline { return false }
            advance(to: min(deadline, now.addingTimeInterval(step)))
        }
        return true
    }

    private func popEvent(dueBy target: Date) -> Event? {
        lock.withLock {
            guard let index = events.indices.filter({ events[$0].due <= target })
                .min(by: { Self.order(events[$0], events[$1]) }) else { return nil }
            let event = events.remove(at: index)
            if event.due > current { current = event.due }
            return event
        }
    }

    private static func order(_ a: Event, _ b: Event) -> Bool {
        a.due != b.due ? a.due < b.due : a.id < b.id
    }
}
