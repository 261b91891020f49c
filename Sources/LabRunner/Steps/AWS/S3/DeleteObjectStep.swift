// `s3.delete_object`: DeleteObject.
import Cloud
import Foundation

struct DeleteObjectStep: LabStep {
    static let kind = "s3.delete_object"
    static let summary = "DeleteObject."
    let bucket: Arg<String>, key: Arg<String>

    init(arguments: inout StepArguments) throws {
        bucket = try arguments.required("Bucket")
        key = try arguments.required("Key")
    }

    func run(in context: StepContext) async throws -> LabValue {
        try context.cloud.s3.deleteObject(bucket: try context.resolve(bucket), key: try context.resolve(key))
        return Shape.object([("Deleted", .bool(true))])
    }
}
