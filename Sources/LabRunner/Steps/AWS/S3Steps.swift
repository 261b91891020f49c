// S3 calls as steps, shaped as boto3's: create_bucket, put_object (Body or a file),
// get_object, list_objects_v2, delete_object and the object_exists waiter.
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

struct PutObjectStep: LabStep {
    static let kind = "s3.put_object"
    static let summary = "PutObject from Body (text) or BodyFile (a path in the book's folder or the handout folder)."
    let bucket: Arg<String>, key: Arg<String>, body: Arg<LabValue>?, bodyFile: Arg<String>?, contentType: Arg<String>?

    init(arguments: inout StepArguments) throws {
        bucket = try arguments.required("Bucket")
        key = try arguments.required("Key")
        body = try arguments.optional("Body")
        bodyFile = try arguments.optional("BodyFile")
        guard (body == nil) != (bodyFile == nil) else {
            throw LabError(arguments.location, "put_object takes one of Body or BodyFile")
        }
        contentType = try arguments.optional("ContentType")
    }

    func run(in context: StepContext) async throws -> LabValue {
        let data = try RequestBody.resolve(body: body, file: bodyFile, in: context)
        let (b, k) = (try context.resolve(bucket), try context.resolve(key))
        let output = try context.cloud.s3.putObject(bucket: b, key: k, body: data, contentType: try contentType.map(context.resolve))
        return Shape.object([("ETag", .string(output.eTag)), ("S3Uri", .string("s3://\(b)/\(k)")), ("ContentLength", .int(data.count))])
    }
}

struct GetObjectStep: LabStep {
    static let kind = "s3.get_object"
    static let summary = "GetObject: size, type, and the body decoded when it is text or JSON."
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
        for (name, value) in RequestBody.decoded(object.body, contentType: object.contentType) where object.body.count <= 1 << 20 {
            out[name] = value
        }
        return .object(out)
    }
}

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

/// boto3's `s3.get_waiter("object_exists")`: HeadObject every 5 s, 20 attempts (botocore's
/// s3 waiters-2.json), on the simulated clock — what the async lab does while it polls.
struct ObjectExistsWaitStep: LabStep {
    static let kind = "s3.wait_object_exists"
    static let summary = "Polls HeadObject until the object exists (NoSuchKey means wait), as boto3's object_exists waiter."
    let bucket: Arg<String>?, key: Arg<String>?, uri: Arg<String>?, delay: Arg<Double>?, attempts: Arg<Int>?

    init(arguments: inout StepArguments) throws {
        bucket = try arguments.optional("Bucket")
        key = try arguments.optional("Key")
        uri = try arguments.optional("S3Uri")
        delay = try arguments.optional("Delay")
        attempts = try arguments.optional("MaxAttempts")
    }

    func run(in context: StepContext) async throws -> LabValue {
        let (b, k) = try S3Location.resolve(bucket: bucket, key: key, uri: uri, in: context)
        let step = try context.resolve(delay, default: 5), limit = try context.resolve(attempts, default: 20)
        guard step > 0, limit > 0 else { throw LabError(delay?.location ?? attempts!.location, "Delay and MaxAttempts must be positive") }
        let clock = context.cloud.clock
        let started = clock.now
        for attempt in 1...limit {
            if let head = try? context.cloud.s3.headObject(bucket: b, key: k) {
                return Shape.object([("S3Uri", .string("s3://\(b)/\(k)")), ("ContentLength", .int(head.contentLength)),
                                     ("Attempts", .int(attempt)), ("WaitedSeconds", .number(clock.now.timeIntervalSince(started)))])
            }
            clock.advance(by: step)
        }
        throw LabError(uri?.location ?? key!.location, "Waiter ObjectExists failed: Max attempts exceeded (s3://\(b)/\(k) still missing after \(limit) × \(step) s)")
    }
}

enum S3Location {
    static func resolve(bucket: Arg<String>?, key: Arg<String>?, uri: Arg<String>?, in context: StepContext) throws -> (String, String) {
        if let uri {
            let text = try context.resolve(uri)
            do {
                let parsed = try S3URI(parsing: text)
                return (parsed.bucket, parsed.key)
            } catch { throw LabError(uri.location, "S3Uri '\(text)' is not s3://bucket/key") }
        }
        guard let bucket, let key else { throw LabError(.synthetic("s3"), "Bucket and Key, or S3Uri, are required") }
        return (try context.resolve(bucket), try context.resolve(key))
    }
}
