// Where an S3 step points: Bucket and Key, or one s3://bucket/key URI.
import Cloud
import Foundation

enum S3Location {
    static func resolve(bucket: Arg<String>?, key: Arg<String>?, uri: Arg<String>?, in context: StepContext) throws -> (String, String) {
        if let uri {
            let text = try context.resolve(uri)
            do {
                let parsed = try S3URI(parsing: text)
                return (parsed.bucket, parsed.key)
            } catch {
                throw LabError(uri.location, "S3Uri '\(text)' is not s3://bucket/key", ko: "S3Uri가 s3://bucket/key 꼴이 아닙니다: '\(text)'")
            }
        }
        guard let bucket, let key else {
            throw LabError(.synthetic("s3 step"), "Bucket and Key, or S3Uri, are required", ko: "Bucket과 Key, 또는 S3Uri가 필요합니다")
        }
        return (try context.resolve(bucket), try context.resolve(key))
    }
}
