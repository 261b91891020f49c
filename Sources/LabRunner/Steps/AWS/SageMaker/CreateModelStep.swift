// `sagemaker.create_model`: CreateModel: one PrimaryContainer or up to 15 Containers, Direct or Serial.
import Cloud
import Foundation

struct CreateModelStep: LabStep {
    static let kind = "sagemaker.create_model"
    static let summary = "CreateModel: one PrimaryContainer or up to 15 Containers, Direct or Serial."
    static let declaration = StepDeclaration(
        boto3: "sagemaker", "CreateModel",
        parameters: ["ModelName",
                     StepDeclaration.Parameter("ExecutionRoleArn", nil, required: nil,
                                               "The role SageMaker assumes: create it first with iam.create_role (trusting sagemaker.amazonaws.com) and write ${steps.<role-step>.Role.Arn}."),
                     "PrimaryContainer", "Containers", "InferenceExecutionConfig"],
        example: """
            ModelName: nsmc
            ExecutionRoleArn: arn:aws:iam::123456789012:role/sagemaker-execution
            PrimaryContainer:
              Image: 763104351884.dkr.ecr.us-west-2.amazonaws.com/pytorch-inference:1.8.1-cpu-py36
              ModelDataUrl: s3://my-lab-bucket/nsmc/model.tar.gz
              Environment: {SAGEMAKER_PROGRAM: nsmc}
            """)
    let name: Arg<String>, role: Arg<String>?, primary: Arg<LabValue>?, containers: Arg<[LabValue]>?, mode: Arg<LabValue>?

    init(arguments: inout StepArguments) throws {
        name = try arguments.required("ModelName")
        role = try arguments.optional("ExecutionRoleArn")
        primary = try arguments.optional("PrimaryContainer")
        containers = try arguments.optional("Containers")
        mode = try arguments.optional("InferenceExecutionConfig")
    }

    /// The containers go to botocore's checks as written: a misspelt member fails the call
    /// with ParamValidationError naming the members CreateModel takes.
    func run(in context: StepContext) async throws -> LabValue {
        try await context.call("sagemaker", "CreateModel", Shape.object([
            ("ModelName", .string(try context.resolve(name))),
            ("ExecutionRoleArn", try role.map { .string(try context.resolve($0)) }),
            ("PrimaryContainer", try primary.map(context.resolve)),
            ("Containers", try containers.map { .list(try context.resolve($0)) }),
            ("InferenceExecutionConfig", try mode.map(context.resolve)),
        ]))
    }
}
