// The cores every op splits its work over (matrix products, convolutions, norms): the
// caller plus one spinning worker per other core, one pool for the whole process so that
// no two pools' spinning workers fight over the cores. See SpinningWorkers for why not
// Dispatch: a YOLOv3-tiny forward runs 24 layers and an ELECTRA forward ~100 ops in tens
// of milliseconds, and a sleeping Dispatch worker wakes too late to help.
import Foundation

public enum ComputeThreads {
    public static let count = max(ProcessInfo.processInfo.activeProcessorCount, 1)

    /// `SpinningWorkers` (an `AnyObject` because macOS before 15 lacks the atomics it uses).
    private static let workers: AnyObject? = {
        if #available(macOS 15.0, *) { return SpinningWorkers(workers: count - 1) }
        return nil
    }()

    /// Runs `body(part)` once for every part in `0..<parts`, spread over the cores; returns when all are done.
    public static func run(parts: Int, _ body: @escaping (Int) -> Void) {
        if #available(macOS 15.0, *), let workers = workers as? SpinningWorkers {
            workers.run(parts: parts, body)
        } else {
            DispatchQueue.concurrentPerform(iterations: parts, execute: body)
        }
    }

    /// Splits `0..<total` into about two parts per core and runs `body(range)` for each.
    public static func run(splitting total: Int, _ body: @escaping (Range<Int>) -> Void) {
        let parts = min(total, 2 * count)
        guard parts > 0 else { return }
        run(parts: parts) { part in body((total * part / parts)..<(total * (part + 1) / parts)) }
    }
}

/// The first error thrown on any part, rethrown on the caller.
final class FailureBox: @unchecked Sendable {
    private let lock = NSLock()
    private var error: Error?
    func run(_ body: () throws -> Void) {
        do { try body() } catch {
            lock.lock(); if self.error == nil { self.error = error }; lock.unlock()
        }
    }
    func check() throws {
        lock.lock(); defer { lock.unlock() }
        if let error { throw error }
    }
}

/// Hands out the numbers `0..<count` to the parts as they come free, each once.
final class WorkCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    func claim(below count: Int) -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard next < count else { return nil }
        next += 1
        return next - 1
    }
}
