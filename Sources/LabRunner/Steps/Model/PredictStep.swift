// `model.predict`: Runs a handler on one request in-process (model_fn, then input/predict/output_fn): no endpoint.
import Foundation
import Cloud
import Serving

struct PredictStep: LabStep {
    static let kind = "model.predict"
    static let summary = "Runs a handler on one request in-process (model_fn, then input/predict/output_fn): no endpoint. A reply over 1 MB is saved beside the handout as BodyFile."
    static let declaration = StepDeclaration(
        keys: [
            StepKey.model, StepKey.program, StepKey.body, StepKey.bodyFile,
            StepKey("ContentType", .string, default: "application/jsonlines", "The request's content type."),
            StepKey("Accept", .string, default: "ContentType", "The reply's content type."),
        ],
        exactlyOne: [["Body", "BodyFile"]],
        output: OutputField.reply + [OutputField("Seconds", "How long the handler took.")],
        example: """
            model: fixture:nsmc-demo
            program: nsmc
            Body: '{"text": ["정말 재밌어요"]}'
            """)
    let model: Arg<String>, program: Arg<String>, body: Arg<LabValue>?, bodyFile: Arg<String>?
    let contentType: Arg<String>?, accept: Arg<String>?

    init(arguments: inout StepArguments) throws {
        model = try arguments.required("model")
        program = try arguments.required("program")
        body = try arguments.optional("Body")
        bodyFile = try arguments.optional("BodyFile")
        contentType = try arguments.optional("ContentType")
        accept = try arguments.optional("Accept")
    }

    func run(in context: StepContext) async throws -> LabValue {
        let directory = try context.modelDirectory(try context.resolve(model), at: model.location)
        let handler = try context.session.services.handlers.loadModel(try context.resolve(program), from: directory)
        let payload = try RequestBody.resolve(body: body, file: bodyFile, in: context)
        let type = try context.resolve(contentType, default: "application/jsonlines")
        let started = DispatchTime.now()
        let response = try handler.invoke(body: payload, contentType: type, accept: try context.resolve(accept, default: type))
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        var out = LabObject([("ContentType", .string(response.contentType)), ("Seconds", .number(seconds))])
        for (key, value) in try RequestBody.readable(response.body, contentType: response.contentType, context: context) { out[key] = value }
        return .object(out)
    }
}
