// Which service and operation a request is for, found as AWS's front ends find it: the
// smithy-rpc-v2-cbor path, the X-Amz-Target header, the query protocol's Action, and
// for the REST protocols the SigV4 scope plus the method, path and query of the
// operation's URI template in botocore's model.
import AWSShapes
import Foundation

public struct RoutedRequest: Sendable {
    public let model: ServiceModel
    public let operation: OperationModel
    public let wireProtocol: WireProtocol
    /// Values bound from the URI template (`{Bucket}`, `{Key+}`), decoded.
    public let labels: [String: String]
}

public struct RequestRouter: Sendable {
    public let services: [ServiceModel]
    /// Host names under which `bucket.<host>` addresses an S3 bucket (virtual-hosted style).
    public let virtualHostBases: [String]

    public init(services: [ServiceModel] = ServiceModel.all, virtualHostBases: [String] = ["localhost", "s3.localhost"]) {
        self.services = services
        self.virtualHostBases = virtualHostBases
    }

    /// `signingName` is the service of the SigV4 credential scope, when the request is signed.
    public func route(_ request: inout WireRequest, signingName: String?) throws -> RoutedRequest {
        if request.header("smithy-protocol")?.lowercased() == "rpc-v2-cbor" { return try routeCBOR(request) }
        if let target = request.header("x-amz-target") { return try routeTarget(target) }
        if let action = queryAction(request) { return try routeQuery(request, action: action, signingName: signingName) }
        return try routeREST(&request, signingName: signingName)
    }

    private func service(_ predicate: (ServiceModel) -> Bool) -> ServiceModel? { services.first(where: predicate) }

    private func routeCBOR(_ request: WireRequest) throws -> RoutedRequest {
        let parts = request.rawPath.split(separator: "/").map(String.init)
        guard parts.count == 4, parts[0] == "service", parts[2] == "operation" else {
            throw WireError.malformed("An rpc-v2-cbor request goes to /service/<service>/operation/<operation>, not \(request.rawPath).")
        }
        guard let model = service({ $0.targetPrefix == parts[1] && $0.protocols.contains(.rpcV2CBOR) }) else {
            throw WireError.unknownOperation("No service \(parts[1]) speaks rpc-v2-cbor here.")
        }
        return try routed(model, parts[3], .rpcV2CBOR)
    }

    private func routeTarget(_ target: String) throws -> RoutedRequest {
        guard let dot = target.lastIndex(of: ".") else { throw WireError.unknownOperation("X-Amz-Target \(target) names no operation.") }
        let prefix = String(target[..<dot]), name = String(target[target.index(after: dot)...])
        guard let model = service({ $0.targetPrefix == prefix }) else {
            throw WireError.unknownOperation("No service has the X-Amz-Target prefix \(prefix).")
        }
        return try routed(model, name, .json)
    }

    private func routed(_ model: ServiceModel, _ name: String, _ proto: WireProtocol) throws -> RoutedRequest {
        guard let op = model.operations[name] else {
            throw WireError.unknownOperation("\(name) is not an operation of \(model.name) that labbook emulates.")
        }
        return RoutedRequest(model: model, operation: op, wireProtocol: proto, labels: [:])
    }

    private func queryAction(_ request: WireRequest) -> String? {
        if let action = request.queryValue("Action") { return action }
        let type = request.header("content-type") ?? ""
        guard request.method == "POST", type.hasPrefix("application/x-www-form-urlencoded") else { return nil }
        return URLEncoding.parseForm(String(decoding: request.body, as: UTF8.self)).first { $0.name == "Action" }?.value
    }

    private func routeQuery(_ request: WireRequest, action: String, signingName: String?) throws -> RoutedRequest {
        let form = URLEncoding.parseForm(request.rawQuery) + URLEncoding.parseForm(String(decoding: request.body, as: UTF8.self))
        let version = form.first { $0.name == "Version" }?.value
        let querying = services.filter { $0.protocols.contains(.query) }
        let model = querying.first { m in signingName.map { $0 == m.signingName } ?? false && version.map { $0 == m.apiVersion } ?? true }
            ?? querying.first { m in version == m.apiVersion && m.operations[action] != nil }
        guard let model else {
            throw WireError.unknownOperation("Action=\(action) with Version=\(version ?? "none") names no query service labbook emulates.")
        }
        return try routed(model, action, .query)
    }
}
