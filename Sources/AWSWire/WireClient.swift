// An AWSCaller over HTTP: each call encoded by its service's protocol, signed with
// SigV4 and sent to one endpoint URL (labbook serve, moto, LocalStack or AWS's own
// regional endpoints when none is given... labbook always takes an explicit URL).
import AWSShapes
import Crypto
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

public struct WireClient: AWSCaller {
    public let endpoint: URL
    public let credentials: ClientCredentials
    public let region: String
    private let session: URLSession

    public init(endpoint: URL, credentials: ClientCredentials, region: String, timeout: TimeInterval = 300) {
        self.endpoint = endpoint
        self.credentials = credentials
        self.region = region
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        session = URLSession(configuration: configuration)
    }

    public var destination: String { endpoint.absoluteString }

    public func call(_ service: String, _ operation: String, _ input: AWSValue) async throws -> AWSValue {
        guard let model = ServiceModel.named(service), let op = model.operations[operation] else {
            throw AWSError(service: service, code: "UnknownOperation", httpStatus: 400,
                           message: "\(service).\(operation) is not an operation labbook knows how to send.")
        }
        let validator = ParameterValidator(model)
        if let shape = op.input {
            let problems = validator.clientProblems(input, shape: shape)
            if !problems.isEmpty {
                throw AWSError(service: service, code: "ParamValidationError", httpStatus: 400, message: ParameterValidator.clientMessage(problems))
            }
        }
        var request = try RequestEncoder().request(model, op, input, host: hostHeader)
        sign(&request, service: model.signingName)
        let response = try await send(request)
        return try ResponseDecoder().output(model, op, response)
    }

    /// A request to `labbook serve`'s own extension API (`/_labbook/...`: what no AWS API
    /// offers, such as an SNS subscriber's inbox), signed like any call under the service
    /// name "labbook" so the server checks it with the same credentials. Any status comes
    /// back as it is: the caller tells "no such extension" from the extension's own errors.
    public func extensionRequest(method: String, path: String, query: [(name: String, value: String)] = [],
                                 body: Data = Data()) async throws -> WireResponse {
        let rawQuery = query.map { "\(URLEncoding.encode($0.name))=\(URLEncoding.encode($0.value))" }.joined(separator: "&")
        var headers: [(name: String, value: String)] = [("host", hostHeader)]
        if !body.isEmpty { headers.append(("Content-Type", "application/octet-stream")) }
        var request = WireRequest(method: method, target: path + (rawQuery.isEmpty ? "" : "?" + rawQuery), headers: headers, body: body)
        sign(&request, service: "labbook")
        return try await send(request)
    }

    /// The Host header the signature covers: what URLSession will send for the endpoint.
    private var hostHeader: String {
        endpoint.port.map { "\(endpoint.host ?? "localhost"):\($0)" } ?? (endpoint.host ?? "localhost")
    }

    func sign(_ request: inout WireRequest, service: String) {
        let now = Date()
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let amzDate = formatter.string(from: now)
        request.headers.append(("X-Amz-Date", amzDate))
        if service == "s3" { request.headers.append(("X-Amz-Content-SHA256", SigV4.hex(SHA256.hash(data: request.body)))) }
        if let token = credentials.sessionToken { request.headers.append(("X-Amz-Security-Token", token)) }
        let signed = Array(Set(request.headers.map { $0.name.lowercased() })).sorted()
        let parts = SignatureParts(accessKeyID: credentials.accessKeyID, date: String(amzDate.prefix(8)), region: region,
                                   service: service, signedHeaders: signed, signature: "", amzDate: amzDate, expires: nil, presigned: false)
        let signature = SigV4.expectedSignature(request, parts, secret: credentials.secretAccessKey)
        request.headers.append(("Authorization",
            "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(parts.scope), SignedHeaders=\(signed.joined(separator: ";")), Signature=\(signature)"))
    }

    private func send(_ wire: WireRequest) async throws -> WireResponse {
        let base = endpoint.absoluteString.hasSuffix("/") ? String(endpoint.absoluteString.dropLast()) : endpoint.absoluteString
        let target = wire.rawPath + (wire.rawQuery.isEmpty ? "" : "?" + wire.rawQuery)
        guard let url = URL(string: base + target) else {
            throw AWSError(service: "", code: "InvalidURL", httpStatus: 400, message: "cannot form a URL from \(base)\(target)")
        }
        var request = URLRequest(url: url)
        request.httpMethod = wire.method
        for (name, value) in wire.headers where name.lowercased() != "host" { request.addValue(value, forHTTPHeaderField: name) }
        request.setValue("", forHTTPHeaderField: "Expect")  // no 100-continue round trip
        request.httpBody = wire.method == "GET" || wire.method == "HEAD" ? nil : wire.body
        let (data, response): (Data, URLResponse)
        do {
            (data, response) = try await session.data(for: request)
        } catch {
            throw AWSError(service: "", code: "EndpointConnectionError", httpStatus: 0,
                           message: "Could not connect to the endpoint URL: \"\(url.absoluteString)\" (\(error.localizedDescription))")
        }
        guard let http = response as? HTTPURLResponse else {
            throw AWSError(service: "", code: "EndpointConnectionError", httpStatus: 0, message: "\(url) did not answer with HTTP")
        }
        let headers = http.allHeaderFields.compactMap { k, v in (k as? String).map { ($0, "\(v)") } }
        return WireResponse(status: http.statusCode, headers: headers, body: data)
    }
}
