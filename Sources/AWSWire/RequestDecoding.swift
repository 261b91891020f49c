// A routed request's parameters, boto3-shaped: the body read by the service's protocol,
// then the members bound to the URI, query string and headers (rest protocols).
import AWSShapes
import Foundation

public struct RequestDecoder: Sendable {
    public init() {}

    public func input(_ route: RoutedRequest, _ request: WireRequest) throws -> AWSValue {
        let model = route.model
        guard let inputName = route.operation.input else { return .empty }
        let shape = model.shape(inputName)
        switch route.wireProtocol {
        case .json:
            return try JSONShapeCodec(model: model).decode(request.body, shape: inputName)
        case .rpcV2CBOR:
            return try CBORShapeCodec(model: model).decode(request.body, shape: inputName)
        case .query, .ec2:
            let form = request.queryItems + URLEncoding.parseForm(String(decoding: request.body, as: UTF8.self))
            return QueryShapeCodec(model: model, fields: form.filter { $0.name != "Action" && $0.name != "Version" }).read(shape)
        case .restJSON, .restXML:
            var map = try restBody(route, shape, request).entries ?? [:]
            bindLocated(shape, model, route.labels, request, into: &map)
            return .map(map)
        }
    }

    private func restBody(_ route: RoutedRequest, _ shape: Shape, _ request: WireRequest) throws -> AWSValue {
        let model = route.model
        if let payloadName = shape.payload, let member = shape.member(named: payloadName) {
            let payloadShape = model.shape(member.shape)
            if payloadShape.kind == .blob || payloadShape.kind == .string {
                return request.body.isEmpty && !member.streaming ? .empty : .map([payloadName: payloadShape.kind == .blob ? .blob(request.body) : .string(String(decoding: request.body, as: UTF8.self))])
            }
            guard !request.body.isEmpty else { return .empty }
            if route.wireProtocol == .restXML {
                guard let root = XMLNode.parse(request.body) else { throw WireError.malformed("The XML you provided was not well-formed or did not validate against our published schema") }
                return .map([payloadName: XMLShapeCodec(model: model).read(root, payloadShape)])
            }
            return .map([payloadName: try JSONShapeCodec(model: model).decode(request.body, shape: member.shape)])
        }
        guard !request.body.isEmpty, !shape.bodyMembers.isEmpty else { return .empty }
        if route.wireProtocol == .restXML {
            guard let root = XMLNode.parse(request.body) else { throw WireError.malformed("The XML you provided was not well-formed") }
            return XMLShapeCodec(model: model).read(root, shape)
        }
        return try JSONShapeCodec(model: model).decode(request.body, shape: shape.name)
    }

    private func bindLocated(_ shape: Shape, _ model: ServiceModel, _ labels: [String: String], _ request: WireRequest,
                             into map: inout [String: AWSValue]) {
        let query = request.queryItems
        for member in shape.members {
            let memberShape = model.shape(member.shape)
            switch member.location {
            case .uri:
                if let label = labels[member.wireName] { map[member.name] = TextScalar.value(label, memberShape, member: member) }
            case .query:
                if memberShape.kind == .map {
                    let named = Set(shape.members.filter { $0.location == .query }.map(\.wireName))
                    let rest = query.filter { !named.contains($0.name) }
                    if !rest.isEmpty { map[member.name] = .map(Dictionary(rest.map { ($0.name, .string($0.value)) }, uniquingKeysWith: { a, _ in a })) }
                } else if memberShape.kind == .list {
                    let values = query.filter { $0.name == member.wireName }.map(\.value)
                    let inner = model.shape(memberShape.member!.shape)
                    if !values.isEmpty { map[member.name] = .list(values.map { TextScalar.value($0, inner, member: nil) }) }
                } else if let value = query.first(where: { $0.name == member.wireName })?.value {
                    map[member.name] = TextScalar.value(value, memberShape, member: member)
                }
            case .header:
                if let value = request.header(member.wireName) {
                    map[member.name] = memberShape.kind == .list
                        ? .list(value.split(separator: ",").map { .string($0.trimmingCharacters(in: .whitespaces)) })
                        : member.jsonValue && memberShape.kind == .string ? .string(String(decoding: Data(base64Encoded: value) ?? Data(value.utf8), as: UTF8.self))
                        : TextScalar.value(value, memberShape, member: member)
                }
            case .headers:
                let prefix = member.wireName.lowercased()
                var found: [String: AWSValue] = [:]
                for (name, value) in request.headers where name.lowercased().hasPrefix(prefix) {
                    found[String(name.lowercased().dropFirst(prefix.count))] = .string(value)
                }
                if !found.isEmpty { map[member.name] = .map(found) }
            case .statusCode, nil: break
            }
        }
    }
}
