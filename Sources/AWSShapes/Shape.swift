// A botocore shape and the member references inside it, with the traits the protocols
// and the validator need (location bindings, XML names, constraints, error codes).

public struct Shape: Sendable {
    public enum Kind: String, Sendable {
        case structure, unionStructure, list, map, string, integer, long, boolean, blob, timestamp
        case float, double, bigdecimal, biginteger, byte, short, document
    }

    public let name: String
    public let kind: Kind
    public let members: [Member]
    public let required: [String]
    /// The member that is the whole HTTP body (rest protocols).
    public let payload: String?
    public let member: Member?
    public let key: Member?
    public let value: Member?
    public let enumValues: [String]
    public let min: Double?
    public let max: Double?
    public let pattern: String?
    public let flattened: Bool
    public let timestampFormat: String?
    public let locationName: String?
    public let streaming: Bool
    public let error: ErrorTrait?

    public init(name: String, _ kind: Kind, members: [Member] = [], required: [String] = [],
                payload: String? = nil, member: Member? = nil, key: Member? = nil, value: Member? = nil,
                enumValues: [String] = [], min: Double? = nil, max: Double? = nil, pattern: String? = nil,
                flattened: Bool = false, timestampFormat: String? = nil, locationName: String? = nil,
                streaming: Bool = false, error: ErrorTrait? = nil) {
        self.name = name
        self.kind = kind
        self.members = members
        self.required = required
        self.payload = payload
        self.member = member
        self.key = key
        self.value = value
        self.enumValues = enumValues
        self.min = min
        self.max = max
        self.pattern = pattern
        self.flattened = flattened
        self.timestampFormat = timestampFormat
        self.locationName = locationName
        self.streaming = streaming
        self.error = error
    }

    public func member(named name: String) -> Member? { members.first { $0.name == name } }

    /// Members carried in the body, not bound to the URI, query string, headers or status.
    public var bodyMembers: [Member] { members.filter { $0.location == nil } }
}

public struct Member: Sendable {
    public enum Location: Sendable { case uri, query, header, headers, statusCode }

    public let name: String
    public let shape: String
    public let location: Location?
    public let locationName: String?
    public let xmlAttribute: Bool
    public let flattened: Bool
    public let jsonValue: Bool
    public let idempotencyToken: Bool
    public let hostLabel: Bool
    public let streaming: Bool
    public let xmlNamespace: String?
    public let timestampFormat: String?

    public init(name: String, shape: String, location: Location? = nil, locationName: String? = nil,
                xmlAttribute: Bool = false, flattened: Bool = false, jsonValue: Bool = false,
                idempotencyToken: Bool = false, hostLabel: Bool = false, streaming: Bool = false,
                xmlNamespace: String? = nil, timestampFormat: String? = nil) {
        self.name = name
        self.shape = shape
        self.location = location
        self.locationName = locationName
        self.xmlAttribute = xmlAttribute
        self.flattened = flattened
        self.jsonValue = jsonValue
        self.idempotencyToken = idempotencyToken
        self.hostLabel = hostLabel
        self.streaming = streaming
        self.xmlNamespace = xmlNamespace
        self.timestampFormat = timestampFormat
    }

    /// The name on the wire: `locationName` when the model gives one.
    public var wireName: String { locationName ?? name }
}

/// An exception shape's `error` trait: the code on the wire and the HTTP status.
public struct ErrorTrait: Sendable {
    public let code: String
    public let httpStatus: Int
    public let senderFault: Bool

    public init(code: String, httpStatus: Int, senderFault: Bool) {
        self.code = code
        self.httpStatus = httpStatus
        self.senderFault = senderFault
    }
}
