// `labbook serve`: the emulated account on one HTTP port, served by Hummingbird 2.
// Every request goes to WireService whatever its method and path, because AWS routes by
// header, body and signature scope as much as by path.
import AWSWire
import Cloud
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

public struct CloudHTTPServer: Sendable {
    public let service: WireService
    public let host: String
    public let port: Int

    public init(service: WireService, host: String, port: Int) {
        self.service = service
        self.host = host
        self.port = port
    }

    /// Serves until the task is cancelled or the process gets SIGTERM/SIGINT;
    /// `onListening` gets the bound URL (the real port when `port` is 0).
    public func run(onListening: @escaping @Sendable (String) async -> Void) async throws {
        var logger = Logger(label: "labbook.serve")
        logger.logLevel = .warning
        let responder = WireResponder(service: service)
        let host = self.host
        let app = Application(
            responder: responder,
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
    let service: WireService

    func respond(to request: Request, context: Context) async throws -> Response {
        let limit = service.options.maxBodyBytes
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            return tooLarge(limit)
        }
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: limit)
        } catch {
            return tooLarge(limit)
        }
        let wire = WireRequest(method: request.method.rawValue, target: request.head.path ?? "/",
                               headers: request.headers.map { ($0.name.rawName, $0.value) }
                                   + (request.head.authority.map { [("host", $0)] } ?? []),
                               body: Data(buffer: body))
        let answer = await service.respond(to: wire)
        var fields = HTTPFields()
        for (name, value) in answer.headers {
            if let field = HTTPField.Name(name) { fields.append(HTTPField(name: field, value: value)) }
        }
        let isHead = request.method == .head
        // A HEAD answer keeps the Content-Length of the object it describes.
        if !isHead || fields[.contentLength] == nil { fields[.contentLength] = String(answer.body.count) }
        return Response(status: .init(code: answer.status), headers: fields,
                        body: isHead ? ResponseBody() : ResponseBody(byteBuffer: ByteBuffer(data: answer.body)))
    }

    private func tooLarge(_ limit: Int) -> Response {
        let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>EntityTooLarge</Code><Message>Your proposed upload exceeds the maximum allowed size of \(limit) bytes for one request on this server.</Message></Error>"
        return Response(status: .init(code: 400), headers: [.contentType: "application/xml"],
                        body: ResponseBody(byteBuffer: ByteBuffer(string: xml)))
    }
}
