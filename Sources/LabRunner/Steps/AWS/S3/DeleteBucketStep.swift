// `s3.delete_bucket`: DeleteBucket, so a lab can clean up the bucket it made (S3 refuses
// with BucketNotEmpty while objects remain: delete them first, as on AWS).

struct BucketResource: DeletableResource {
    static let kind = "s3.delete_bucket", operation = "DeleteBucket", noun = "bucket (BucketNotEmpty while it holds objects)"
    static let member = "Bucket", example = "my-lab-bucket"
}
