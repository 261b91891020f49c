// `sagemaker.create_model`: CreateModel: one PrimaryContainer or up to 15 Containers, Direct or Serial.
import Cloud
import Foundation

struct CreateModelStep: LabStep {
    static let kind = "sagemaker.create_model"
    static let summary = "CreateModel: one PrimaryContainer or up to 15 Containers, Direct or Serial."
    let name: Arg<String>, role: Arg<String>?, primary: Arg<LabValue>?, containers: Arg<[LabValue]>?, mode: Arg<LabValue>?

    init(arguments: inout StepArguments) throws {
        name = try arguments.required("ModelName")
        role = try arguments.optional("ExecutionRoleArn")
        primary = try arguments.optional("PrimaryContainer")
        containers = try arguments.optional("Containers")
        mode = try arguments.optional("InferenceExecutionConfig")
    }

    func run(in context: StepContext) async throws -> LabValue {
        let input = CreateModelInput(
            modelName: try context.resolve(name),
            primaryContainer: try primary.map { try Self.container(try context.resolve($0), "PrimaryContainer", $0.location) },
            containers: try containers.map { arg in
                try context.resolve(arg).enumerated().map { try Self.container($1, "Containers[\($0)]", arg.location) }
            },
            inferenceExecutionConfig: try mode.map { arg in
                var reader = try ShapeReader(try context.resolve(arg), path: "InferenceExecutionConfig", at: arg.location)
                let text = try reader.string("Mode")
                try reader.finish()
                guard let parsed = InferenceExecutionMode(rawValue: text) else {
                    throw LabError(arg.location, "InferenceExecutionConfig.Mode is Serial or Direct, not '\(text)'")
                }
                return InferenceExecutionConfig(mode: parsed)
            },
            executionRoleArn: try role.map(context.resolve))
        let output = try context.cloud.sagemaker.createModel(input)
        return Shape.object([("ModelArn", .string(output.modelArn))])
    }

    static func container(_ value: LabValue, _ path: String, _ location: SourceLocation) throws -> ContainerDefinition {
        var reader = try ShapeReader(value, path: path, at: location)
        let container = ContainerDefinition(
            containerHostname: try reader.optionalString("ContainerHostname"), image: try reader.optionalString("Image"),
            modelDataUrl: try reader.optionalString("ModelDataUrl"), environment: try reader.stringMap("Environment") ?? [:])
        try reader.finish()
        return container
    }
}
