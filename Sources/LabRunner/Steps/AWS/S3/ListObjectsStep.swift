// `s3.list_objects_v2`: ListObjectsV2 with Prefix: keys and sizes.
import Cloud
import Foundation

struct ListObjectsStep: LabStep {
    static let kind = "s3.list_objects_v2"
    static let summary = "ListObjectsV2 with Prefix: keys and sizes."
    static let declaration = StepDeclaration(
        boto3: "s3", "ListObjectsV2", parameters: ["Bucket", "Prefix"],
        output: [OutputField("Contents", "Every page's objects."), OutputField("KeyCount", "How many.")],
        example: """
            Bucket: my-lab-bucket
            Prefix: output/
            """)
    let bucket: Arg<String>, prefix: Arg<String>?

    init(arguments: inout StepArguments) throws {
        bucket = try arguments.required("Bucket")
        prefix = try arguments.optional("Prefix")
    }

    /// The pages as one answer (boto3's paginator with `build_full_result`): Contents is
    /// every object, and a list even when empty, so expectations can count it.
    func run(in context: StepContext) async throws -> LabValue {
        var parameters: [String: AWSValue] = ["Bucket": .string(try context.resolve(bucket))]
        if let prefix { parameters["Prefix"] = .string(try context.resolve(prefix)) }
        let (contents, last) = try await context.callPages("s3", "ListObjectsV2", .map(parameters),
                                                           token: ("ContinuationToken", "NextContinuationToken"), items: "Contents")
        return LabValue(aws: last, adding: [
            ("Prefix", .string(last["Prefix"]?.string ?? "")), ("KeyCount", .int(contents.count)),
            ("Contents", .list(contents.map(LabValue.init(aws:)))),
            ("ContinuationToken", nil), ("NextContinuationToken", nil),
        ])
    }
}
