// `sagemaker.default_bucket`: The SageMaker Python SDK's Session().default_bucket(): sagemaker-<region>-<account>, created if missing.
import Cloud
import Foundation

/// The notebooks upload their artifacts to `sagemaker.Session().default_bucket()`. The SDK
/// names it from the region and the caller's account and creates it only when HeadBucket
/// finds nothing, so a second lab (or a second run) reuses it instead of failing with
/// BucketAlreadyOwnedByYou. `model.package` does the same for its upload.
struct DefaultBucketStep: LabStep {
    static let kind = "sagemaker.default_bucket"
    static let summary = "The SageMaker Python SDK's Session().default_bucket(): sagemaker-<region>-<account>, created if missing."
    static let declaration = StepDeclaration(
        keys: [StepKey("Bucket", .string, default: "sagemaker-<region>-<account>", "The bucket to use instead of the SDK's default name.")],
        output: [OutputField("Bucket", "The bucket's name."), OutputField("Created", "Whether this step created it.")],
        touchesState: true,
        example: "{}")
    let bucket: Arg<String>?

    init(arguments: inout StepArguments) throws { bucket = try arguments.optional("Bucket") }

    func run(in context: StepContext) async throws -> LabValue {
        let name: String
        if let bucket { name = try context.resolve(bucket) } else {
            let identity: AWSValue = try await context.call("sts", "GetCallerIdentity")
            name = "sagemaker-\(context.awsRegion)-\(identity["Account"]?.string ?? "")"
        }
        let created = try await Self.ensure(name, in: context)
        context.show(.code("import sagemaker\nbucket = sagemaker.Session().default_bucket()\n# \(created ? "created" : "already there"): \(name)",
                           language: "python", caption: nil))
        return .object(LabObject([("Bucket", .string(name)), ("Created", .bool(created))]))
    }

    /// Creates `bucket` in the calls' region (as S3 requires outside us-east-1) when
    /// HeadBucket says it does not exist. Returns whether it was created.
    @discardableResult
    static func ensure(_ bucket: String, in context: StepContext) async throws -> Bool {
        do {
            let _: AWSValue = try await context.call("s3", "HeadBucket", ["Bucket": .string(bucket)])
            return false
        } catch let error as AWSError where error.httpStatus == 404 {
            let region = context.awsRegion
            let _: AWSValue = try await context.call("s3", "CreateBucket", .structure([
                ("Bucket", .string(bucket)),
                ("CreateBucketConfiguration", region == "us-east-1" ? nil : ["LocationConstraint": .string(region)]),
            ]))
            return true
        }
    }
}
