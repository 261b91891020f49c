// DeleteObjects: up to 1000 keys in one request. Each key succeeds or fails on its own, and
// a key that does not exist is deleted as DeleteObject deletes it: successfully.
import Foundation

public struct S3DeleteError: Sendable, Equatable {
    public var key: String
    public var code: String
    public var message: String
}

public struct DeleteObjectsOutput: Sendable, Equatable {
    public var deleted: [String]
    public var errors: [S3DeleteError]
}

extension S3 {
    public static let maxKeysPerDelete = 1000

    public func deleteObjects(bucket: String, keys: [String]) throws -> DeleteObjectsOutput {
        guard (1...Self.maxKeysPerDelete).contains(keys.count) else {
            throw S3Errors.malformedXML("a Delete names 1 to \(Self.maxKeysPerDelete) objects, this one \(keys.count)")
        }
        try headBucket(bucket)
        var output = DeleteObjectsOutput(deleted: [], errors: [])
        for key in keys {
            do {
                try deleteObject(bucket: bucket, key: key)
                output.deleted.append(key)
            } catch let error as AWSError {
                output.errors.append(S3DeleteError(key: key, code: error.code, message: error.message))
            }
        }
        return output
    }
}
