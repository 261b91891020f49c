// `sagemaker-runtime.invoke_endpoint`: InvokeEndpoint: sends Body (or BodyFile) and shows the decoded reply.
import Cloud
import Foundation

struct InvokeEndpointStep: LabStep {
    static let kind = "sagemaker-runtime.invoke_endpoint"
    static let summary = "InvokeEndpoint: sends Body (or BodyFile) and shows the decoded reply."
    let name: Arg<String>, body: Arg<LabValue>?, bodyFile: Arg<String>?
    let contentType: Arg<String>?, accept: Arg<String>?, target: Arg<String>?, variant: Arg<String>?

    init(arguments: inout StepArguments) throws {
        name = try arguments.required("EndpointName")
        body = try arguments.optional("Body")
        bodyFile = try arguments.optional("BodyFile")
        guard (body == nil) != (bodyFile == nil) else {
            throw LabError(arguments.location, "invoke_endpoint takes one of Body (text or a value sent as JSON) or BodyFile (a path)")
        }
        contentType = try arguments.optional("ContentType")
        accept = try arguments.optional("Accept")
        target = try arguments.optional("TargetContainerHostname")
        variant = try arguments.optional("TargetVariant")
    }

    func run(in context: StepContext) async throws -> LabValue {
        let payload = try RequestBody.resolve(body: body, file: bodyFile, in: context)
        let request = InvokeEndpointInput(
            endpointName: try context.resolve(name), body: payload, contentType: try contentType.map(context.resolve),
            accept: try accept.map(context.resolve), targetVariant: try variant.map(context.resolve),
            targetContainerHostname: try target.map(context.resolve))
        let started = context.cloud.clock.now
        let output = try context.cloud.sagemakerRuntime.invokeEndpoint(request)
        context.noteEndpointWeights(request.endpointName, container: request.targetContainerHostname)
        context.show(.code(RequestBody.preview(payload), language: "json", caption: "Body →"))
        var result = LabObject([("ContentType", .string(output.contentType)),
                                ("InvokedProductionVariant", .string(output.invokedProductionVariant))])
        result["SimulatedSeconds"] = .number(context.cloud.clock.now.timeIntervalSince(started))
        for (key, value) in RequestBody.decoded(output.body, contentType: output.contentType) { result[key] = value }
        return .object(result)
    }
}
