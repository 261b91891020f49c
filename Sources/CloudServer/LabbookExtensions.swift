// `labbook serve`'s own API under `/_labbook/`, for what a lab needs over the wire but no
// AWS API offers (as LocalStack's `/_aws/...` and moto's `/moto-api/`). No AWS path starts
// with `/_` (S3 bucket names cannot hold `_`; requests signed for S3 go to S3, for keys of
// virtual-hosted buckets), so these never shadow an AWS route.
//
//   GET  /_labbook/sns/deliveries?TopicArn=<arn>
//        200 {"TopicArn": <arn>, "Deliveries": [{"Type", "SubscriptionArn", "Protocol", "Endpoint",
//             "MessageId", "Subject"?, "Message", "MessageAttributes", "Timestamp", "Token"?, "Body"}]}
//        What the emulated SNS delivered to the topic's subscribers, oldest first: on AWS, the
//        subscribers' inboxes. Timestamp is ISO 8601 (UTC, milliseconds); Subject and Token
//        only when the delivery has one. 404 NotFound for a topic that does not exist.
//   POST /_labbook/ecr/images?repositoryName=<r>&tag=<t, default latest>&handler=<h>
//        body: the image's files as a gzip'd tar (ModelArtifact.pack of the folder)
//        200 {"imageUri": "<registry>/<r>:<t>", "imageDigest": "sha256:..."}
//        `docker build` + `docker push`: an image whose CMD runs the function handler <h>.
//        Archives with links, absolute paths or `..`, or that inflate past 1 GiB, get 400.
//   GET  /_labbook/clock                       200 {"Now": <ISO 8601>, "TimeScale": <--time-scale>}
//   POST /_labbook/clock?AdvanceSeconds=<s>    the same, after moving the clock <s> seconds ahead
//        The account's virtual clock. Advancing it runs what falls due on the way (endpoint
//        transitions, queued async invocations, scaling), as `clock.sleep` and the waiters do
//        on the embedded account, so a run over the wire need not wait in real time. It is
//        the whole server's clock: every client sees the time move. 0 ≤ s ≤ one week.
//
// Requests are signed with SigV4 like any other (service name "labbook") and checked
// against the server's credentials. Errors are JSON {"__type": <code>, "message": <text>}.
// Every answer of a route served here carries `x-labbook-extension: 1`; a path under
// `/_labbook/` that names no route gets a 404 without it, as from a server with no such API.
import AWSWire
import Cloud
import Foundation
import Serving

enum LabbookExtensions {
    static let prefix = "/_labbook/"
    static let marker = (name: "x-labbook-extension", value: "1")

    /// A request for this API: its path, unless it is signed for S3, whose virtual-hosted
    /// requests (`bucket.localhost/_labbook/...`) name an object key that may start so.
    static func handles(_ request: WireRequest) -> Bool {
        request.rawPath.hasPrefix(prefix) && SigV4.parts(of: request)?.service != "s3"
    }

    /// One route's work, run on the service's queue with the account to work on.
    typealias Work = @Sendable (CloudDispatch) throws -> WireResponse

    /// What reads a request's parameters into its work (after the signature is checked).
    typealias Route = @Sendable (WireRequest, ServerOptions) throws -> Work

    static let routes: [(method: String, path: String, route: Route)] = [
        ("GET", prefix + "sns/deliveries", TopicDeliveries.work),
        ("POST", prefix + "ecr/images", ImagePush.work),
        ("GET", prefix + "clock", ServerTime.work),
        ("POST", prefix + "clock", ServerTime.work),
    ]

    /// The route a request names: unmarked 404 for none, 405 for the wrong method.
    static func route(_ request: WireRequest) throws -> Route {
        let named = routes.filter { $0.path == request.rawPath }
        guard !named.isEmpty else {
            throw Refusal(response: json(404, error: "UnknownOperationException",
                                         "\(request.rawPath) is not a labbook extension; this server offers: "
                                             + routes.map { "\($0.method) \($0.path)" }.joined(separator: ", "),
                                         marked: false))
        }
        guard let route = named.first(where: { $0.method == request.method }) else {
            throw AWSError(service: "labbook", code: "MethodNotAllowed", httpStatus: 405,
                           message: "\(request.rawPath) takes \(named.map(\.method).joined(separator: " or ")), not \(request.method)")
        }
        return route.route
    }

    /// A query parameter the route needs, or 400 naming it.
    static func required(_ name: String, in request: WireRequest, code: String) throws -> String {
        guard let value = request.queryValue(name), !value.isEmpty else {
            throw AWSError(service: "labbook", code: code, httpStatus: 400, message: "\(request.rawPath) needs the query parameter \(name)")
        }
        return value
    }

    /// An answer ready to send as it is (the unmarked 404).
    struct Refusal: Error { var response: WireResponse }

    static func json(_ status: Int, _ object: [String: Any], marked: Bool = true) -> WireResponse {
        let body = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        var headers: [(name: String, value: String)] = [("Content-Type", "application/json")]
        if marked { headers.append(marker) }
        return WireResponse(status: status, headers: headers, body: body)
    }

    static func json(_ status: Int, error code: String, _ message: String, marked: Bool = true) -> WireResponse {
        json(status, ["__type": code, "message": message], marked: marked)
    }

    /// Any failure as this API's JSON error: AWS errors keep their code and status, a refused
    /// archive is the client's fault (400), anything else is the server's (500).
    static func answer(for error: Error) -> WireResponse {
        switch error {
        case let refusal as Refusal: return refusal.response
        case let aws as AWSError: return json(aws.httpStatus, error: aws.code, aws.message)
        case let artifact as ModelArtifactError: return json(400, error: "InvalidParameterException", "the image archive is refused: \(artifact)")
        default: return json(500, error: "InternalFailure", "\(error)")
        }
    }

    /// What the wire layer answers before reading a body over `maxBodyBytes`.
    static func tooLarge(_ limit: Int) -> WireResponse {
        json(413, error: "EntityTooLarge", "The request body is larger than this server's limit of \(limit) bytes (labbook serve's ServerOptions.maxBodyBytes).")
    }
}

extension WireService {
    /// A `/_labbook/` request: its route, the same signature check as every AWS call, then
    /// the work on the service's queue, never on the event loop.
    func respondToExtension(_ request: WireRequest) async -> WireResponse {
        do {
            let route = try LabbookExtensions.route(request)
            _ = try checkSignature(request)
            let work = try route(request, options)
            let dispatch = self.dispatch
            return try await withCheckedThrowingContinuation { continuation in
                queue.async { continuation.resume(with: Result { try work(dispatch) }) }
            }
        } catch {
            return LabbookExtensions.answer(for: error)
        }
    }
}
