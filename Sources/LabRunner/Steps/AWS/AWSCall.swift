// How a step calls AWS: boto3-shaped parameters through the run's AWSCaller (the
// embedded account, or `--endpoint-url`), and the answer back as a LabValue.
import Cloud
import Foundation

extension StepContext {
    /// Where this run's AWS calls go.
    public var aws: any AWSCaller { session.services.aws }

    /// `boto3.client(service).<operation>(**parameters)`, as a step output.
    func call(_ service: String, _ operation: String, _ parameters: LabValue) async throws -> LabValue {
        LabValue(aws: try await call(service, operation, parameters.awsValue))
    }

    /// The same with parameters built in Swift. `shown: false` keeps labbook's own
    /// bookkeeping (the weights trail) out of the step's boto3 snippet.
    func call(_ service: String, _ operation: String, _ parameters: AWSValue = .empty,
              shown: Bool = true) async throws -> AWSValue {
        await learnServerClock()  // before the first call, so that awsNow is the account's time
        if shown { record(RecordedCall(service: service, operation: operation, parameters: parameters)) }
        return try await aws.call(service, operation, parameters)
    }

    /// For steps with no AWS API behind them that labbook serve's `/_labbook/` API does not
    /// offer either (simulated latency): the embedded account, or a clear refusal over the wire.
    func embeddedCloud(for kind: String, at location: SourceLocation) throws -> CloudEnvironment {
        guard session.services.aws is CloudDispatch else { throw needsEmbeddedCloud(kind, at: location) }
        return cloud
    }

    /// The refusal, also for callers that are neither the embedded account nor a WireClient.
    func needsEmbeddedCloud(_ kind: String, at location: SourceLocation) -> LabError {
        LabError(location, "\(kind) needs the embedded cloud: it has no AWS API call behind it, so it cannot run against \(aws.destination). Run the book without --endpoint-url.",
                 ko: "\(kind) 단계는 내장 클라우드에서만 실행됩니다. 대응하는 AWS API가 없어서 \(aws.destination)에는 보낼 수 없습니다. "
                     + "--endpoint-url 없이 실행하세요.")
    }

    /// Whether the run's calls go to the embedded account (its virtual clock is the step's to move).
    var isEmbedded: Bool { session.services.aws is CloudDispatch }

    /// Lets `seconds` pass between polls or in a `clock.sleep`: the embedded account's
    /// virtual clock advances (scheduled work runs on the way), and so does labbook serve's
    /// through `/_labbook/clock`; against any other endpoint time passes on the server, so
    /// the step sleeps for real. Cancelled with the step (its timeout).
    func pause(seconds: Double) async throws {
        guard seconds > 0, seconds.isFinite else { return }
        try Task.checkCancellation()
        if let dispatch = session.services.aws as? CloudDispatch {
            dispatch.synchronized { dispatch.cloud.clock.advance(by: seconds) }
        } else if try await advanceServerClock(by: seconds) {
            return
        } else {
            try await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
        }
    }

    /// The time on the account's clock: the embedded virtual clock, labbook serve's (as last
    /// read, run on at its time scale), or this machine's clock over the wire to any other
    /// endpoint (a window such as "the last 100 minutes" is computed from it).
    var awsNow: Date { isEmbedded ? cloud.clock.now : session.services.serverClock.now ?? Date() }

    /// The region the calls are made in: the embedded account's, or `--region`'s.
    var awsRegion: String { aws.region }

    /// A listing called page after page until no token comes back, as a boto3 paginator
    /// does: the `items` member of every page in order, and the last page's answer.
    func callPages(_ service: String, _ operation: String, _ parameters: AWSValue,
                   token: (input: String, output: String), items member: String) async throws -> (items: [AWSValue], last: AWSValue) {
        var items: [AWSValue] = [], request = parameters.entries ?? [:], seen: Set<String> = []
        while true {
            try Task.checkCancellation()
            let page = try await call(service, operation, .map(request))
            items += page[member]?.list ?? []
            guard let next = page[token.output]?.string else { return (items, page) }
            // A token handed back twice would page forever; botocore's paginator refuses it too.
            guard seen.insert(next).inserted else {
                throw AWSError(service: service, code: "PaginationError", httpStatus: 400,
                               message: "The same next token was received twice: \(next)")
            }
            request[token.input] = .string(next)
        }
    }
}

extension LabValue {
    /// A boto3 answer with the step's own members after it (a nil value removes a member).
    init(aws value: AWSValue, adding extras: [(String, LabValue?)]) {
        var object = LabValue(aws: value).object ?? LabObject()
        for (key, extra) in extras { object[key] = extra }
        self = .object(object)
    }
}

extension LabValue {
    /// boto3-shaped: YAML mappings become structures, numbers keep their kind.
    public var awsValue: AWSValue {
        switch self {
        case .null: .null
        case .bool(let b): .bool(b)
        case .int(let i): .integer(Int64(i))
        case .number(let d): .double(d)
        case .string(let s): .string(s)
        case .list(let items): .list(items.map(\.awsValue))
        case .object(let o): .map(Dictionary(o.entries.map { ($0.key, $0.value.awsValue) }, uniquingKeysWith: { _, last in last }))
        }
    }

    /// A boto3 answer as a step output: timestamps as ISO 8601 text, blobs as UTF-8 text
    /// when they are text, else base64; structure members in name order.
    public init(aws value: AWSValue) {
        switch value {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .integer(let i): self = Int(exactly: i).map(LabValue.int) ?? .number(Double(i))
        case .double(let d): self = .number(d)
        case .string(let s): self = .string(s)
        case .blob(let d): self = .string(String(data: d, encoding: .utf8) ?? d.base64EncodedString())
        case .timestamp(let d): self = Shape.date(d)
        case .list(let items): self = .list(items.map(LabValue.init(aws:)))
        case .map(let m): self = .object(LabObject(m.keys.sorted().map { ($0, LabValue(aws: m[$0]!)) }))
        }
    }
}
