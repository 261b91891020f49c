// `labbook serve`: the emulated account (or one function's runtime interface emulator) on
// one HTTP port, served by Hummingbird 2. Every request goes to the service whatever its
// method and path, because AWS routes by header, body and signature scope as much as by path.
import AWSWire
import Cloud
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// What answers the server's requests: the emulated account, or a function's RIE route.
public protocol WireHandling: Sendable {
    /// Bodies larger than this are refused before they are read.
    var maxBodyBytes: Int { get }
    func respond(to request: WireRequest) async -> WireResponse
    /// The answer to a body over `maxBodyBytes`, in the protocol `path` speaks.
    func tooLarge(_ limit: Int, path: String) -> WireResponse
}

public struct CloudHTTPServer: Sendable {
    public let service: any WireHandling
    public let host: String
    public let port: Int

    public init(service: any WireHandling, host: String, port: Int) {
        self.service = service
        self.host = host
        self.port = port
    }

    /// Serves until the task is cancelled or the process gets SIGTERM/SIGINT;
    /// `onListening` gets the bound URL (the real port when `port` is 0).
    public func run(onListening: @escaping @Sendable (String) async -> Void) async throws {
        var logger = Logger(label: "labbook.serve")
        logger.logLevel = .critical  // a client dropping its connection is not the operator's business
        let responder = WireResponder(service: service)
        let host = self.host
        let app = Application(
            responder: responder,
            server: .http1(configuration: .init(additionalChannelHandlers: [ExpectContinueHandler()])),
            configuration: .init(address: .hostname(host, port: port), serverName: "labbook"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                let shown = host.contains(":") ? "[\(host)]" : host
                await onListening("http://\(shown):\(port)")
            },
            logger: logger)
        try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
    }
}

struct WireResponder: HTTPResponder {
    typealias Context = BasicRequestContext
    let service: any WireHandling

    func respond(to request: Request, context: Context) async throws -> Response {
        let limit = service.maxBodyBytes
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            return tooLarge(limit, path: request.uri.path)
        }
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: limit)
        } catch {
            return tooLarge(limit, path: request.uri.path)
        }
        let wire = WireRequest(method: request.method.rawValue, target: request.head.path ?? "/",
                               headers: request.headers.map { ($0.name.rawName, $0.value) }
                                   + (request.head.authority.map { [("host", $0)] } ?? []),
                               body: Data(buffer: body))
        return response(await service.respond(to: wire), isHead: request.method == .head)
    }

    private func response(_ answer: WireResponse, isHead: Bool) -> Response {
        var fields = HTTPFields()
        for (name, value) in answer.headers {
            if let field = HTTPField.Name(name) { fields.append(HTTPField(name: field, value: value)) }
        }
        // A HEAD answer keeps the Content-Length of the object it describes.
        if !isHead || fields[.contentLength] == nil { fields[.contentLength] = String(answer.body.count) }
        return Response(status: .init(code: answer.status), headers: fields,
                        body: isHead ? ResponseBody() : ResponseBody(byteBuffer: ByteBuffer(data: answer.body)))
    }

    private func tooLarge(_ limit: Int, path: String) -> Response {
        response(service.tooLarge(limit, path: path), isHead: false)
    }
}
