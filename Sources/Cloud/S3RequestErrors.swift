// The S3 errors of multipart upload, ranged and conditional reads, copies and batch
// deletes. botocore's model lists only NoSuchUpload among them, so codes, statuses, messages
// and extra fields follow S3's error-code table
// (docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html).
import Foundation

extension S3Errors {
    static func noSuchUpload(_ uploadId: String) -> AWSError {
        AWSError(service: "s3", code: "NoSuchUpload", httpStatus: 404,
                 message: "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
                 fields: ["UploadId": uploadId])
    }

    static func invalidPart(_ uploadId: String, partNumber: Int, eTag: String?) -> AWSError {
        AWSError(service: "s3", code: "InvalidPart", httpStatus: 400,
                 message: "One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
                 fields: ["UploadId": uploadId, "PartNumber": "\(partNumber)", "ETag": eTag ?? ""])
    }

    static func invalidPartOrder(_ uploadId: String) -> AWSError {
        AWSError(service: "s3", code: "InvalidPartOrder", httpStatus: 400,
                 message: "The list of parts was not in ascending order. Parts must be ordered by part number.",
                 fields: ["UploadId": uploadId])
    }

    static func entityTooSmall(size: Int, partNumber: Int, eTag: String) -> AWSError {
        AWSError(service: "s3", code: "EntityTooSmall", httpStatus: 400,
                 message: "Your proposed upload is smaller than the minimum allowed size",
                 fields: ["ProposedSize": "\(size)", "MinSizeAllowed": "\(S3.minPartBytes)",
                          "PartNumber": "\(partNumber)", "ETag": eTag])
    }

    static func invalidPartNumber(_ partNumber: Int) -> AWSError {
        invalidArgument("partNumber", "\(partNumber)",
                        "Part number must be an integer between 1 and 10000, inclusive")
    }

    static func malformedXML(_ detail: String) -> AWSError {
        AWSError(service: "s3", code: "MalformedXML", httpStatus: 400,
                 message: "The XML you provided was not well-formed or did not validate against our published schema (\(detail))")
    }

    static func invalidRange(_ range: String, size: Int) -> AWSError {
        AWSError(service: "s3", code: "InvalidRange", httpStatus: 416,
                 message: "The requested range is not satisfiable",
                 fields: ["RangeRequested": range, "ActualObjectSize": "\(size)"])
    }

    static func preconditionFailed(_ condition: String) -> AWSError {
        AWSError(service: "s3", code: "PreconditionFailed", httpStatus: 412,
                 message: "At least one of the pre-conditions you specified did not hold",
                 fields: ["Condition": condition])
    }

    /// A 304 has no body, so botocore can only name it by its status line.
    static func notModified() -> AWSError {
        AWSError(service: "s3", code: "NotModified", httpStatus: 304, message: "Not Modified")
    }

    /// A HEAD answer has no body to carry NoSuchKey or NoSuchBucket: the client sees only 404.
    static func notFound(_ cause: AWSError) -> AWSError {
        AWSError(service: "s3", code: "NotFound", httpStatus: 404, message: "Not Found (\(cause.message))",
                 fields: cause.fields)
    }

    static func invalidRequest(_ message: String) -> AWSError {
        AWSError(service: "s3", code: "InvalidRequest", httpStatus: 400, message: message)
    }

    static func notImplemented(_ what: String) -> AWSError {
        AWSError(service: "s3", code: "NotImplemented", httpStatus: 501,
                 message: "A header you provided implies functionality that is not implemented (\(what))")
    }

    static func invalidVersionId(_ versionId: String) -> AWSError {
        invalidArgument("versionId", versionId, "Invalid version id specified")
    }

    static func illegalLocationConstraint(_ constraint: String?) -> AWSError {
        let named = constraint.map { "The \($0) location constraint" } ?? "The unspecified location constraint"
        return AWSError(service: "s3", code: "IllegalLocationConstraintException", httpStatus: 400,
                        message: "\(named) is incompatible for the region specific endpoint this request was sent to.")
    }

    static func invalidLocationConstraint(_ constraint: String) -> AWSError {
        AWSError(service: "s3", code: "InvalidLocationConstraint", httpStatus: 400,
                 message: "The specified location-constraint is not valid", fields: ["LocationConstraint": constraint])
    }

    static func invalidDigest(_ contentMD5: String) -> AWSError {
        AWSError(service: "s3", code: "InvalidDigest", httpStatus: 400,
                 message: "The Content-MD5 you specified is not valid.", fields: ["Content-MD5": contentMD5])
    }

    static func badDigest(expected: String, calculated: String) -> AWSError {
        AWSError(service: "s3", code: "BadDigest", httpStatus: 400,
                 message: "The Content-MD5 you specified did not match what we received.",
                 fields: ["ExpectedDigest": expected, "CalculatedDigest": calculated])
    }
}
