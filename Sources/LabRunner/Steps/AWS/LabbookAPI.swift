// labbook serve's own API under `/_labbook/` (CloudServer's LabbookExtensions.swift lists
// its routes), as a run over the wire uses it: the steps no AWS API answers (an SNS
// subscriber's inbox, building and pushing an image), and the account's virtual clock, so
// that waiters and `clock.sleep` move the server's time as they move the embedded one's
// instead of sleeping for real. Against moto, LocalStack or AWS, which do not offer the
// API, those steps refuse with what the student does there instead, and time is real.
import AWSWire
import Cloud
import Foundation

/// The answer of a server that does not offer the API (no `x-labbook-extension` header).
private struct NotOffered: Error { var status: Int }

/// labbook serve's clock as a run last read it: the server's time then, this machine's
/// time then, and how fast the server's clock runs. Nothing read yet means time is this
/// machine's; a server without the API is asked once per run.
final class ServerClockReading: @unchecked Sendable {
    private enum State { case unknown, absent, read(server: Date, local: Date, scale: Double) }
    private let lock = NSLock()
    private var state = State.unknown

    var isUnknown: Bool { lock.withLock { if case .unknown = state { true } else { false } } }
    var isAbsent: Bool { lock.withLock { if case .absent = state { true } else { false } } }

    /// The server's time now, estimated from the last reading.
    var now: Date? {
        lock.withLock {
            guard case let .read(server, local, scale) = state else { return nil }
            return server.addingTimeInterval(Date().timeIntervalSince(local) * scale)
        }
    }

    func record(_ answer: LabValue) {
        let time = ISO8601DateFormatter()
        time.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let now = answer["Now"]?.string.flatMap(time.date(from:)) else { return }
        let scale = answer["TimeScale"].flatMap { value -> Double? in
            switch value { case .number(let d): d; case .int(let i): Double(i); default: nil }
        } ?? 1
        lock.withLock { state = .read(server: now, local: Date(), scale: scale) }
    }

    func markAbsent() { lock.withLock { state = .absent } }
}

extension StepContext {
    /// For the steps labbook serve answers through its API: the route's JSON answer. The
    /// API's own errors come back as AWSError (an `expect-error` can match them); a server
    /// without the API gets a message saying what the student does on real AWS instead
    /// (`onRealAWSKo` says it in Korean, for a Korean handout).
    func labbookExtension(_ kind: String, at location: SourceLocation, onRealAWS: String, onRealAWSKo: String? = nil,
                          method: String, path: String,
                          query: [(name: String, value: String)], body: Data = Data()) async throws -> LabValue {
        guard let wire = aws as? WireClient else { throw needsEmbeddedCloud(kind, at: location) }
        do {
            return try await Self.labbookAPI(wire, method: method, path: path, query: query, body: body)
        } catch let refused as NotOffered {
            throw LabError(location, "\(kind) needs labbook serve's /_labbook/ extension (or the embedded cloud): \(wire.destination) does not offer it (\(method) \(path) answered HTTP \(refused.status)). On real AWS, \(onRealAWS).",
                           ko: "\(kind) 단계에는 labbook serve의 /_labbook/ 확장(또는 내장 클라우드)이 필요한데 \(wire.destination)에는 "
                               + "그 확장이 없습니다(\(method) \(path)의 응답: HTTP \(refused.status)). 실제 AWS에서는 \(onRealAWSKo ?? onRealAWS).")
        }
    }

    /// Reads labbook serve's clock once per run, before the first call over the wire.
    /// Failures are left to the call itself to report: the reading stays unknown.
    func learnServerClock() async {
        guard let wire = aws as? WireClient, session.services.serverClock.isUnknown else { return }
        do {
            session.services.serverClock.record(try await Self.labbookAPI(wire, method: "GET", path: "/_labbook/clock"))
        } catch is NotOffered {
            session.services.serverClock.markAbsent()
        } catch {}
    }

    /// Reads labbook serve's clock again at a step's end: the server's own events (a cold
    /// start, a model's latency) move it between the readings a step's pauses make.
    func refreshServerClock() async {
        guard let wire = aws as? WireClient, !session.services.serverClock.isAbsent,
              !session.services.serverClock.isUnknown else { return }
        if let answer = try? await Self.labbookAPI(wire, method: "GET", path: "/_labbook/clock") {
            session.services.serverClock.record(answer)
        }
    }

    /// Moves labbook serve's clock `seconds` ahead (what falls due runs on the way); false
    /// when the run's calls do not go to a labbook serve, whose time then passes for real.
    func advanceServerClock(by seconds: Double) async throws -> Bool {
        guard let wire = aws as? WireClient, !session.services.serverClock.isAbsent else { return false }
        do {
            let answer = try await Self.labbookAPI(wire, method: "POST", path: "/_labbook/clock",
                                                   query: [("AdvanceSeconds", String(seconds))])
            session.services.serverClock.record(answer)
            return true
        } catch is NotOffered {
            session.services.serverClock.markAbsent()
            return false
        }
    }

    /// One request to the API: its JSON answer, AWSError for its errors, NotOffered when
    /// the answer lacks the API's header (it came from something else).
    private static func labbookAPI(_ wire: WireClient, method: String, path: String,
                                   query: [(name: String, value: String)] = [], body: Data = Data()) async throws -> LabValue {
        let answer = try await wire.extensionRequest(method: method, path: path, query: query, body: body)
        guard answer.headers.contains(where: { $0.name.lowercased() == "x-labbook-extension" }) else {
            throw NotOffered(status: answer.status)
        }
        let value = try? LabValue(json: answer.body)
        guard (200..<300).contains(answer.status), let value else {
            throw AWSError(service: "labbook", code: value?["__type"]?.string ?? "HTTP \(answer.status)", httpStatus: answer.status,
                           message: value?["message"]?.string ?? String(decoding: answer.body.prefix(500), as: UTF8.self))
        }
        return value
    }
}
