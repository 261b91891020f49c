// `s3.delete_object`: DeleteObject.
import Cloud
import Foundation

struct DeleteObjectStep: LabStep {
    static let kind = "s3.delete_object"
    static let summary = "DeleteObject."
    static let declaration = StepDeclaration(
        boto3: "s3", "DeleteObject", parameters: ["Bucket", "Key"], output: [OutputField("Deleted", "true.")],
        example: """
            Bucket: my-lab-bucket
            Key: input/review.json
            """)
    let bucket: Arg<String>, key: Arg<String>

    init(arguments: inout StepArguments) throws {
        bucket = try arguments.required("Bucket")
        key = try arguments.required("Key")
    }

    func run(in context: StepContext) async throws -> LabValue {
        let output: AWSValue = try await context.call("s3", "DeleteObject", [
            "Bucket": .string(try context.resolve(bucket)), "Key": .string(try context.resolve(key)),
        ])
        return LabValue(aws: output, adding: [("Deleted", .bool(true))])
    }
}
