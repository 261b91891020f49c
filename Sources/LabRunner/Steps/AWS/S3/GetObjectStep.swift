// `s3.get_object`: GetObject: size, type, and the body decoded when it is text or JSON
// (over 1 MB: saved beside the handout as BodyFile).
import Cloud
import Foundation

struct GetObjectStep: LabStep {
    static let kind = "s3.get_object"
    static let summary = "GetObject: size, type, and the body decoded when it is text or JSON (over 1 MB: saved beside the handout as BodyFile)."
    let bucket: Arg<String>?, key: Arg<String>?, uri: Arg<String>?

    init(arguments: inout StepArguments) throws {
        bucket = try arguments.optional("Bucket")
        key = try arguments.optional("Key")
        uri = try arguments.optional("S3Uri")
        guard (uri == nil) == (bucket != nil && key != nil), uri == nil || (bucket == nil && key == nil) else {
            throw LabError(arguments.location, "get_object takes Bucket and Key, or S3Uri")
        }
    }

    func run(in context: StepContext) async throws -> LabValue {
        let (b, k) = try S3Location.resolve(bucket: bucket, key: key, uri: uri, in: context)
        let object = try context.cloud.s3.getObject(bucket: b, key: k)
        var out = LabObject([("ContentLength", .int(object.contentLength)), ("ContentType", .string(object.contentType)),
                             ("ETag", .string(object.eTag)), ("LastModified", Shape.date(object.lastModified))])
        for (name, value) in try RequestBody.readable(object.body, contentType: object.contentType, context: context)
        where name != "ContentLength" {
            out[name] = value
        }
        return .object(out)
    }
}
