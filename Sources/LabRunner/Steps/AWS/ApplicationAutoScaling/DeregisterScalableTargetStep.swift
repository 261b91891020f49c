// `application-autoscaling.deregister_scalable_target`: DeregisterScalableTarget.
import Cloud
import Foundation

struct DeregisterScalableTargetStep: LabStep {
    static let kind = "application-autoscaling.deregister_scalable_target"
    static let summary = "DeregisterScalableTarget."
    static let declaration = StepDeclaration(
        boto3: "application-autoscaling", "DeregisterScalableTarget",
        parameters: ["ServiceNamespace", "ResourceId", "ScalableDimension"],
        output: [OutputField("Deregistered", "true.")],
        example: """
            ServiceNamespace: sagemaker
            ResourceId: endpoint/async-maskrcnn/variant/AllTraffic
            ScalableDimension: sagemaker:variant:DesiredInstanceCount
            """)
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
