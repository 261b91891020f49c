// REST operations matched against their URI templates: `/{Bucket}/{Key+}?uploads`.
// Several S3 operations share a method and path; the one whose required URI, query and
// header members are all present, and most of them, is the one meant (UploadPart over
// PutObject, CopyObject when x-amz-copy-source is sent).
import AWSShapes
import Foundation

extension RequestRouter {
    func routeREST(_ request: inout WireRequest, signingName: String?) throws -> RoutedRequest {
        let candidates: [ServiceModel]
        switch signingName {
        case "s3": candidates = services.filter { $0.name == "s3" }
        case "lambda": candidates = services.filter { $0.name == "lambda" }
        case "sagemaker": candidates = services.filter { $0.name == "sagemaker-runtime" }
        default:
            // Unsigned (--no-auth, or a presigned URL's scope already read): by path, S3 last.
            candidates = services.filter { $0.protocols.contains(.restJSON) } + services.filter { $0.name == "s3" }
        }
        for model in candidates {
            if model.name == "s3" { applyVirtualHost(&request) }
            if let match = bestMatch(model, request) { return match }
        }
        throw WireError.unknownOperation("No operation of \(candidates.map(\.name).joined(separator: ", ")) answers \(request.method) \(request.rawPath).")
    }

    /// `bucket.localhost:4566/key` becomes `/bucket/key`, as S3 reads virtual-hosted requests.
    func applyVirtualHost(_ request: inout WireRequest) {
        guard let host = request.header("host")?.split(separator: ":").first.map(String.init)?.lowercased() else { return }
        for base in virtualHostBases where host.hasSuffix("." + base) {
            let bucket = String(host.dropLast(base.count + 1))
            guard !bucket.isEmpty, bucket != "s3" else { continue }
            request.rawPath = "/" + bucket + (request.rawPath == "/" ? "" : request.rawPath)
            return
        }
    }

    private func bestMatch(_ model: ServiceModel, _ request: WireRequest) -> RoutedRequest? {
        let query = Set(request.queryItems.map(\.name))
        var best: (score: Int, route: RoutedRequest)?
        for op in model.operations.values.sorted(by: { $0.name < $1.name }) where op.method == request.method {
            guard let labels = Self.match(op.requestURI, path: request.rawPath, query: query) else { continue }
            guard let score = requiredBindingsScore(model, op, request, query) else { continue }
            let literalQuery = op.requestURI.split(separator: "?").count > 1 ? 10 : 0
            if best == nil || score + literalQuery > best!.score {
                best = (score + literalQuery, RoutedRequest(model: model, operation: op, wireProtocol: model.protocol, labels: labels))
            }
        }
        return best?.route
    }

    /// How many required query and header members the request carries; nil if one is missing.
    private func requiredBindingsScore(_ model: ServiceModel, _ op: OperationModel, _ request: WireRequest, _ query: Set<String>) -> Int? {
        guard let input = op.input.map(model.shape) else { return 0 }
        var score = 0
        for member in input.members where input.required.contains(member.name) {
            switch member.location {
            case .query:
                guard query.contains(member.wireName) else { return nil }
                score += 1
            case .header:
                guard request.header(member.wireName) != nil else { return nil }
                score += 1
            default: break
            }
        }
        return score
    }

    /// The URI labels when `path` fits `template`, else nil. Literal query keys in the
    /// template (`?uploads`, `?list-type=2`) must be present.
    static func match(_ template: String, path: String, query: Set<String>) -> [String: String]? {
        let parts = template.split(separator: "?", maxSplits: 1)
        if parts.count > 1 {
            for literal in parts[1].split(separator: "&") {
                let key = literal.split(separator: "=").first.map(String.init) ?? ""
                if !key.isEmpty && !query.contains(key) { return nil }
            }
        }
        let templateSegments = parts[0].split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        var pathSegments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if pathSegments.first == "" { pathSegments.removeFirst() }
        if pathSegments.last == "" && templateSegments.last?.hasSuffix("+}") != true { pathSegments.removeLast() }
        var labels: [String: String] = [:]
        for (i, segment) in templateSegments.enumerated() {
            if segment.hasPrefix("{") && segment.hasSuffix("+}") {
                let rest = pathSegments.dropFirst(i).joined(separator: "/")
                guard !rest.isEmpty else { return nil }
                labels[String(segment.dropFirst().dropLast(2))] = URLEncoding.decode(rest)
                return labels
            }
            guard i < pathSegments.count else { return nil }
            if segment.hasPrefix("{") && segment.hasSuffix("}") {
                guard !pathSegments[i].isEmpty else { return nil }
                labels[String(segment.dropFirst().dropLast())] = URLEncoding.decode(pathSegments[i])
            } else if segment != pathSegments[i] {
                return nil
            }
        }
        return pathSegments.count == templateSegments.count ? labels : nil
    }
}
