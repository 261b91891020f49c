// `s3.list_objects_v2`: ListObjectsV2 with Prefix: keys and sizes.
import Cloud
import Foundation

struct ListObjectsStep: LabStep {
    static let kind = "s3.list_objects_v2"
    static let summary = "ListObjectsV2 with Prefix: keys and sizes."
    let bucket: Arg<String>, prefix: Arg<String>?

    init(arguments: inout StepArguments) throws {
        bucket = try arguments.required("Bucket")
        prefix = try arguments.optional("Prefix")
    }

    func run(in context: StepContext) async throws -> LabValue {
        let b = try context.resolve(bucket), p = try prefix.map(context.resolve)
        var contents: [LabValue] = []
        var token: String?
        repeat {
            let page = try context.cloud.s3.listObjectsV2(bucket: b, prefix: p, continuationToken: token)
            contents += page.contents.map { Shape.object([("Key", .string($0.key)), ("Size", .int($0.size)), ("ETag", .string($0.eTag))]) }
            token = page.nextContinuationToken
        } while token != nil
        return Shape.object([("Name", .string(b)), ("Prefix", .string(p ?? "")), ("KeyCount", .int(contents.count)), ("Contents", .list(contents))])
    }
}
