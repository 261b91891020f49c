// `sts.get_caller_identity`: GetCallerIdentity: the account, the caller's ARN and user id.
import Cloud
import Foundation

struct GetCallerIdentityStep: LabStep {
    static let kind = "sts.get_caller_identity"
    static let summary = "GetCallerIdentity: the account, the caller's ARN and user id."
    static let declaration = StepDeclaration(boto3: "sts", "GetCallerIdentity", example: "{}")

    init(arguments: inout StepArguments) throws {}

    func run(in context: StepContext) async throws -> LabValue {
        LabValue(aws: try await context.call("sts", "GetCallerIdentity"))
    }
}
