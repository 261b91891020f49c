// `s3.put_object`: PutObject from Body (text) or BodyFile (a path in the book's folder or the handout folder).
import Cloud
import Foundation

struct PutObjectStep: LabStep {
    static let kind = "s3.put_object"
    static let summary = "PutObject from Body (text) or BodyFile (a path in the book's folder or the handout folder)."
    static let declaration = StepDeclaration(
        boto3: "s3", "PutObject",
        parameters: ["Bucket", "Key", StepDeclaration.Parameter("Body", .any, StepKey.body.summary), "ContentType"],
        keys: [StepKey.bodyFile],
        exactlyOne: [["Body", "BodyFile"]],
        output: [OutputField("S3Uri", "s3://bucket/key."), OutputField("ContentLength", "The body's size.")],
        example: """
            Bucket: my-lab-bucket
            Key: input/review.json
            Body: {text: 정말 재밌어요}
            ContentType: application/json
            """)
    let bucket: Arg<String>, key: Arg<String>, body: Arg<LabValue>?, bodyFile: Arg<String>?, contentType: Arg<String>?

    init(arguments: inout StepArguments) throws {
        bucket = try arguments.required("Bucket")
        key = try arguments.required("Key")
        body = try arguments.optional("Body")
        bodyFile = try arguments.optional("BodyFile")
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
