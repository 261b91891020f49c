// The shared machinery steps call: inference handlers by name and the emulated cloud.
// One instance per `labbook run`, so a book's AWS state lives for the whole book.
import Foundation
import Serving

public final class LabServices: @unchecked Sendable {
    public let handlers: HandlerRegistry
    public let stateDirectory: URL
    private let clock: () -> Date

    public init(handlers: HandlerRegistry, stateDirectory: URL, simulatedClock: @escaping () -> Date = { Date(timeIntervalSince1970: 0) }) {
        self.handlers = handlers
        self.stateDirectory = stateDirectory
        self.clock = simulatedClock
    }

    /// The simulated time, for the summary's "simulated" column.
    public func simulatedNow() -> Date { clock() }
}
