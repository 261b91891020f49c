// The client side of answers: a response read as botocore's parsers read it, into the
// operation's boto3-shaped output or the AWSError botocore would raise as ClientError.
import AWSShapes
import Foundation

public struct ResponseDecoder: Sendable {
    public init() {}

    public func output(_ model: ServiceModel, _ op: OperationModel, _ response: WireResponse) throws -> AWSValue {
        guard (200..<300).contains(response.status) || (response.status == 304 && op.name == "GetObject") else {
            throw error(model, response)
        }
        guard let outputName = op.output else { return .empty }
        let shape = model.shape(outputName)
        switch model.protocol {
        case .json:
            return try JSONShapeCodec(model: model).decode(response.body, shape: outputName)
        case .rpcV2CBOR:
            return try CBORShapeCodec(model: model).decode(response.body, shape: outputName)
        case .query, .ec2:
            guard let root = XMLNode.parse(response.body) else { throw WireError.serialization("The \(op.name) response is not XML.") }
            let result = root.child(op.resultWrapper ?? "\(op.name)Result") ?? root
            return XMLShapeCodec(model: model).read(result, shape)
        case .restJSON, .restXML:
            return try rest(model, shape, response)
        }
    }

    private func rest(_ model: ServiceModel, _ shape: Shape, _ response: WireResponse) throws -> AWSValue {
        var map: [String: AWSValue] = [:]
        let request = WireRequest(method: "GET", target: "/", headers: response.headers, body: Data())
        for member in shape.members {
            let memberShape = model.shape(member.shape)
            switch member.location {
            case .header:
                if let text = request.header(member.wireName) {
                    map[member.name] = member.jsonValue ? .string(String(decoding: Data(base64Encoded: text) ?? Data(text.utf8), as: UTF8.self))
                        : TextScalar.value(text, memberShape, member: member)
                }
            case .headers:
                let prefix = member.wireName.lowercased()
                var found: [String: AWSValue] = [:]
                for (name, value) in response.headers where name.lowercased().hasPrefix(prefix) {
                    found[String(name.lowercased().dropFirst(prefix.count))] = .string(value)
                }
                if !found.isEmpty { map[member.name] = .map(found) }
            case .statusCode:
                map[member.name] = .integer(Int64(response.status))
            default: break
            }
        }
        if let payloadName = shape.payload, let member = shape.member(named: payloadName) {
            let payloadShape = model.shape(member.shape)
            switch payloadShape.kind {
            case .blob: map[payloadName] = .blob(response.body)
            case .string: map[payloadName] = .string(String(decoding: response.body, as: UTF8.self))
            default:
                guard !response.body.isEmpty else { break }
                if model.protocol == .restXML {
                    guard let root = XMLNode.parse(response.body) else { throw WireError.serialization("The response body is not XML.") }
                    map[payloadName] = XMLShapeCodec(model: model).read(root, payloadShape)
                } else {
                    map[payloadName] = try JSONShapeCodec(model: model).decode(response.body, shape: payloadShape.name)
                }
            }
        } else if !response.body.isEmpty, !shape.bodyMembers.isEmpty {
            let body: AWSValue
            if model.protocol == .restXML {
                guard let root = XMLNode.parse(response.body) else { throw WireError.serialization("The response body is not XML.") }
                body = XMLShapeCodec(model: model).read(root, shape)
            } else {
                body = try JSONShapeCodec(model: model).decode(response.body, shape: shape.name)
            }
            for (k, v) in body.entries ?? [:] { map[k] = v }
        }
        return .map(map)
    }

    /// The error as botocore reports it: code and message from the protocol's error shape.
    public func error(_ model: ServiceModel, _ response: WireResponse) -> AWSError {
        var code = "\(response.status)", message = HTTPStatus.reason(response.status)
        var fields: [String: String] = [:]
        let headers = WireRequest(method: "GET", target: "/", headers: response.headers, body: Data())
        switch model.protocol {
        case .json, .restJSON, .rpcV2CBOR:
            let body: AWSValue? = model.protocol == .rpcV2CBOR
                ? (try? CBORShapeCodec(model: model).decodeRaw(response.body))
                : (try? JSONTree.parse(response.body)).map(JSONShapeCodec.raw)
            let type = body?["__type"]?.string ?? body?["code"]?.string ?? headers.header("x-amzn-ErrorType")
            if let type { code = Self.bareCode(type) }
            if let text = body?["message"]?.string ?? body?["Message"]?.string { message = text }
            for (k, v) in body?.entries ?? [:] where !["__type", "message", "Message", "code"].contains(k) {
                if let s = v.string { fields[k] = s } else if let i = v.int { fields[k] = String(i) }
            }
            if let query = headers.header("x-amzn-query-error"), let first = query.split(separator: ";").first { code = String(first) }
        case .query, .ec2, .restXML:
            if let root = XMLNode.parse(response.body) {
                let error = root.name == "Error" ? root : (root.child("Error") ?? root.child("Errors")?.child("Error"))
                if let c = error?.child("Code")?.text { code = c }
                if let m = error?.child("Message")?.text { message = m }
                for child in error?.children ?? [] where !["Code", "Message", "Type"].contains(child.name) { fields[child.name] = child.text }
            }
        }
        return AWSError(service: model.name, code: code, httpStatus: response.status, message: message, fields: fields)
    }

    /// `aws.protocols#ValidationException` and `ValidationException:http://...` both mean ValidationException.
    static func bareCode(_ type: String) -> String {
        let afterHash = type.split(separator: "#").last.map(String.init) ?? type
        return afterHash.split(separator: ":").first.map(String.init) ?? afterHash
    }
}

enum HTTPStatus {
    static func reason(_ status: Int) -> String {
        switch status {
        case 400: "Bad Request"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 409: "Conflict"
        case 412: "Precondition Failed"
        case 416: "Requested Range Not Satisfiable"
        case 500: "Internal Server Error"
        case 503: "Service Unavailable"
        default: "HTTP \(status)"
        }
    }
}
