// The shared machinery steps call: inference handlers by name, the emulated cloud,
// local-mode endpoints and the project's fixture models. One instance per book run,
// so a book's AWS state lives for the whole book and no longer.
import Cloud
import Foundation
import Serving

public final class LabServices: @unchecked Sendable {
    public let handlers: HandlerRegistry
    public let stateDirectory: URL
    public let cloud: CloudEnvironment
    /// Where steps' AWS calls go: the embedded account's dispatch unless the run has
    /// `--endpoint-url`.
    public let aws: any AWSCaller
    /// labbook serve's clock as this run last read it (LabbookAPI.swift); unused on the embedded account.
    let serverClock = ServerClockReading()
    /// The models steps name as `fixture:<name>`.
    let fixtures: [String: URL]
    private let lock = NSLock()
    private var localEndpoints: [String: ModelContainer] = [:]

    public init(handlers: HandlerRegistry, stateDirectory: URL, fixtures: [String: URL], remote: (any AWSCaller)? = nil) throws {
        self.handlers = handlers
        self.stateDirectory = stateDirectory
        self.fixtures = fixtures
        cloud = try CloudEnvironment(stateDirectory: stateDirectory.appendingPathComponent("cloud"), registry: handlers)
        aws = remote ?? CloudDispatch(cloud: cloud)
    }

    /// The simulated time, for the summary's "simulated" column: the account's time: the embedded virtual clock, or labbook serve's as last read over
    /// the wire (nil before the first reading, and against endpoints that have no clock).
    public func simulatedNow() -> Date? {
        aws is CloudDispatch ? cloud.clock.now : serverClock.now
    }

    func addLocalEndpoint(_ name: String, _ container: ModelContainer, at location: SourceLocation) throws {
        try lock.withLock {
            guard localEndpoints[name] == nil else {
                throw LabError(location, "a local endpoint named '\(name)' is already running", ko: "이름이 '\(name)'인 로컬 엔드포인트가 이미 실행 중입니다")
            }
            localEndpoints[name] = container
        }
    }

    func checkLocalEndpointFree(_ name: String, at location: SourceLocation) throws {
        try lock.withLock {
            if localEndpoints[name] != nil {
                throw LabError(location, "a local endpoint named '\(name)' is already running", ko: "이름이 '\(name)'인 로컬 엔드포인트가 이미 실행 중입니다")
            }
        }
    }

    func localEndpoint(_ name: String, at location: SourceLocation) throws -> ModelContainer {
        try lock.withLock {
            guard let container = localEndpoints[name] else {
                throw LabError.unknown("local endpoint", name, at: location, known: localEndpoints.keys.sorted(), koWhat: "로컬 엔드포인트")
            }
            return container
        }
    }

    func removeLocalEndpoint(_ name: String, at location: SourceLocation) throws {
        _ = try localEndpoint(name, at: location)
        lock.withLock { _ = localEndpoints.removeValue(forKey: name) }
    }
}

extension StepContext {
    /// The book's emulated AWS account.
    public var cloud: CloudEnvironment { session.services.cloud }
}
