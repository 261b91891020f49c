// `lambda.create_function`: CreateFunction from an ECR image (PackageType Image), with role, memory and timeout.
import Cloud
import Foundation

struct CreateFunctionStep: LabStep {
    static let kind = "lambda.create_function"
    static let summary = "CreateFunction from an ECR image (PackageType Image), with role, memory and timeout."
    static let declaration = StepDeclaration(
        boto3: "lambda", "CreateFunction",
        parameters: ["FunctionName", "Role", StepDeclaration.Parameter("Code", required: false), "PackageType", "MemorySize", "Timeout"],
        keys: [StepKey("ImageUri", .string, "The ECR image, instead of Code: {ImageUri: ...}.")],
        exactlyOne: [["ImageUri", "Code"]],
        example: """
            FunctionName: yolo
            Role: arn:aws:iam::123456789012:role/lambda-yolo
            Code: {ImageUri: 123456789012.dkr.ecr.us-west-2.amazonaws.com/yolov3-lambda:latest}
            PackageType: Image
            MemorySize: 4096
            Timeout: 60
            """)
    let name: Arg<String>, role: Arg<String>, image: Arg<String>?, code: Arg<LabValue>?, packageType: Arg<String>?
    let memory: Arg<Int>?, timeout: Arg<Int>?

    /// The image as `ImageUri:`, or as boto3 writes it: `Code: {ImageUri: …}` with `PackageType: Image`.
    init(arguments: inout StepArguments) throws {
        name = try arguments.required("FunctionName")
        role = try arguments.required("Role")
        image = try arguments.optional("ImageUri")
        code = try arguments.optional("Code")
        packageType = try arguments.optional("PackageType")
        guard (image == nil) != (code == nil) else {
            throw LabError(arguments.location, "lambda.create_function takes the image as ImageUri, or as boto3's Code: {ImageUri: ...}; give one")
        }
        if let p = packageType?.literal, p != "Image" {
            throw LabError(packageType!.location, "labbook runs container-image functions: PackageType is Image, not '\(p)'")
        }
        memory = try arguments.optional("MemorySize")
        timeout = try arguments.optional("Timeout")
    }

    private func imageURI(_ context: StepContext) throws -> String {
        if let image { return try context.resolve(image) }
        guard let code, let uri = try context.resolve(code)["ImageUri"]?.string else {
            throw LabError(code?.location ?? name.location, "Code needs ImageUri: labbook runs container-image functions",
                           ko: "Code에 ImageUri가 필요합니다. labbook은 컨테이너 이미지 함수만 실행합니다")
        }
        return uri
    }

    /// Lambda's own defaults (128 MB, 3 s) apply to what the book leaves out.
    func run(in context: StepContext) async throws -> LabValue {
        let f: AWSValue = try await context.call("lambda", "CreateFunction", .structure([
            ("FunctionName", .string(try context.resolve(name))), ("Role", .string(try context.resolve(role))),
            ("Code", ["ImageUri": .string(try imageURI(context))]), ("PackageType", "Image"),
            ("MemorySize", try memory.map { .int(try context.resolve($0)) }),
            ("Timeout", try timeout.map { .int(try context.resolve($0)) }),
        ]))
        return Shape.object(["FunctionName", "FunctionArn", "MemorySize", "Timeout", "State", "PackageType"].map {
            ($0, f[$0].map(LabValue.init(aws:)))
        })
    }
}
