// `s3.get_object`: GetObject: size, type, and the body decoded when it is text or JSON
// (over 1 MB: saved beside the handout as BodyFile).
import Cloud
import Foundation

struct GetObjectStep: LabStep {
    static let kind = "s3.get_object"
    static let summary = "GetObject: size, type, and the body decoded when it is text or JSON (over 1 MB: saved beside the handout as BodyFile)."
    static let declaration = StepDeclaration(
        boto3: "s3", "GetObject",
        parameters: [StepDeclaration.Parameter("Bucket", required: false), StepDeclaration.Parameter("Key", required: false)],
        keys: [StepKey("S3Uri", .string, "Instead of Bucket and Key: s3://bucket/key (an OutputLocation, say).")],
        output: OutputField.reply.filter { $0.name != "ContentType" },
        example: "S3Uri: s3://my-lab-bucket/output/result.out")
    let bucket: Arg<String>?, key: Arg<String>?, uri: Arg<String>?

    init(arguments: inout StepArguments) throws {
        bucket = try arguments.optional("Bucket")
        key = try arguments.optional("Key")
        uri = try arguments.optional("S3Uri")
        guard (uri == nil) == (bucket != nil && key != nil), uri == nil || (bucket == nil && key == nil) else {
            throw LabError(arguments.location, "get_object takes Bucket and Key, or S3Uri")
        }
    }

    /// boto3's answer, its streaming Body replaced by the body made readable.
    func run(in context: StepContext) async throws -> LabValue {
        let (b, k) = try S3Location.resolve(bucket: bucket, key: key, uri: uri, in: context)
        var output = try await context.call("s3", "GetObject", ["Bucket": .string(b), "Key": .string(k)]).entries ?? [:]
        let body = output.removeValue(forKey: "Body")?.data ?? Data()
        let readable = try RequestBody.readable(body, contentType: output["ContentType"]?.string ?? "binary/octet-stream",
                                                context: context)
        return LabValue(aws: .map(output), adding: readable.filter { $0.0 != "ContentLength" })
    }
}
