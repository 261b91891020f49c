import Foundation
import XCTest
@testable import Cloud

/// Trust policy letting `service` assume a role, as the labs write it.
func iamTrustPolicy(for service: String) -> String {
    """
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Principal": {"Service": "\(service)"}, "Action": "sts:AssumeRole"}]}
    """
}

final class IAMTests: XCTestCase {
    private let basicExecution = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"

    func testRoleLifecycleWithManagedAndInlinePolicies() throws {
        let iam = IAM(account: Account(), clock: VirtualClock())
        let role = try iam.createRole(roleName: "yolo-lambda-role", assumeRolePolicyDocument: iamTrustPolicy(for: "lambda.amazonaws.com"))
        XCTAssertEqual(role.arn, "arn:aws:iam::123456789012:role/yolo-lambda-role")
        XCTAssertTrue(role.roleId.hasPrefix("AROA"))
        XCTAssertEqual(role.roleId.count, 21)
        XCTAssertEqual(try iam.getRole(roleName: "yolo-lambda-role"), role)

        try iam.attachRolePolicy(roleName: "yolo-lambda-role", policyArn: basicExecution)
        try iam.attachRolePolicy(roleName: "yolo-lambda-role", policyArn: basicExecution)  // attaching twice is a no-op
        XCTAssertEqual(try iam.listAttachedRolePolicies(roleName: "yolo-lambda-role"),
                       [AttachedPolicy(policyName: "AWSLambdaBasicExecutionRole", policyArn: basicExecution)])
        try iam.putRolePolicy(roleName: "yolo-lambda-role", policyName: "read-models", policyDocument: """
            {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::models/*"}}
            """)
        XCTAssertEqual(try iam.listRolePolicies(roleName: "yolo-lambda-role"), ["read-models"])

        expectAWSError("DeleteConflict", 409, "attached policy") { try iam.deleteRole(roleName: "yolo-lambda-role") }
        try iam.detachRolePolicy(roleName: "yolo-lambda-role", policyArn: basicExecution)
        expectAWSError("DeleteConflict", 409, "inline policy") { try iam.deleteRole(roleName: "yolo-lambda-role") }
        try iam.deleteRolePolicy(roleName: "yolo-lambda-role", policyName: "read-models")
        try iam.deleteRole(roleName: "yolo-lambda-role")
        expectAWSError("NoSuchEntity", 404, "deleted") { try iam.getRole(roleName: "yolo-lambda-role") }
    }

    func testTrustPolicyDecidesWhoMayAssume() throws {
        let iam = IAM(account: Account(), clock: VirtualClock())
        let lambdaRole = try iam.createRole(roleName: "for-lambda", assumeRolePolicyDocument: iamTrustPolicy(for: "lambda.amazonaws.com"))
        let both = try iam.createRole(roleName: "for-both", assumeRolePolicyDocument: """
            {"Version": "2012-10-17", "Statement": [
              {"Effect": "Allow", "Principal": {"Service": ["sagemaker.amazonaws.com", "lambda.amazonaws.com"]}, "Action": "sts:*"}]}
            """)
        let denied = try iam.createRole(roleName: "denied", assumeRolePolicyDocument: """
            {"Version": "2012-10-17", "Statement": [
              {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"},
              {"Effect": "Deny", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
            """)
        XCTAssertTrue(iam.canBeAssumed(roleArn: lambdaRole.arn, byService: "lambda.amazonaws.com"))
        XCTAssertFalse(iam.canBeAssumed(roleArn: lambdaRole.arn, byService: "sagemaker.amazonaws.com"))
        XCTAssertTrue(iam.canBeAssumed(roleArn: both.arn, byService: "sagemaker.amazonaws.com"))
        XCTAssertFalse(iam.canBeAssumed(roleArn: denied.arn, byService: "lambda.amazonaws.com"), "an explicit Deny wins")
        XCTAssertFalse(iam.canBeAssumed(roleArn: "arn:aws:iam::123456789012:role/missing", byService: "lambda.amazonaws.com"))
    }

    // Codes and statuses from botocore data/iam/2010-05-08/service-2.json: EntityAlreadyExists 409,
    // MalformedPolicyDocument 400, NoSuchEntity 404, DeleteConflict 409, InvalidInput 400;
    // ValidationError 400 is the query protocol's answer to a member constraint.
    func testValidationErrors() throws {
        let iam = IAM(account: Account(), clock: VirtualClock())
        let trust = iamTrustPolicy(for: "lambda.amazonaws.com")
        try iam.createRole(roleName: "exists", assumeRolePolicyDocument: trust)
        let cases: [(String, String, Int, () throws -> Void)] = [
            ("duplicate role", "EntityAlreadyExists", 409, { try iam.createRole(roleName: "exists", assumeRolePolicyDocument: trust) }),
            ("duplicate ignores case", "EntityAlreadyExists", 409, { try iam.createRole(roleName: "EXISTS", assumeRolePolicyDocument: trust) }),
            ("not JSON", "MalformedPolicyDocument", 400, { try iam.createRole(roleName: "r1", assumeRolePolicyDocument: "{nope") }),
            ("no statement", "MalformedPolicyDocument", 400, {
                try iam.createRole(roleName: "r2", assumeRolePolicyDocument: #"{"Version": "2012-10-17"}"#) }),
            ("bad version", "MalformedPolicyDocument", 400, {
                try iam.createRole(roleName: "r3", assumeRolePolicyDocument: trust.replacingOccurrences(of: "2012-10-17", with: "2020-01-01")) }),
            ("bad effect", "MalformedPolicyDocument", 400, {
                try iam.createRole(roleName: "r4", assumeRolePolicyDocument: trust.replacingOccurrences(of: "Allow", with: "Permit")) }),
            ("trust without principal", "MalformedPolicyDocument", 400, {
                try iam.createRole(roleName: "r5", assumeRolePolicyDocument: #"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "sts:AssumeRole"}}"#) }),
            ("trust with resource", "MalformedPolicyDocument", 400, {
                try iam.createRole(roleName: "r6", assumeRolePolicyDocument: #"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole", "Resource": "*"}}"#) }),
            ("bad service principal", "MalformedPolicyDocument", 400, {
                try iam.createRole(roleName: "r7", assumeRolePolicyDocument: iamTrustPolicy(for: "lambda")) }),
            ("inline with principal", "MalformedPolicyDocument", 400, {
                try iam.putRolePolicy(roleName: "exists", policyName: "p", policyDocument: trust) }),
            ("role name pattern", "ValidationError", 400, { try iam.createRole(roleName: "bad name", assumeRolePolicyDocument: trust) }),
            ("role name length", "ValidationError", 400, {
                try iam.createRole(roleName: String(repeating: "r", count: 65), assumeRolePolicyDocument: trust) }),
            ("get unknown", "NoSuchEntity", 404, { _ = try iam.getRole(roleName: "missing") }),
            ("attach to unknown role", "NoSuchEntity", 404, {
                try iam.attachRolePolicy(roleName: "missing", policyArn: "arn:aws:iam::aws:policy/AmazonS3FullAccess") }),
            ("attach unknown policy", "NoSuchEntity", 404, {
                try iam.attachRolePolicy(roleName: "exists", policyArn: "arn:aws:iam::aws:policy/AmazonMadeUpAccess") }),
            ("attach malformed arn", "InvalidInput", 400, { try iam.attachRolePolicy(roleName: "exists", policyArn: "AmazonS3FullAccess") }),
            ("detach not attached", "NoSuchEntity", 404, {
                try iam.detachRolePolicy(roleName: "exists", policyArn: "arn:aws:iam::aws:policy/AmazonS3FullAccess") }),
            ("get unknown inline", "NoSuchEntity", 404, { _ = try iam.getRolePolicy(roleName: "exists", policyName: "none") }),
            ("delete unknown", "NoSuchEntity", 404, { try iam.deleteRole(roleName: "missing") }),
        ]
        for (label, code, status, call) in cases {
            expectAWSError(code, status, label, call)
        }
        XCTAssertEqual(iam.listRoles().map(\.roleName), ["exists"], "no failed call left a role behind")
    }
}
