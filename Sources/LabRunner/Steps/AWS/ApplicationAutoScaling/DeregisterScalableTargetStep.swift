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
        let output: AWSValue = try await context.call("application-autoscaling", "DeregisterScalableTarget", [
            "ServiceNamespace": .string(try context.resolve(namespace)), "ResourceId": .string(try context.resolve(resource)),
            "ScalableDimension": .string(try context.resolve(dimension)),
        ])
        return LabValue(aws: output, adding: [("Deregistered", .bool(true))])
    }
}
