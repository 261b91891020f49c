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

    /// Advances the clock until cancelled, on `queue` so that scheduled events (endpoint
    /// transitions, async invocations) run where the dispatch runs.
    public func run(on dispatch: CloudDispatch) async {
        let startWall = Date(), startVirtual = clock.now
        while !Task.isCancelled {
            try? await Task.sleep(for: tick)
            let target = startVirtual.addingTimeInterval(Date().timeIntervalSince(startWall) * scale)
            dispatch.synchronized { if target > clock.now { clock.advance(to: target) } }
        }
    }
}
