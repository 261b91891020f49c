// `sagemaker-runtime.invoke_endpoint`: InvokeEndpoint: sends Body (or BodyFile) and shows the decoded reply.
import Cloud
import Foundation

struct InvokeEndpointStep: LabStep {
    static let kind = "sagemaker-runtime.invoke_endpoint"
    static let summary = "InvokeEndpoint: sends Body (or BodyFile) and shows the decoded reply."
    static let declaration = StepDeclaration(
        boto3: "sagemaker-runtime", "InvokeEndpoint",
        parameters: ["EndpointName", StepDeclaration.Parameter("Body", .any, required: false, StepKey.body.summary),
                     "ContentType",
                     StepDeclaration.Parameter("Accept", nil, required: nil,
                                               "The reply's content type; without it the handler answers in its own (JSON Lines for the Korean NLP handlers)."),
                     "TargetContainerHostname", "TargetVariant"],
        keys: [StepKey.bodyFile],
        exactlyOne: [["Body", "BodyFile"]],
        output: OutputField.reply.filter { $0.name != "BodyFile" } + [
            OutputField("InvokedProductionVariant", "The variant that answered."),
            OutputField("SimulatedSeconds", "The request's time on the account's clock (model latency and overhead)."),
        ],
        includesAnswer: false,
        example: """
            EndpointName: nsmc
            Body: '{"text": ["정말 재밌어요"]}'
            ContentType: application/jsonlines
            Accept: application/jsonlines
            """)
    let name: Arg<String>, body: Arg<LabValue>?, bodyFile: Arg<String>?
    let contentType: Arg<String>?, accept: Arg<String>?, target: Arg<String>?, variant: Arg<String>?

    init(arguments: inout StepArguments) throws {
        name = try arguments.required("EndpointName")
        body = try arguments.optional("Body")
        bodyFile = try arguments.optional("BodyFile")
        contentType = try arguments.optional("ContentType")
        accept = try arguments.optional("Accept")
        target = try arguments.optional("TargetContainerHostname")
        variant = try arguments.optional("TargetVariant")
    }

    func run(in context: StepContext) async throws -> LabValue {
        let payload = try RequestBody.resolve(body: body, file: bodyFile, in: context)
        let endpoint = try context.resolve(name), container = try target.map(context.resolve)
        let parameters = AWSValue.structure([
            ("EndpointName", .string(endpoint)), ("Body", .blob(payload)),
            ("ContentType", try contentType.map { .string(try context.resolve($0)) }),
            ("Accept", try accept.map { .string(try context.resolve($0)) }),
            ("TargetVariant", try variant.map { .string(try context.resolve($0)) }),
            ("TargetContainerHostname", container.map(AWSValue.string)),
        ])
        let started = context.awsNow
        let output: AWSValue = try await context.call("sagemaker-runtime", "InvokeEndpoint", parameters)
        let seconds = context.awsNow.timeIntervalSince(started)
        await context.noteEndpointWeights(endpoint, container: container)
        context.show(.code(RequestBody.preview(payload, language: context.language), language: "json", caption: "Body →"))
        let replyType = output["ContentType"]?.string ?? ""
        var result = LabObject([("ContentType", .string(replyType)),
                                ("InvokedProductionVariant", .string(output["InvokedProductionVariant"]?.string ?? ""))])
        result["SimulatedSeconds"] = .number(seconds)
        for (key, value) in RequestBody.decoded(output["Body"]?.data ?? Data(), contentType: replyType) { result[key] = value }
        return .object(result)
    }
}
