// `s3.wait_object_exists`: Polls HeadObject until the object exists (NoSuchKey means wait), as boto3's object_exists waiter.
import Cloud
import Foundation

/// boto3's `s3.get_waiter("object_exists")`: HeadObject every 5 s, 20 attempts (botocore's
/// s3 waiters-2.json). Between polls time passes: on the embedded account's simulated
/// clock (what the async lab does while it polls), or for real over the wire.
struct ObjectExistsWaitStep: LabStep {
    static let kind = "s3.wait_object_exists"
    static let summary = "Polls HeadObject until the object exists (NoSuchKey means wait), as boto3's object_exists waiter."
    static let declaration = StepDeclaration(
        keys: [
            StepKey("Bucket", .string, "The bucket."),
            StepKey("Key", .string, "The key."),
            StepKey("S3Uri", .string, "Instead of Bucket and Key: s3://bucket/key (an OutputLocation, say)."),
            StepKey("Delay", .number, default: "5", "Seconds between HeadObject calls (WaiterConfig.Delay)."),
            StepKey("MaxAttempts", .integer, default: "20", "Polls before giving up (WaiterConfig.MaxAttempts)."),
        ],
        output: [
            OutputField("S3Uri", "The object."),
            OutputField("ContentLength", "Its size."),
            OutputField("Attempts", "How many polls it took."),
            OutputField("WaitedSeconds", "How long, on the account's clock."),
        ],
        touchesState: true,
        example: "S3Uri: s3://my-lab-bucket/output/result.out")
    let bucket: Arg<String>?, key: Arg<String>?, uri: Arg<String>?, delay: Arg<Double>?, attempts: Arg<Int>?

    init(arguments: inout StepArguments) throws {
        bucket = try arguments.optional("Bucket")
        key = try arguments.optional("Key")
        uri = try arguments.optional("S3Uri")
        delay = try arguments.optional("Delay")
        attempts = try arguments.optional("MaxAttempts")
        guard (uri == nil) == (bucket != nil && key != nil), uri == nil || (bucket == nil && key == nil) else {
            throw LabError(arguments.location, "wait_object_exists takes Bucket and Key, or S3Uri")
        }
    }

    func run(in context: StepContext) async throws -> LabValue {
        let (b, k) = try S3Location.resolve(bucket: bucket, key: key, uri: uri, in: context)
        let step = try context.resolve(delay, default: 5), limit = try context.resolve(attempts, default: 20)
        guard step > 0, step <= 3600, step.isFinite else {
            throw LabError(delay!.location, "Delay must be more than 0 and at most 3600 seconds", ko: "Delay는 0초보다 크고 3600초 이하여야 합니다")
        }
        guard (1...1000).contains(limit) else { throw LabError(attempts!.location, "MaxAttempts must be 1 to 1000", ko: "MaxAttempts는 1에서 1000 사이여야 합니다") }
        let started = context.awsNow
        context.showBoto3("s3", Boto3Snippet.invocation("s3.get_waiter(\"object_exists\").wait", [
            ("Bucket", .string(b)), ("Key", .string(k)),
            ("WaiterConfig", ["Delay": step.rounded() == step ? .integer(Int64(step)) : .double(step), "MaxAttempts": .integer(Int64(limit))]),
        ]))
        for attempt in 1...limit {
            try Task.checkCancellation()
            do {
                let head: AWSValue = try await context.call("s3", "HeadObject", ["Bucket": .string(b), "Key": .string(k)])
                return Shape.object([("S3Uri", .string("s3://\(b)/\(k)")), ("ContentLength", head["ContentLength"].map(LabValue.init(aws:))),
                                     ("Attempts", .int(attempt)), ("WaitedSeconds", .number(context.awsNow.timeIntervalSince(started)))])
            } catch let error as AWSError where error.httpStatus == 404 || error.code == "NoSuchKey" {
                // Not there yet: the waiter's retry acceptor (HeadObject answers a bare 404).
                if attempt < limit { try await context.pause(seconds: step) }
            }
        }
        throw LabError(uri?.location ?? key!.location, "Waiter ObjectExists failed: Max attempts exceeded (s3://\(b)/\(k) still missing after \(limit) attempts, \(Terminal.seconds(step)) apart)",
                       ko: "ObjectExists 웨이터가 실패했습니다: \(Terminal.seconds(step)) 간격으로 \(limit)번 확인했지만 객체가 아직 없습니다: s3://\(b)/\(k)")
    }
}
