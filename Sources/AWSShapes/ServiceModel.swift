// The parts of a botocore service model (service-2.json) that the emulated services and
// the wire protocols read: metadata, operations with their HTTP bindings, and shapes.
// The values come only from the generated files beside this one, as Soto's do.

/// The wire protocols botocore knows, as its `metadata.protocols` spells them.
public enum WireProtocol: String, Sendable {
    case restXML = "rest-xml", restJSON = "rest-json", json, query, ec2
    case rpcV2CBOR = "smithy-rpc-v2-cbor"
}

public struct ServiceModel: Sendable {
    /// botocore's name for the service ("s3", "sagemaker-runtime", "cloudwatch").
    public let name: String
    public let apiVersion: String
    /// In the order botocore prefers them: the first is what a current client speaks.
    public let protocols: [WireProtocol]
    public let endpointPrefix: String
    /// The service in a SigV4 credential scope ("sagemaker" for the runtime too).
    public let signingName: String
    /// The `X-Amz-Target` prefix of json services, and rpc-v2-cbor's service name.
    public let targetPrefix: String?
    public let jsonVersion: String?
    public let xmlNamespace: String?
    /// Query-compatible json services (CloudWatch) send `x-amzn-query-error`.
    public let awsQueryCompatible: Bool
    public let operations: [String: OperationModel]
    public let shapes: [String: Shape]

    public init(name: String, apiVersion: String, protocols: [WireProtocol], endpointPrefix: String,
                signingName: String, targetPrefix: String?, jsonVersion: String?, xmlNamespace: String?,
                awsQueryCompatible: Bool, operations: [OperationModel], shapes: [Shape]) {
        self.name = name
        self.apiVersion = apiVersion
        self.protocols = protocols
        self.endpointPrefix = endpointPrefix
        self.signingName = signingName
        self.targetPrefix = targetPrefix
        self.jsonVersion = jsonVersion
        self.xmlNamespace = xmlNamespace
        self.awsQueryCompatible = awsQueryCompatible
        self.operations = Dictionary(uniqueKeysWithValues: operations.map { ($0.name, $0) })
        self.shapes = Dictionary(uniqueKeysWithValues: shapes.map { ($0.name, $0) })
    }

    public var `protocol`: WireProtocol { protocols[0] }

    /// The model by botocore's service name, as `boto3.client(name)` takes it.
    public static func named(_ name: String) -> ServiceModel? {
        all.first { $0.name == name }
    }

    /// The named shape; generated models are closed, so a missing name is a generator bug.
    public func shape(_ name: String) -> Shape {
        guard let shape = shapes[name] else { fatalError("\(self.name) model has no shape \(name)") }
        return shape
    }

    /// The error shape whose code is `code`, if the model declares one.
    public func errorShape(code: String) -> Shape? {
        shapes[code].flatMap { $0.error == nil ? nil : $0 }
            ?? shapes.values.first { $0.error?.code == code }
    }
}

public struct OperationModel: Sendable {
    public let name: String
    public let method: String
    /// The request URI template, e.g. `/{Bucket}/{Key+}` or `/{Bucket}?list-type=2`.
    public let requestURI: String
    public let input: String?
    public let output: String?
    /// The query protocol's `<OperationResult>` element.
    public let resultWrapper: String?
    public let responseCode: Int?
    public let errors: [String]

    public init(name: String, method: String, requestURI: String, input: String? = nil, output: String? = nil,
                resultWrapper: String? = nil, responseCode: Int? = nil, errors: [String] = []) {
        self.name = name
        self.method = method
        self.requestURI = requestURI
        self.input = input
        self.output = output
        self.resultWrapper = resultWrapper
        self.responseCode = responseCode
        self.errors = errors
    }
}

extension ServiceModel {
    /// The first sentence of botocore's documentation of `shape.member`, for `labbook
    /// describe` and the lab book schema; nil when botocore has none.
    public func documentation(ofMember member: String, in shape: String) -> String? {
        Self.documentation[name]?["\(shape).\(member)"]
    }

    private static let documentation: [String: [String: String]] = memberDocs.mapValues { text in
        var lines: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let tab = line.firstIndex(of: "\t") else { continue }
            lines[String(line[..<tab])] = String(line[line.index(after: tab)...])
        }
        return lines
    }
}
