// `local.invoke_endpoint`: invoke_endpoint against a local-mode endpoint: raw Body or BodyFile, ContentType, Accept.
import Foundation
import Serving

struct LocalInvokeStep: LabStep {
    static let kind = "local.invoke_endpoint"
    static let summary = "invoke_endpoint against a local-mode endpoint: raw Body or BodyFile, ContentType, Accept."
    static let declaration = StepDeclaration(
        keys: [
            StepKey("EndpointName", .string, required: true, "The local endpoint."),
            StepKey.body, StepKey.bodyFile,
            StepKey("ContentType", .string, default: "application/jsonlines", "The request's content type."),
            StepKey("Accept", .string, default: "ContentType", "The reply's content type."),
        ],
        exactlyOne: [["Body", "BodyFile"]],
        output: OutputField.reply,
        touchesState: true,
        example: """
            EndpointName: local-nsmc
            Body: '{"text": ["정말 재밌어요"]}'
            """)
    let name: Arg<String>, body: Arg<LabValue>?, bodyFile: Arg<String>?, contentType: Arg<String>?, accept: Arg<String>?

    init(arguments: inout StepArguments) throws {
        name = try arguments.required("EndpointName")
        body = try arguments.optional("Body")
        bodyFile = try arguments.optional("BodyFile")
        contentType = try arguments.optional("ContentType")
        accept = try arguments.optional("Accept")
    }

    func run(in context: StepContext) async throws -> LabValue {
        let endpoint = try context.resolve(name)
        let container = try context.session.services.localEndpoint(endpoint, at: name.location)
        context.noteWeights(inArtifact: "local:\(endpoint)")
        let payload = try RequestBody.resolve(body: body, file: bodyFile, in: context)
        let type = try context.resolve(contentType, default: "application/jsonlines")
        context.show(.code("""
            from sagemaker.local import LocalSession
            runtime = LocalSession().sagemaker_runtime_client
            runtime.invoke_endpoint(EndpointName=\(PythonLiteral.string(endpoint)), ContentType=\(PythonLiteral.string(type)), Body=body)
            """, language: "python", caption: "SageMaker Python SDK"))
        return try LocalReply.shape(container.invocations(body: payload, contentType: type, accept: try context.resolve(accept, default: type)),
                                    endpoint: name, context: context)
    }
}
