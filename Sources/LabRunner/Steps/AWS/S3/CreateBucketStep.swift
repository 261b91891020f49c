// `s3.create_bucket`: CreateBucket.
import Cloud
import Foundation

struct CreateBucketStep: LabStep {
    static let kind = "s3.create_bucket"
    static let summary = "CreateBucket."
    let bucket: Arg<String>

    init(arguments: inout StepArguments) throws { bucket = try arguments.required("Bucket") }

    func run(in context: StepContext) async throws -> LabValue {
        let name = try context.resolve(bucket)
        try context.cloud.s3.createBucket(name)
        return Shape.object([("Location", .string("/\(name)"))])
    }
}
