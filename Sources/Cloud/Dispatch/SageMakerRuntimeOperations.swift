// boto3's sagemaker-runtime client (botocore sagemaker-runtime/2017-05-13) onto
// `SageMakerRuntime`: InvokeEndpoint and InvokeEndpointAsync.
import AWSShapes
import Foundation

enum SageMakerRuntimeOperations {
    static let handlers: [String: OperationHandler] = [
        "InvokeEndpoint": { try invokeEndpoint($0, parameters($1)) },
        "InvokeEndpointAsync": { try invokeEndpointAsync($0, parameters($1)) },
    ]

    private static func parameters(_ input: AWSValue) -> Parameters { Parameters(input, service: "sagemaker-runtime") }

    private static func invokeEndpoint(_ cloud: CloudEnvironment, _ p: Parameters) throws -> AWSValue {
        // Multi-model endpoints, inference components, sessions and Clarify are not modelled.
        try SageMakerShapes.refuseUnemulated(["TargetModel", "InferenceComponentName", "SessionId", "EnableExplanations"],
                                             in: p, SageMakerErrors.runtimeValidation)
        let output = try cloud.sagemakerRuntime.invokeEndpoint(InvokeEndpointInput(
            endpointName: try p.string("EndpointName"), body: p.data("Body"), contentType: p.optionalString("ContentType"),
            accept: p.optionalString("Accept"), customAttributes: p.optionalString("CustomAttributes"),
            targetVariant: p.optionalString("TargetVariant"),
            targetContainerHostname: p.optionalString("TargetContainerHostname"),
            inferenceId: p.optionalString("InferenceId")))
        return .structure([
            ("Body", .blob(output.body)),
            ("ContentType", .string(output.contentType)),
            ("InvokedProductionVariant", .string(output.invokedProductionVariant)),
            ("CustomAttributes", .optional(output.customAttributes)),
        ])
    }

    private static func invokeEndpointAsync(_ cloud: CloudEnvironment, _ p: Parameters) throws -> AWSValue {
        // Both would change where the result is written.
        try SageMakerShapes.refuseUnemulated(["S3OutputPathExtension", "Filename"], in: p, SageMakerErrors.runtimeValidation)
        let output = try cloud.sagemakerRuntime.invokeEndpointAsync(InvokeEndpointAsyncInput(
            endpointName: try p.string("EndpointName"), inputLocation: try p.string("InputLocation"),
            contentType: p.optionalString("ContentType"), accept: p.optionalString("Accept"),
            inferenceId: p.optionalString("InferenceId"), requestTTLSeconds: p.optionalInt("RequestTTLSeconds"),
            invocationTimeoutSeconds: p.optionalInt("InvocationTimeoutSeconds")))
        return .structure([
            ("InferenceId", .string(output.inferenceId)),
            ("OutputLocation", .string(output.outputLocation)),
            ("FailureLocation", .optional(output.failureLocation)),
        ])
    }
}
