// `application-autoscaling.register_scalable_target`: RegisterScalableTarget for sagemaker:variant:DesiredInstanceCount (MinCapacity 0 for async).
import Cloud
import Foundation

struct RegisterScalableTargetStep: LabStep {
    static let kind = "application-autoscaling.register_scalable_target"
    static let summary = "RegisterScalableTarget for sagemaker:variant:DesiredInstanceCount (MinCapacity 0 for async)."
    let namespace: Arg<String>, resource: Arg<String>, dimension: Arg<String>, min: Arg<Int>, max: Arg<Int>

    init(arguments: inout StepArguments) throws {
        namespace = try arguments.required("ServiceNamespace")
        resource = try arguments.required("ResourceId")
        dimension = try arguments.required("ScalableDimension")
        min = try arguments.required("MinCapacity")
        max = try arguments.required("MaxCapacity")
    }

    func run(in context: StepContext) async throws -> LabValue {
        let arn = try context.cloud.applicationAutoScaling.registerScalableTarget(
            serviceNamespace: try context.resolve(namespace), resourceId: try context.resolve(resource),
            scalableDimension: try context.resolve(dimension), minCapacity: try context.resolve(min), maxCapacity: try context.resolve(max))
        return Shape.object([("ScalableTargetARN", .string(arn))])
    }
}
