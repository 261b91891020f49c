// Anything that answers AWS calls as boto3 makes them: the embedded account
// (Cloud's CloudDispatch) or a real endpoint over the wire (AWSWire's WireClient).
// Lab steps hold one and never know which.

public protocol AWSCaller: Sendable {
    /// `boto3.client(service).<operation>(**input)`; throws `AWSError` as botocore raises ClientError.
    func call(_ service: String, _ operation: String, _ input: AWSValue) async throws -> AWSValue
    /// Where the calls go, for messages: "the embedded cloud" or the endpoint URL.
    var destination: String { get }
    /// The region the calls are made in (S3 needs it for CreateBucket's LocationConstraint).
    var region: String { get }
}
