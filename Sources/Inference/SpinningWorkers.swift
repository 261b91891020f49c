// A small pool for splitting one product across cores, shaped by two facts measured on a
// shared 2-core machine: between products a forward pass spends only microseconds in
// Swift, so a worker that went to sleep wakes too late to help (Dispatch's pool: 35 ms per
// ELECTRA-small forward at 128 tokens, no faster than one thread); and on a busy machine a
// fork-join that waits for every thread stalls whenever the scheduler parks one (OpenMP:
// 18 ms idle, 440 ms at load 7). So workers spin for a while after each job, and parts are
// claimed, not assigned: the caller claims parts too and waits only for parts a worker has
// actually started, so with no worker running it simply does them all itself.
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

@available(macOS 15.0, *)
final class SpinningWorkers: @unchecked Sendable {
    /// One job: `body(part)` for every part in `0..<parts`, each exactly once.
    private final class Job: @unchecked Sendable {
        let parts: Int
        let body: (Int) -> Void
        let next = Atomic<Int>(0)
        let done = Atomic<Int>(0)
        init(parts: Int, body: @escaping (Int) -> Void) {
            self.parts = parts
            self.body = body
        }

        /// Claims and runs parts until none are left.
        func work() {
            while true {
                let part = next.wrappingAdd(1, ordering: .acquiringAndReleasing).oldValue
                guard part < parts else { return }
                body(part)
                done.wrappingAdd(1, ordering: .releasing)
            }
        }
    }

    /// Spin iterations a worker waits for the next job before it sleeps: about 1 ms, longer
    /// than the Swift-side ops between two products (ELECTRA-small at 128 tokens: 19-23 ms
    /// per forward with 20 µs of spinning, 19-20 ms with 1 ms).
    static let spinLimit = 1_000_000

    private let generation = Atomic<Int>(0)
    private let condition = NSCondition()
    private var current: Job?, sleepers = 0

    init(workers: Int) {
        for index in 0..<max(workers, 0) {
            let thread = Thread { [unowned self] in self.workerLoop() }
            thread.name = "labbook-matmul-\(index + 1)"
            thread.start()
        }
    }

    /// Runs `body` for parts `0..<parts` on the caller and any spinning worker; returns when all are done.
    func run(parts: Int, _ body: @escaping (Int) -> Void) {
        guard parts > 1 else {
            if parts == 1 { body(0) }
            return
        }
        let job = Job(parts: parts, body: body)
        condition.lock()
        current = job
        generation.wrappingAdd(1, ordering: .releasing)
        if sleepers > 0 { condition.broadcast() }
        condition.unlock()
        job.work()
        // Only parts a worker is running remain; yield now and then in case it was descheduled.
        var spins = 0
        while job.done.load(ordering: .acquiring) < parts {
            spins += 1
            if spins % 4096 == 0 { sched_yield() }
        }
    }

    private func workerLoop() {
        var seen = 0
        while true {
            var spins = 0
            while generation.load(ordering: .acquiring) == seen, spins < SpinningWorkers.spinLimit { spins += 1 }
            condition.lock()
            while generation.load(ordering: .acquiring) == seen {
                sleepers += 1
                condition.wait()
                sleepers -= 1
            }
            seen = generation.load(ordering: .acquiring)
            let job = current
            condition.unlock()
            job?.work()
        }
    }
}
