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
            } catch { throw LabError(uri.location, "S3Uri '\(text)' is not s3://bucket/key") }
        }
        guard let bucket, let key else { throw LabError(.synthetic("s3 step"), "Bucket and Key, or S3Uri, are required") }
        return (try context.resolve(bucket), try context.resolve(key))
    }
}
