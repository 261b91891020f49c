// `application-autoscaling.register_scalable_target`: RegisterScalableTarget for sagemaker:variant:DesiredInstanceCount (MinCapacity 0 for async).
import Cloud
import Foundation

struct RegisterScalableTargetStep: LabStep {
    static let kind = "application-autoscaling.register_scalable_target"
    static let summary = "RegisterScalableTarget for sagemaker:variant:DesiredInstanceCount (MinCapacity 0 for async)."
    static let declaration = StepDeclaration(
        boto3: "application-autoscaling", "RegisterScalableTarget",
        parameters: ["ServiceNamespace", "ResourceId", "ScalableDimension",
                     StepDeclaration.Parameter("MinCapacity", required: true), StepDeclaration.Parameter("MaxCapacity", required: true)],
        example: """
            ServiceNamespace: sagemaker
            ResourceId: endpoint/async-maskrcnn/variant/AllTraffic
            ScalableDimension: sagemaker:variant:DesiredInstanceCount
            MinCapacity: 0
            MaxCapacity: 5
            """)
    let namespace: Arg<String>, resource: Arg<String>, dimension: Arg<String>, min: Arg<Int>, max: Arg<Int>

    init(arguments: inout StepArguments) throws {
        namespace = try arguments.required("ServiceNamespace")
        resource = try arguments.required("ResourceId")
        dimension = try arguments.required("ScalableDimension")
        min = try arguments.required("MinCapacity")
        max = try arguments.required("MaxCapacity")
    }

    func run(in context: StepContext) async throws -> LabValue {
        LabValue(aws: try await context.call("application-autoscaling", "RegisterScalableTarget", [
            "ServiceNamespace": .string(try context.resolve(namespace)), "ResourceId": .string(try context.resolve(resource)),
            "ScalableDimension": .string(try context.resolve(dimension)),
            "MinCapacity": .int(try context.resolve(min)), "MaxCapacity": .int(try context.resolve(max)),
        ]))
    }
}
