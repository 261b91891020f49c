// A bucket's region as S3 reports it. Every bucket lives in the account's one region, so
// CreateBucket accepts only that region's LocationConstraint, as a regional S3 endpoint does:
// none in us-east-1 (where naming it explicitly is invalid), the region's name elsewhere.
import Foundation
import Serving

extension S3 {
    /// GetBucketLocation's answer: nil for us-east-1, which S3 reports as an empty constraint.
    public var locationConstraint: String? { account.region == "us-east-1" ? nil : account.region }

    /// The canonical user id S3 shows as the owner of buckets, objects and uploads.
    public var canonicalUserID: String { Digest.sha256Hex(Data("labbook-canonical-user:\(account.id)".utf8)) }

    /// CreateBucket with its CreateBucketConfiguration.LocationConstraint. In us-east-1
    /// creating a bucket you already own succeeds, as S3 keeps it there for compatibility.
    public func createBucket(_ name: String, locationConstraint constraint: String?) throws {
        try S3Names.validateBucketName(name)
        switch constraint {
        case nil where account.region != "us-east-1":
            throw S3Errors.illegalLocationConstraint(nil)
        case "us-east-1"?:
            throw S3Errors.invalidLocationConstraint("us-east-1")
        case let constraint? where constraint != account.region && !(constraint == "EU" && account.region == "eu-west-1"):
            throw S3Errors.illegalLocationConstraint(constraint)
        default:
            break
        }
        do {
            try createBucket(name)
        } catch let error as AWSError where error.code == "BucketAlreadyOwnedByYou" && account.region == "us-east-1" {
            return
        }
    }

    /// GetBucketLocation.
    public func bucketLocation(_ name: String) throws -> String? {
        try headBucket(name)
        return locationConstraint
    }
}
