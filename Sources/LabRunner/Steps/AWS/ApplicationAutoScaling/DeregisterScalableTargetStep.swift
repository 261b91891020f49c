// `application-autoscaling.deregister_scalable_target`: DeregisterScalableTarget.
import Cloud
import Foundation

struct DeregisterScalableTargetStep: LabStep {
    static let kind = "application-autoscaling.deregister_scalable_target"
    static let summary = "DeregisterScalableTarget."
    let namespace: Arg<String>, resource: Arg<String>, dimension: Arg<String>

    init(arguments: inout StepArguments) throws {
        namespace = try arguments.required("ServiceNamespace")
        resource = try arguments.required("ResourceId")
        dimension = try arguments.required("ScalableDimension")
    }

    func run(in context: StepContext) async throws -> LabValue {
        try context.cloud.applicationAutoScaling.deregisterScalableTarget(
            serviceNamespace: try context.resolve(namespace), resourceId: try context.resolve(resource),
            scalableDimension: try context.resolve(dimension))
        return Shape.object([("Deregistered", .bool(true))])
    }
}
