// The client side of the protocols: a boto3-shaped call written as botocore's
// serializers write it, so `labbook run --endpoint-url` speaks to labbook serve, moto
// or AWS itself exactly as boto3 would.
import AWSShapes
import Foundation

public struct RequestEncoder: Sendable {
    public init() {}

    public func request(_ model: ServiceModel, _ op: OperationModel, _ input: AWSValue, host: String) throws -> WireRequest {
        let shape = op.input.map(model.shape)
        switch model.protocol {
        case .json:
            let body = shape.map { JSONShapeCodec(model: model).encode(input, shape: $0.name) } ?? Data("{}".utf8)
            return WireRequest(method: "POST", target: "/", headers: [
                ("host", host), ("X-Amz-Target", "\(model.targetPrefix ?? "").\(op.name)"),
                ("Content-Type", "application/x-amz-json-\(model.jsonVersion ?? "1.1")")], body: body)
        case .rpcV2CBOR:
            let body = CBORShapeCodec(model: model).encode(shape == nil ? .empty : input, shape: op.input)
            return WireRequest(method: "POST", target: "/service/\(model.targetPrefix ?? model.name)/operation/\(op.name)", headers: [
                ("host", host), ("smithy-protocol", "rpc-v2-cbor"), ("Content-Type", "application/cbor"),
                ("Accept", "application/cbor")], body: body)
        case .query, .ec2:
            var fields = [("Action", op.name), ("Version", model.apiVersion)]
            if let shape { QueryShapeCodec.encode(input, shape, model: model, prefix: "", into: &fields) }
            let body = fields.map { "\(URLEncoding.encode($0.0))=\(URLEncoding.encode($0.1))" }.joined(separator: "&")
            return WireRequest(method: "POST", target: "/", headers: [
                ("host", host), ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")], body: Data(body.utf8))
        case .restJSON, .restXML:
            return try rest(model, op, shape, input, host: host)
        }
    }

    private func rest(_ model: ServiceModel, _ op: OperationModel, _ shape: Shape?, _ input: AWSValue, host: String) throws -> WireRequest {
        let entries = input.entries ?? [:]
        let parts = op.requestURI.split(separator: "?", maxSplits: 1).map(String.init)
        var path = parts[0]
        var query: [(String, String)] = parts.count > 1 ? URLEncoding.parseForm(parts[1]).map { ($0.name, $0.value) } : []
        var headers: [(name: String, value: String)] = [("host", host)]
        for member in shape?.members ?? [] {
            guard let value = entries[member.name], value != .null else { continue }
            let memberShape = model.shape(member.shape)
            let text = { TextScalar.text(value, memberShape, member: member, timestamps: member.location == .header ? .rfc822 : .iso8601) }
            switch member.location {
            case .uri:
                let greedy = path.contains("{\(member.wireName)+}")
                let encoded = URLEncoding.encode(text(), keepingSlash: greedy)
                path = path.replacingOccurrences(of: greedy ? "{\(member.wireName)+}" : "{\(member.wireName)}", with: encoded)
            case .query:
                if case .list(let items) = value {
                    let inner = model.shape(memberShape.member!.shape)
                    query += items.map { (member.wireName, TextScalar.text($0, inner, member: nil, timestamps: .iso8601)) }
                } else if case .map(let map) = value {
                    query += map.keys.sorted().map { ($0, map[$0]!.string ?? "") }
                } else {
                    query.append((member.wireName, text()))
                }
            case .header:
                headers.append((member.wireName, member.jsonValue ? Data(text().utf8).base64EncodedString() : text()))
            case .headers:
                for (k, v) in value.entries ?? [:] { headers.append((member.wireName + k, v.string ?? "")) }
            case .statusCode, nil: break
            }
        }
        let body = try restBody(model, shape, entries, &headers)
        let queryText = query.map { $0.1.isEmpty && parts.count > 1 && !parts[1].contains("\($0.0)=") ? URLEncoding.encode($0.0)
                                       : "\(URLEncoding.encode($0.0))=\(URLEncoding.encode($0.1))" }.joined(separator: "&")
        return WireRequest(method: op.method, target: path + (queryText.isEmpty ? "" : "?" + queryText), headers: headers, body: body)
    }

    private func restBody(_ model: ServiceModel, _ shape: Shape?, _ entries: [String: AWSValue],
                          _ headers: inout [(name: String, value: String)]) throws -> Data {
        guard let shape else { return Data() }
        if let payloadName = shape.payload, let member = shape.member(named: payloadName) {
            guard let value = entries[payloadName], value != .null else { return Data() }
            let payloadShape = model.shape(member.shape)
            switch payloadShape.kind {
            case .blob, .string: return value.data ?? Data()
            default:
                if model.protocol == .restXML {
                    let root = XMLNode(member.locationName ?? payloadShape.locationName ?? payloadShape.name)
                    if let ns = member.xmlNamespace { root.attributes["xmlns"] = ns }
                    XMLShapeCodec(model: model).write(value, payloadShape, into: root)
                    return Data(root.document.utf8)
                }
                headers.append(("Content-Type", "application/json"))
                return JSONShapeCodec(model: model).encode(value, shape: payloadShape.name)
            }
        }
        let body = shape.bodyMembers.filter { entries[$0.name] != nil }
        guard !body.isEmpty else { return Data() }
        if model.protocol == .restXML {
            let root = XMLNode(shape.locationName ?? shape.name)
            XMLShapeCodec(model: model).write(.map(entries), shape, into: root)
            return Data(root.document.utf8)
        }
        headers.append(("Content-Type", "application/json"))
        return JSONShapeCodec(model: model).encode(.map(entries), shape: shape.name)
    }
}

extension QueryShapeCodec {
    /// A structure as query form fields: `Tags.member.1.Key=k`, `Attributes.entry.1.key=...`.
    static func encode(_ value: AWSValue, _ shape: Shape, model: ServiceModel, prefix: String, into fields: inout [(String, String)]) {
        switch (shape.kind, value) {
        case (.structure, .map(let entries)):
            for member in shape.members {
                guard let item = entries[member.name], item != .null else { continue }
                let name = prefix.isEmpty ? member.wireName : "\(prefix).\(member.wireName)"
                let memberShape = model.shape(member.shape)
                if memberShape.kind == .list, case .list(let items) = item {
                    if items.isEmpty { fields.append((name, "")); continue }
                    let base = member.flattened || memberShape.flattened ? name : "\(name).\(memberShape.member!.locationName ?? "member")"
                    for (i, element) in items.enumerated() {
                        encode(element, model.shape(memberShape.member!.shape), model: model, prefix: "\(base).\(i + 1)", into: &fields)
                    }
                } else {
                    encode(item, memberShape, model: model, prefix: name, into: &fields)
                }
            }
        case (.map, .map(let entries)):
            for (i, key) in entries.keys.sorted().enumerated() {
                let base = "\(prefix).entry.\(i + 1)"
                fields.append(("\(base).\(shape.key!.locationName ?? "key")", key))
                encode(entries[key]!, model.shape(shape.value!.shape), model: model,
                       prefix: "\(base).\(shape.value!.locationName ?? "value")", into: &fields)
            }
        default:
            fields.append((prefix, TextScalar.text(value, shape, member: nil, timestamps: .iso8601)))
        }
    }
}
