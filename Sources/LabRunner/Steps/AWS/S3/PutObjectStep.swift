// `s3.put_object`: PutObject from Body (text) or BodyFile (a path in the book's folder or the handout folder).
import Cloud
import Foundation

struct PutObjectStep: LabStep {
    static let kind = "s3.put_object"
    static let summary = "PutObject from Body (text) or BodyFile (a path in the book's folder or the handout folder)."
    let bucket: Arg<String>, key: Arg<String>, body: Arg<LabValue>?, bodyFile: Arg<String>?, contentType: Arg<String>?

    init(arguments: inout StepArguments) throws {
        bucket = try arguments.required("Bucket")
        key = try arguments.required("Key")
        body = try arguments.optional("Body")
        bodyFile = try arguments.optional("BodyFile")
        guard (body == nil) != (bodyFile == nil) else {
            throw LabError(arguments.location, "put_object takes one of Body or BodyFile")
        }
        contentType = try arguments.optional("ContentType")
    }

    /// boto3's answer (ETag) with where the object is and how big, for later steps.
    func run(in context: StepContext) async throws -> LabValue {
        let data = try RequestBody.resolve(body: body, file: bodyFile, in: context)
        let (b, k) = (try context.resolve(bucket), try context.resolve(key))
        var parameters: [String: AWSValue] = ["Bucket": .string(b), "Key": .string(k), "Body": .blob(data)]
        if let contentType { parameters["ContentType"] = .string(try context.resolve(contentType)) }
        let output = try await context.call("s3", "PutObject", .map(parameters))
        return LabValue(aws: output, adding: [("S3Uri", .string("s3://\(b)/\(k)")), ("ContentLength", .int(data.count))])
    }
}
