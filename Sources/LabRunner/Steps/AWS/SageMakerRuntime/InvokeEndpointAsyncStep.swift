// `sagemaker-runtime.invoke_endpoint_async`: InvokeEndpointAsync: queues the request at InputLocation; returns InferenceId and OutputLocation.
import Cloud
import Foundation

struct InvokeEndpointAsyncStep: LabStep {
    static let kind = "sagemaker-runtime.invoke_endpoint_async"
    static let summary = "InvokeEndpointAsync: queues the request at InputLocation; returns InferenceId and OutputLocation."
    let name: Arg<String>, location: Arg<String>, contentType: Arg<String>?, accept: Arg<String>?
    let ttl: Arg<Int>?, timeout: Arg<Int>?

    init(arguments: inout StepArguments) throws {
        name = try arguments.required("EndpointName")
        location = try arguments.required("InputLocation")
        contentType = try arguments.optional("ContentType")
        accept = try arguments.optional("Accept")
        ttl = try arguments.optional("RequestTTLSeconds")
        timeout = try arguments.optional("InvocationTimeoutSeconds")
    }

    func run(in context: StepContext) async throws -> LabValue {
        var input = InvokeEndpointAsyncInput(endpointName: try context.resolve(name), inputLocation: try context.resolve(location))
        input.contentType = try contentType.map(context.resolve)
        input.accept = try accept.map(context.resolve)
        input.requestTTLSeconds = try ttl.map(context.resolve)
        input.invocationTimeoutSeconds = try timeout.map(context.resolve)
        let output = try context.cloud.sagemakerRuntime.invokeEndpointAsync(input)
        context.noteEndpointWeights(input.endpointName)
        return Shape.object([("InferenceId", .string(output.inferenceId)), ("OutputLocation", .string(output.outputLocation)),
                             ("FailureLocation", output.failureLocation.map(LabValue.string))])
    }
}
