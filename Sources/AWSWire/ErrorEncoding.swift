// Errors in each protocol's own error shape, as botocore's parsers read them.
import AWSShapes
import Foundation

extension ResponseEncoder {
    /// `proto` is the protocol the client spoke (nil when the request could not be routed:
    /// then the error is written as S3 would, the fallback service of a shared port).
    public func error(_ error: AWSError, model: ServiceModel?, proto: WireProtocol?, method: String,
                      requestID: String) -> WireResponse {
        var response = WireResponse(status: error.httpStatus)
        let sender = error.httpStatus < 500
        switch proto {
        case .json?, .restJSON?:
            var body: [String: JSONTree] = ["__type": .string(error.code), "message": .string(error.message)]
            if model?.name == "lambda" { body["Type"] = .string(sender ? "User" : "Service") }
            for (k, v) in error.fields { body[k] = Int64(v).map(JSONTree.integer) ?? .string(v) }
            response.headers = [("x-amzn-RequestId", requestID), ("x-amzn-ErrorType", error.code),
                                ("Content-Type", proto == .json ? "application/x-amz-json-\(model?.jsonVersion ?? "1.1")" : "application/json")]
            if model?.awsQueryCompatible == true { response.headers.append(("x-amzn-query-error", "\(error.code);\(sender ? "Sender" : "Receiver")")) }
            response.body = Data(JSONTree.object(body).text.utf8)
        case .rpcV2CBOR?:
            var body: AWSValue = ["__type": .string(error.code), "message": .string(error.message)]
            if case .map(var m) = body { for (k, v) in error.fields { m[k] = .string(v) }; body = .map(m) }
            response.headers = [("x-amzn-RequestId", requestID), ("smithy-protocol", "rpc-v2-cbor"), ("Content-Type", "application/cbor")]
            if model?.awsQueryCompatible == true { response.headers.append(("x-amzn-query-error", "\(error.code);\(sender ? "Sender" : "Receiver")")) }
            response.body = model.map { CBORShapeCodec(model: $0).encode(body, shape: nil) } ?? Data()
        case .query?, .ec2?:
            let root = XMLNode("ErrorResponse")
            root.attributes["xmlns"] = model?.xmlNamespace ?? ""
            let node = root.add(XMLNode("Error"))
            node.add(XMLNode("Type", text: sender ? "Sender" : "Receiver"))
            node.add(XMLNode("Code", text: error.code))
            node.add(XMLNode("Message", text: error.message))
            root.add(XMLNode("RequestId", text: requestID))
            response.headers = [("x-amzn-RequestId", requestID), ("Content-Type", "text/xml")]
            response.body = Data(root.document.utf8)
        case .restXML?, nil:
            response.headers = [("x-amz-request-id", requestID), ("x-amz-id-2", requestID)]
            guard method != "HEAD" else { return response }
            let root = XMLNode("Error")
            root.add(XMLNode("Code", text: error.code))
            root.add(XMLNode("Message", text: error.message))
            for key in error.fields.keys.sorted() { root.add(XMLNode(key, text: error.fields[key]!)) }
            root.add(XMLNode("RequestId", text: requestID))
            response.headers.append(("Content-Type", "application/xml"))
            response.body = Data(root.document.utf8)
        }
        return response
    }
}
