// `lambda.invoke_local`: Tests an image's function locally before deployment, through the Lambda runtime interface emulator's route.
import Foundation
import Serving

/// The seed tests its image before pushing it: `docker run -p 9000:8080` starts the
/// image with the runtime interface emulator, and curl POSTs an event file to it. Here the
/// image is what `ecr.build_and_push` packs (a function handler and a model folder), run by
/// the same emulator `labbook serve --lambda-image` puts on a port. No AWS call is made,
/// so the step works the same against the embedded cloud or any endpoint.
struct InvokeImageLocallyStep: LabStep {
    static let kind = "lambda.invoke_local"
    static let summary = "Tests an image's function locally before deployment, through the Lambda runtime interface emulator's route."
    static let declaration = StepDeclaration(
        keys: [
            StepKey("handler", .string, required: true, "The function handler the image runs."),
            StepKey.model,
            StepKey("Payload", .any, required: true, "The event, as `curl -d @event.json` posts it."),
        ],
        output: [
            OutputField("StatusCode", "The emulator's status (200)."),
            OutputField("ColdStart", "Whether the function was loaded for this call."),
            OutputField("InitDurationSeconds", "On a cold start: the init duration."),
            OutputField("FunctionError", "The error type when the handler failed."),
            OutputField("Payload", "The handler's reply, parsed when it is JSON."),
        ],
        example: """
            handler: nsmc-lambda
            model: fixture:nsmc-demo
            Payload: {body: '{"text": "정말 재밌어요"}'}
            """)
    let handler: Arg<String>, model: Arg<String>, payload: Arg<LabValue>

    init(arguments: inout StepArguments) throws {
        handler = try arguments.required("handler")
        model = try arguments.required("model")
        payload = try arguments.required("Payload")
    }

    func run(in context: StepContext) async throws -> LabValue {
        let entryPoint = try context.resolve(handler)
        let handlers = context.session.services.handlers
        guard handlers.functionHandlerNames.contains(entryPoint) else {
            throw LabError.unknown("function handler", entryPoint, at: handler.location, known: handlers.functionHandlerNames,
                                   koWhat: "함수 핸들러")
        }
        let written = try context.resolve(model)
        let directory = try context.modelDirectory(written, at: model.location)
        let event = try context.resolve(payload)
        let body = Data((event.string ?? event.jsonString).utf8)
        let emulator = LambdaRuntimeEmulator(.init(entryPoint: entryPoint, directory: directory), registry: handlers)
        // A request id from the step, so that the handout reads the same on every run.
        let reply = emulator.respond(method: "POST", path: LambdaRuntimeEmulator.invocationsPath, body: body,
                                     requestId: Digest.uuidString(from: "rie|\(context.session.book.id)|\(context.stepID)"))
        context.show(.code(Self.transcript(entryPoint, written, event: body, reply: reply), language: "text", caption: nil))
        var out = LabObject([("StatusCode", .int(reply.status)), ("ColdStart", .bool(reply.initDuration != nil))])
        if let initDuration = reply.initDuration { out["InitDurationSeconds"] = .number(initDuration) }
        if let failure = reply.failure { out["FunctionError"] = .string(failure.type) }
        InvokeFunctionStep.addPayload(reply.body, to: &out)
        return .object(out)
    }

    /// What the student would type and see: the image started with its emulator, the event
    /// posted with curl, and the emulator's log.
    private static func transcript(_ entryPoint: String, _ model: String, event: Data, reply: LambdaRuntimeEmulator.Reply) -> String {
        // Sizes as a reader wants them (1.2 KB), the same in either language.
        let shown = event.count > 120 ? "\(String(decoding: event.prefix(100), as: UTF8.self))… (\(ByteSize.text(event.count)))"
                                      : String(decoding: event, as: UTF8.self)
        let answer = reply.body.count > 200 ? "\(String(decoding: reply.body.prefix(160), as: UTF8.self))… (\(ByteSize.text(reply.body.count)))"
                                            : String(decoding: reply.body, as: UTF8.self)
        return """
            $ docker run -p 9000:8080 <image>      # or: labbook serve --lambda-image \(model) --lambda-handler \(entryPoint) --port 9000
            $ cat event.json
            \(shown)
            $ curl -XPOST "http://localhost:9000\(LambdaRuntimeEmulator.invocationsPath)" -d @event.json
            \(answer)
            \(reply.log.trimmingCharacters(in: .newlines))
            """
    }
}
