// One declaration per step kind: its keys (type, required or not, default, one line of
// docs), the boto3 call it mirrors and the fields it adds to the output. The parser
// checks every step against it before the kind reads its keys; `labbook kinds`,
// `labbook describe`, `labbook schema` and docs/steps.md are printed from it.
import AWSShapes

/// What a key holds. Any value may also be a `${...}` reference, checked when it resolves.
public indirect enum KeyType: Sendable {
    case string, integer, number, bool
    /// Any value: text, a number, a list or a mapping.
    case any
    /// One of these words.
    case choice([String])
    case list(KeyType)
    /// A mapping with any keys.
    case mapping
    /// A mapping with these keys.
    case fields([StepKey])
    /// Text, or a mapping with `ko` and `en` text.
    case localized
    /// Nested steps (`repeat`).
    case steps
    /// A botocore shape, checked member by member as the service model says.
    case botocore(service: String, shape: String)

    /// How `labbook describe` names the type.
    public var displayName: String {
        switch self {
        case .string: "string"
        case .integer: "integer"
        case .number: "number"
        case .bool: "bool"
        case .any: "any value"
        case let .choice(words): words.joined(separator: " | ")
        case let .list(element): "list of \(element.displayName)"
        case .mapping: "mapping"
        case let .fields(keys): "{" + keys.map { $0.name + ($0.isRequired ? "" : "?") }.joined(separator: ", ") + "}"
        case .localized: "text or {ko, en}"
        case .steps: "list of steps"
        case let .botocore(service, shape): Self.botocoreName(service, shape)
        }
    }

    private static func botocoreName(_ service: String, _ name: String) -> String {
        guard let shape = ServiceModel.named(service)?.shapes[name] else { return name }
        switch shape.kind {
        case .structure, .unionStructure: return name
        case .list: return "list of " + (shape.member.map { botocoreName(service, $0.shape) } ?? "values")
        case .map: return "mapping"
        case .string where !shape.enumValues.isEmpty: return shape.enumValues.joined(separator: " | ")
        case .string, .blob, .timestamp: return "string"
        case .integer, .long, .short, .byte, .biginteger: return "integer"
        case .float, .double, .bigdecimal: return "number"
        case .boolean: return "bool"
        case .document: return "any value"
        }
    }

    /// Whether a key of this type can be read as `typeName` (an `ArgumentValue.typeName`);
    /// a mismatch is a bug in the kind, caught by the tests that parse every example.
    func admits(_ typeName: String) -> Bool {
        switch (self, typeName) {
        case (_, LabValue.typeName), (.any, _): return true
        case (.string, String.typeName), (.choice, String.typeName), (.localized, String.typeName): return true
        case (.integer, Int.typeName), (.number, Double.typeName), (.bool, Bool.typeName): return true
        case let (.list(element), name): return name.hasPrefix("list of ") && element.admits(String(name.dropFirst(8).dropLast()))
        case let (.botocore(service, name), typeName):
            guard let shape = ServiceModel.named(service)?.shapes[name] else { return false }
            switch shape.kind {
            case .string, .blob, .timestamp: return typeName == String.typeName
            case .integer, .long, .short, .byte: return typeName == Int.typeName
            case .float, .double: return typeName == Double.typeName || typeName == Int.typeName
            case .boolean: return typeName == Bool.typeName
            case .list: return typeName.hasPrefix("list of ")
            default: return false
            }
        default: return false
        }
    }
}

/// One key a step kind reads.
public struct StepKey: Sendable {
    public let name: String
    public let type: KeyType
    public let isRequired: Bool
    /// What an absent optional key means, as `describe` shows it.
    public let defaultValue: String?
    public let summary: String

    public init(_ name: String, _ type: KeyType, required: Bool = false, default defaultValue: String? = nil, _ summary: String) {
        self.name = name
        self.type = type
        self.isRequired = required
        self.defaultValue = defaultValue
        self.summary = summary
    }
}

/// A field a step adds to its output (or the whole output, for kinds that call no AWS API).
public struct OutputField: Sendable {
    public let name: String
    public let summary: String

    public init(_ name: String, _ summary: String) {
        self.name = name
        self.summary = summary
    }
}

/// The boto3 call a step mirrors: its parameters keep botocore's names and its output is
/// the call's answer.
public struct BotoCall: Sendable, Equatable {
    public let service: String
    public let operation: String

    var model: ServiceModel? { ServiceModel.named(service) }
    var inputShape: AWSShapes.Shape? { model.flatMap { m in m.operations[operation]?.input.flatMap { m.shapes[$0] } } }
    var outputShape: AWSShapes.Shape? { model.flatMap { m in m.operations[operation]?.output.flatMap { m.shapes[$0] } } }

    /// boto3's spelling, `client.create_endpoint_config`.
    public var pythonName: String { Boto3Snippet.xformName(operation) }
}

public struct StepDeclaration: Sendable {
    public let call: BotoCall?
    public let keys: [StepKey]
    /// Groups of keys of which exactly one is given (Body or BodyFile).
    public let exactlyOne: [[String]]
    public let output: [OutputField]
    /// Whether the output is the call's answer (with `output` added) rather than `output` alone.
    public let includesAnswer: Bool
    /// Whether the step uses state beyond its inputs: the AWS account or a local endpoint.
    public let touchesState: Bool
    /// The step's keys in YAML (without `kind:`), parsed by a test so it stays valid.
    public let example: String

    /// A kind with no AWS call behind it.
    public init(keys: [StepKey] = [], exactlyOne: [[String]] = [], output: [OutputField] = [], touchesState: Bool = false,
                example: String) {
        self.call = nil
        self.touchesState = touchesState
        self.keys = keys
        self.exactlyOne = exactlyOne
        self.output = output
        self.includesAnswer = false
        self.example = example
    }

    /// A kind that mirrors `service.operation`: `parameters` name the call's members the
    /// step takes (type, whether required, and docs from botocore), `keys` its own. The
    /// output is the call's answer plus `output`, or `output` alone (`includesAnswer: false`).
    public init(boto3 service: String, _ operation: String, parameters: [Parameter] = [], keys: [StepKey] = [],
                exactlyOne: [[String]] = [], output: [OutputField] = [], includesAnswer: Bool = true, example: String) {
        let call = BotoCall(service: service, operation: operation)
        self.call = call
        self.touchesState = true
        self.keys = parameters.map { $0.key(in: call) } + keys
        self.exactlyOne = exactlyOne
        self.output = output
        self.includesAnswer = includesAnswer
        self.example = example
    }

    public func key(named name: String) -> StepKey? { keys.first { $0.name == name } }

    /// A member of the boto3 call, optionally overriding what the model says.
    public struct Parameter: Sendable, ExpressibleByStringLiteral {
        let name: String
        let type: KeyType?
        let isRequired: Bool?
        let summary: String?
        /// labbook's default when the book leaves it out, where that is not AWS's own.
        let defaultValue: String?

        public init(stringLiteral name: String) { self.init(name) }

        public init(_ name: String, _ type: KeyType? = nil, required: Bool? = nil, default defaultValue: String? = nil,
                    _ summary: String? = nil) {
            self.name = name
            self.type = type
            self.isRequired = required
            self.defaultValue = defaultValue
            self.summary = summary
        }

        func key(in call: BotoCall) -> StepKey {
            let input = call.inputShape
            let member = input?.member(named: name)
            let documented = input.flatMap { call.model?.documentation(ofMember: name, in: $0.name) }
            let type = type ?? member.map { KeyType.botocore(service: call.service, shape: $0.shape) } ?? .any
            return StepKey(name, type, required: isRequired ?? input?.required.contains(name) ?? false,
                           default: defaultValue, summary ?? documented ?? "")
        }
    }
}
