// `s3.create_bucket`: CreateBucket.
import Cloud
import Foundation

struct CreateBucketStep: LabStep {
    static let kind = "s3.create_bucket"
    static let summary = "CreateBucket."
    static let declaration = StepDeclaration(boto3: "s3", "CreateBucket", parameters: ["Bucket"], example: "Bucket: my-lab-bucket")
    let bucket: Arg<String>

    init(arguments: inout StepArguments) throws { bucket = try arguments.required("Bucket") }

    /// S3 refuses a bare CreateBucket outside us-east-1 and a us-east-1 constraint inside it,
    /// so the step names the region as boto3 users must.
    func run(in context: StepContext) async throws -> LabValue {
        var parameters: [String: AWSValue] = ["Bucket": .string(try context.resolve(bucket))]
        let region = context.awsRegion
        if region != "us-east-1" {
            parameters["CreateBucketConfiguration"] = ["LocationConstraint": .string(region)]
        }
        return LabValue(aws: try await context.call("s3", "CreateBucket", .map(parameters)))
    }
}
