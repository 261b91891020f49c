// The parts of the lab book schema every step shares: the common keys, expectations,
// parameters and {ko, en} text, as StepParser, Expectation and ParameterParser read them.

extension BookSchema {
    static let localized: LabObject = [
        "description": "Text, or the same text in Korean and English.",
        "anyOf": [
            ["type": "string"],
            ["type": "object", "properties": ["ko": ["type": "string"], "en": ["type": "string"]],
             "minProperties": 1, "additionalProperties": false],
        ],
    ]

    /// Keys every step may have besides its kind's own (StepParser.commonKeys).
    static let commonKeys: [(String, LabValue)] = [
        ("id", ["type": "string", "pattern": "^[A-Za-z][A-Za-z0-9_-]*$",
                "description": "Names the step so later steps can use its output as ${steps.<id>...}."]),
        ("title", ["$ref": "#/definitions/localized", "description": "The step's heading in the handout."]),
        ("text", ["$ref": "#/definitions/localized", "description": "A paragraph for the handout."]),
        ("expect", ["type": "array", "items": ["$ref": "#/definitions/expectation"],
                    "description": "Checks on the step's output; a miss fails the lab."]),
        ("expect-error", ["type": "string", "description": "The AWS error code the call must fail with (ValidationException)."]),
        ("timeout", ["type": "number", "exclusiveMinimum": 0, "maximum": 86_400, "description": "Seconds before the step is cancelled."]),
        ("always", ["type": "boolean", "description": "Run even after an earlier step failed (clean-up)."]),
    ]

    /// One `expect:` clause (Expectation.parse).
    static var expectation: LabObject {
        let number: LabValue = ["anyOf": [["type": "number"], ["$ref": "#/definitions/reference"]]]
        let checks: LabObject = [
            "equals": [:], "approx": number, "greater": number, "less": number, "at-least": number, "at-most": number,
            "contains": [:], "regex": ["type": "string"],
            "count": ["anyOf": [["type": "integer", "minimum": 0], ["$ref": "#/definitions/reference"]]],
        ]
        var elementwise = checks
        elementwise["abs"] = ["type": "number"]
        elementwise["rel"] = ["type": "number"]
        let inner: LabValue = ["type": "object", "properties": .object(elementwise), "additionalProperties": false,
                               "minProperties": 1]
        var properties = checks
        for (key, schema) in [
            ("path", ["type": "string", "description": "Where in the output: $ is all of it, $.items[0].score, $.Lines[*].label."] as LabValue),
            ("abs", ["type": "number"]), ("rel", ["type": "number"]),
            ("each", inner), ("any", inner),
            ("image", ["type": "string", "description": "A path to a PNG the step wrote ($.file)."]),
            ("size", ["type": "array", "items": ["type": "integer"], "minItems": 2, "maxItems": 2]),
            ("like", ["type": "string", "description": "A reference picture to compare with."]),
            ("tolerance", ["type": "number", "minimum": 0, "maximum": 1]),
        ] { properties[key] = schema }
        return ["type": "object", "properties": .object(properties), "additionalProperties": false, "minProperties": 1]
    }

    /// One entry of `params:` (ParameterParser).
    static let parameter: LabObject = [
        "type": "object", "required": ["type"], "additionalProperties": false,
        "properties": [
            "type": ["enum": ["string", "int", "number", "bool", "path", "enum"]],
            "default": [:],
            "description": ["$ref": "#/definitions/localized"],
            "values": ["type": "array", "items": ["type": "string"]],
        ],
    ]
}

extension LabObject: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, LabValue)...) { self.init(elements) }
}
