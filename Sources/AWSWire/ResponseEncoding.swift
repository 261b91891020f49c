// Results and errors written as each protocol writes them, with the headers botocore's
// parsers read: x-amzn-RequestId (json), x-amz-request-id (S3), x-amzn-ErrorType,
// the query protocol's <OperationResponse><OperationResult>, S3's bare <Error>.
import AWSShapes
import Foundation

public struct ResponseEncoder: Sendable {
    public init() {}

    public func output(_ value: AWSValue, _ route: RoutedRequest, requestID: String) -> WireResponse {
        let model = route.model, op = route.operation
        let shape = op.output.map(model.shape)
        switch route.wireProtocol {
        case .json:
            let body = JSONShapeCodec(model: model).encode(value, shape: op.output)
            return WireResponse(status: 200, headers: [("Content-Type", "application/x-amz-json-\(model.jsonVersion ?? "1.1")"),
                                                       ("x-amzn-RequestId", requestID)], body: body)
        case .rpcV2CBOR:
            return WireResponse(status: 200, headers: [("Content-Type", "application/cbor"), ("smithy-protocol", "rpc-v2-cbor"),
                                                       ("x-amzn-RequestId", requestID)],
                                body: CBORShapeCodec(model: model).encode(value, shape: op.output))
        case .query, .ec2:
            let root = XMLNode("\(op.name)Response")
            root.attributes["xmlns"] = model.xmlNamespace ?? ""
            if let shape {
                let result = root.add(XMLNode(op.resultWrapper ?? "\(op.name)Result"))
                XMLShapeCodec(model: model).write(value, shape, into: result)
            }
            root.add(XMLNode("ResponseMetadata")).add(XMLNode("RequestId", text: requestID))
            return WireResponse(status: 200, headers: [("Content-Type", "text/xml"), ("x-amzn-RequestId", requestID)],
                                body: Data(root.document.utf8))
        case .restJSON, .restXML:
            return restOutput(value, shape, route, requestID: requestID)
        }
    }

    private func restOutput(_ value: AWSValue, _ shape: Shape?, _ route: RoutedRequest, requestID: String) -> WireResponse {
        let model = route.model
        var response = WireResponse(status: route.operation.responseCode ?? 200, headers: Self.idHeaders(route, requestID))
        guard let shape else { return response }
        let entries = value.entries ?? [:]
        // S3 answers a satisfied Range with 206; the output shape has no status member for it.
        if model.name == "s3" && route.operation.name == "GetObject" && entries["ContentRange"] != nil { response.status = 206 }
        for member in shape.members {
            guard let item = entries[member.name], item != .null else { continue }
            let memberShape = model.shape(member.shape)
            switch member.location {
            case .header:
                let text = member.jsonValue ? Data(TextScalar.text(item, memberShape, member: member, timestamps: .rfc822).utf8).base64EncodedString()
                    : TextScalar.text(item, memberShape, member: member, timestamps: .rfc822)
                response.headers.append((member.wireName, text))
            case .headers:
                for (k, v) in item.entries ?? [:] { response.headers.append((member.wireName + k, v.string ?? "")) }
            case .statusCode:
                response.status = item.int ?? response.status
            default: break
            }
        }
        if let payloadName = shape.payload, let member = shape.member(named: payloadName) {
            let payloadShape = model.shape(member.shape)
            switch entries[payloadName] {
            case .blob(let data)?: response.body = data
            case .string(let text)?: response.body = Data(text.utf8)
            case let item? where route.wireProtocol == .restXML:
                let root = XMLNode(member.locationName ?? payloadShape.locationName ?? payloadShape.name)
                root.attributes["xmlns"] = model.xmlNamespace ?? "http://s3.amazonaws.com/doc/2006-03-01/"
                XMLShapeCodec(model: model).write(item, payloadShape, into: root)
                response.body = Data(root.document.utf8)
                response.headers.append(("Content-Type", "application/xml"))
            case let item?:
                response.body = JSONShapeCodec(model: model).encode(item, shape: payloadShape.name)
                response.headers.append(("Content-Type", "application/json"))
            case nil: break
            }
            return response
        }
        guard !shape.bodyMembers.isEmpty else { return response }
        if route.wireProtocol == .restXML {
            let root = XMLNode(shape.locationName ?? shape.name)
            root.attributes["xmlns"] = "http://s3.amazonaws.com/doc/2006-03-01/"
            XMLShapeCodec(model: model).write(value, shape, into: root)
            response.body = Data(root.document.utf8)
            response.headers.append(("Content-Type", "application/xml"))
        } else {
            response.body = JSONShapeCodec(model: model).encode(value, shape: shape.name)
            response.headers.append(("Content-Type", "application/json"))
        }
        return response
    }

    static func idHeaders(_ route: RoutedRequest?, _ requestID: String) -> [(name: String, value: String)] {
        route?.model.name == "s3" ? [("x-amz-request-id", requestID), ("x-amz-id-2", requestID)] : [("x-amzn-RequestId", requestID)]
    }
}
