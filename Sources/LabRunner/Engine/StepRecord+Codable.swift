// What the result cache writes for a step's record: its handout blocks, boto3 calls and
// weights notes as JSON (boto3 values tagged so bytes and times come back as they were).
import AWSShapes
import Foundation

extension StepStatus: Codable {}

extension RecordedCall: Codable {
    private enum CodingKeys: String, CodingKey { case service, operation, parameters }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        service = try container.decode(String.self, forKey: .service)
        operation = try container.decode(String.self, forKey: .operation)
        parameters = try container.decode(TaggedValue.self, forKey: .parameters).value
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(service, forKey: .service)
        try container.encode(operation, forKey: .operation)
        try container.encode(TaggedValue(parameters), forKey: .parameters)
    }
}
