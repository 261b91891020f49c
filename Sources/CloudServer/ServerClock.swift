// The server's virtual clock runs with the wall clock, `scale` times faster: an endpoint
// takes its simulated minutes to come InService unless `--time-scale` says otherwise, and
// boto3's waiters, which poll in real seconds, see time pass either way.
import Cloud
import Foundation

public struct ServerClock: Sendable {
    public let clock: VirtualClock
    public let scale: Double
    /// How often the virtual clock catches up with the wall clock.
    public let tick: Duration

    public init(clock: VirtualClock, scale: Double, tick: Duration = .milliseconds(50)) {
        self.clock = clock
        self.scale = scale
        self.tick = tick
    }

    /// Advances the clock until cancelled, inside the dispatch's lock so that scheduled
    /// events (endpoint transitions, async invocations) never interleave with a call. Each
    /// tick adds the wall time since the last one rather than aiming at start + elapsed:
    /// a client's `POST /_labbook/clock` moves the clock ahead, and time runs on from there.
    public func run(on dispatch: CloudDispatch) async {
        var last = ContinuousClock.now, lastRecorded = last
        while !Task.isCancelled {
            try? await Task.sleep(for: tick)
            let now = ContinuousClock.now
            let elapsed = now - last
            last = now
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            dispatch.synchronized { clock.advance(by: seconds * scale) }
            // Faster than the wall clock, the account's time is journaled now and then, so a
            // restart resumes near it instead of at the wall clock's (behind it).
            if scale > 1, now - lastRecorded >= .seconds(5) {
                lastRecorded = now
                try? dispatch.record(event: "clock", [:])
            }
        }
    }
}
