// One HTTP request in, one out: check the signature, find the operation, read the
// parameters as its protocol writes them, call the one dispatch, and write the result
// or the error in the protocol's own shape. The server only translates the wire; what
// happens is the Cloud's business (as moto keeps responses.py apart from models.py).
import AWSWire
import Cloud
import Dispatch
import Foundation

public struct ServerOptions: Sendable {
    public var credentials: [SigV4Credentials] = [SigV4Credentials(accessKeyID: "test", secretAccessKey: "test")]
    /// false with `--no-auth`: requests are served unsigned or signed with any key.
    public var verifySignatures = true
    /// Requests larger than this are refused before they are read (S3's EntityTooLarge).
    public var maxBodyBytes = 128 * 1024 * 1024
    public var virtualHostBases = ["localhost", "s3.localhost", "localhost.localstack.cloud"]
    /// Virtual seconds per real second: what ServerClock ticks at (`--time-scale`) and
    /// `GET /_labbook/clock` reports, so a client can tell server time from its own.
    public var timeScale = 1.0

    public init() {}
}

public final class WireService: Sendable {
    public let dispatch: CloudDispatch
    public let options: ServerOptions
    private let router: RequestRouter
    private let signatures: SignatureCheck
    /// Service calls leave the event loop for this queue: a model can compute for seconds.
    let queue = DispatchQueue(label: "labbook.cloud.dispatch")

    public init(dispatch: CloudDispatch, options: ServerOptions) {
        self.dispatch = dispatch
        self.options = options
        router = RequestRouter(virtualHostBases: options.virtualHostBases)
        signatures = SignatureCheck(credentials: options.credentials)
    }

    public func respond(to incoming: WireRequest) async -> WireResponse {
        // labbook's own API (LabbookExtensions.swift) before AWS routing: no AWS path starts with `/_`.
        if LabbookExtensions.handles(incoming) { return await respondToExtension(incoming) }
        let requestID = UUID().uuidString
        var request = incoming
        var route: RoutedRequest?
        do {
            let parts = try checkSignature(request)
            route = try router.route(&request, signingName: parts?.service)
            let input = try decode(route!, &request, parts)
            let routed = route!
            let output = try await call(routed.model.name, routed.operation.name, input)
            return ResponseEncoder().output(output, routed, requestID: requestID)
        } catch {
            return encode(error, route: route, request: request, requestID: requestID)
        }
    }

    func checkSignature(_ request: WireRequest) throws -> SignatureParts? {
        guard options.verifySignatures else { return SigV4.parts(of: request) }
        return try signatures.verify(request, family: family(request), now: Date())
    }

    /// Which family's error codes a request hears, judged before it is routed.
    private func family(_ request: WireRequest) -> SignatureCheck.Family {
        if request.header("x-amz-target") != nil || request.header("smithy-protocol") != nil { return .json }
        if LabbookExtensions.handles(request) { return .json }
        if request.queryValue("Action") != nil || (request.header("content-type") ?? "").hasPrefix("application/x-www-form-urlencoded") {
            return .query
        }
        switch SigV4.parts(of: request)?.service {
        case "lambda"?, "sagemaker"?: return .json
        default: return .s3
        }
    }

    private func decode(_ route: RoutedRequest, _ request: inout WireRequest, _ parts: SignatureParts?) throws -> AWSValue {
        if route.model.name == "s3" {
            let secret = parts.flatMap { p in options.credentials.first { $0.accessKeyID == p.accessKeyID }?.secretAccessKey }
            let (body, trailers) = try PayloadIntegrity.unframe(request, parts: options.verifySignatures ? parts : nil, secret: secret)
            try PayloadIntegrity.verify(body, request: request, trailers: trailers)
            request.body = body
        }
        return try RequestDecoder().input(route, request)
    }

    private func call(_ service: String, _ operation: String, _ input: AWSValue) async throws -> AWSValue {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { [dispatch] in
                continuation.resume(with: Result { try dispatch.call(service, operation, input) })
            }
        }
    }

    private func encode(_ error: Error, route: RoutedRequest?, request: WireRequest, requestID: String) -> WireResponse {
        let proto = route?.wireProtocol ?? guessProtocol(request)
        let model = route?.model ?? guessModel(request, proto)
        let awsError = WireFaults.awsError(error, proto: proto, service: model?.name ?? "s3")
        return ResponseEncoder().error(awsError, model: model, proto: proto, method: request.method, requestID: requestID)
    }

    private func guessProtocol(_ request: WireRequest) -> WireProtocol? {
        if request.header("smithy-protocol") != nil { return .rpcV2CBOR }
        switch family(request) {
        case .json: return request.header("x-amz-target") != nil ? .json : .restJSON
        case .query: return .query
        case .s3: return .restXML
        }
    }

    private func guessModel(_ request: WireRequest, _ proto: WireProtocol?) -> ServiceModel? {
        if let target = request.header("x-amz-target"), let dot = target.lastIndex(of: ".") {
            return ServiceModel.all.first { $0.targetPrefix == String(target[..<dot]) }
        }
        let scope = SigV4.parts(of: request)?.service
        return ServiceModel.all.first { $0.signingName == scope && $0.protocols.contains(proto ?? .restXML) }
    }
}

extension WireService: WireHandling {
    public var maxBodyBytes: Int { options.maxBodyBytes }

    /// S3's EntityTooLarge, or the `/_labbook/` API's own JSON error for its paths.
    public func tooLarge(_ limit: Int, path: String) -> WireResponse {
        if path.hasPrefix(LabbookExtensions.prefix) { return LabbookExtensions.tooLarge(limit) }
        let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>EntityTooLarge</Code><Message>Your proposed upload exceeds the maximum allowed size of \(limit) bytes for one request on this server.</Message></Error>"
        return WireResponse(status: 400, headers: [("Content-Type", "application/xml")], body: Data(xml.utf8))
    }
}
