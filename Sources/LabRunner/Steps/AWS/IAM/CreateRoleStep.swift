// `iam.create_role`: CreateRole with an AssumeRolePolicyDocument (a mapping or JSON text).
import Cloud
import Foundation

struct CreateRoleStep: LabStep {
    static let kind = "iam.create_role"
    static let summary = "CreateRole with an AssumeRolePolicyDocument (a mapping or JSON text)."
    static let declaration = StepDeclaration(
        boto3: "iam", "CreateRole", parameters: ["RoleName", StepDeclaration.Parameter("AssumeRolePolicyDocument", .any), "Description"],
        example: """
            RoleName: lambda-yolo
            AssumeRolePolicyDocument:
              Version: "2012-10-17"
              Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: "sts:AssumeRole"}]
            """)
    let name: Arg<String>, trust: Arg<LabValue>, description: Arg<String>?

    init(arguments: inout StepArguments) throws {
        name = try arguments.required("RoleName")
        trust = try arguments.required("AssumeRolePolicyDocument")
        description = try arguments.optional("Description")
    }

    /// boto3 takes the policy as JSON text; a book may write it as a mapping. The answer's
    /// document comes back as a mapping, as boto3 decodes it.
    func run(in context: StepContext) async throws -> LabValue {
        let document = try context.resolve(trust)
        var parameters: [String: AWSValue] = [
            "RoleName": .string(try context.resolve(name)),
            "AssumeRolePolicyDocument": .string(document.string ?? document.jsonString),
        ]
        if let description { parameters["Description"] = .string(try context.resolve(description)) }
        let output = LabValue(aws: try await context.call("iam", "CreateRole", .map(parameters)))
        guard var object = output.object, var role = object["Role"]?.object,
              let text = role["AssumeRolePolicyDocument"]?.string, let decoded = Self.policy(text) else { return output }
        role["AssumeRolePolicyDocument"] = decoded
        object["Role"] = .object(role)
        return .object(object)
    }

    /// The document as JSON, or URL-encoded JSON as IAM sends it in XML.
    static func policy(_ text: String) -> LabValue? {
        (try? LabValue(json: Data(text.utf8))) ?? text.removingPercentEncoding.flatMap { try? LabValue(json: Data($0.utf8)) }
    }
}
