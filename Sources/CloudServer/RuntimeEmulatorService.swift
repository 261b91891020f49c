// `labbook serve --lambda-image`: one function's runtime interface emulator route on the
// port, for testing an image before it is pushed, as the seed's README does with curl.
// Invocations run one at a time off the event loop; the function's log goes to stderr,
// as the RIE prints it in the container's output.
import AWSWire
import Foundation
import Serving

public struct RuntimeEmulatorService: WireHandling {
    /// Lambda's synchronous request limit; the RIE's port is Lambda's Invoke in miniature.
    public static let maxEventBytes = 6_291_456

    public let emulator: LambdaRuntimeEmulator
    private let log: @Sendable (String) -> Void
    private let queue = DispatchQueue(label: "labbook.lambda.rie")

    public init(emulator: LambdaRuntimeEmulator, log: @escaping @Sendable (String) -> Void) {
        self.emulator = emulator
        self.log = log
    }

    public var maxBodyBytes: Int { Self.maxEventBytes }

    public func respond(to request: WireRequest) async -> WireResponse {
        await withCheckedContinuation { continuation in
            queue.async {
                let reply = emulator.respond(method: request.method, path: request.rawPath, body: request.body)
                if !reply.log.isEmpty { log(reply.log) }
                continuation.resume(returning: WireResponse(status: reply.status, headers: [("Content-Type", reply.contentType)],
                                                            body: reply.body))
            }
        }
    }

    public func tooLarge(_ limit: Int, path: String) -> WireResponse {
        WireResponse(status: 413, headers: [("Content-Type", "text/plain; charset=utf-8")],
                     body: Data("Request must be smaller than \(limit) bytes for the InvokeFunction operation\n".utf8))
    }
}
