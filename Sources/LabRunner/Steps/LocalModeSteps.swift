// SageMaker local mode: `model.deploy(instance_type="local")` runs the serving container
// on this machine. Here that is a ModelContainer (the /ping and /invocations contract)
// kept for the rest of the book, invoked through a predictor or the raw runtime call.
import Foundation
import Serving

struct LocalDeployStep: LabStep {
    static let kind = "local.deploy"
    static let summary = "Starts a local-mode endpoint: one serving container on this machine, from a model.tar.gz."
    let name: Arg<String>, artifact: Arg<String>, program: Arg<String>

    init(arguments: inout StepArguments) throws {
        name = try arguments.required("EndpointName")
        artifact = try arguments.required("ModelData")
        program = try arguments.required("SAGEMAKER_PROGRAM")
    }

    func run(in context: StepContext) async throws -> LabValue {
        let endpoint = try context.resolve(name)
        let path = try context.resolve(artifact)
        guard let data = try? Data(contentsOf: context.bookFile(path)) else { throw LabError(artifact.location, "cannot read \(path)") }
        let work = context.session.services.stateDirectory.appendingPathComponent("local/\(endpoint)")
        let started = DispatchTime.now()
        let container = try ModelContainer(artifact: data, program: try context.resolve(program),
                                           registry: context.session.services.handlers, workDirectory: work)
        try context.session.services.addLocalEndpoint(endpoint, container, at: name.location)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        return .object(LabObject([("EndpointName", .string(endpoint)), ("Ping", .int(container.ping())),
                                  ("ModelLoadSeconds", .number(seconds))]))
    }
}

struct LocalInvokeStep: LabStep {
    static let kind = "local.invoke_endpoint"
    static let summary = "invoke_endpoint against a local-mode endpoint: raw Body or BodyFile, ContentType, Accept."
    let name: Arg<String>, body: Arg<LabValue>?, bodyFile: Arg<String>?, contentType: Arg<String>?, accept: Arg<String>?

    init(arguments: inout StepArguments) throws {
        name = try arguments.required("EndpointName")
        body = try arguments.optional("Body")
        bodyFile = try arguments.optional("BodyFile")
        guard (body == nil) != (bodyFile == nil) else { throw LabError(arguments.location, "takes one of Body or BodyFile") }
        contentType = try arguments.optional("ContentType")
        accept = try arguments.optional("Accept")
    }

    func run(in context: StepContext) async throws -> LabValue {
        let container = try context.session.services.localEndpoint(try context.resolve(name), at: name.location)
        let payload = try RequestBody.resolve(body: body, file: bodyFile, in: context)
        let type = try context.resolve(contentType, default: "application/jsonlines")
        return try LocalReply.shape(container.invocations(body: payload, contentType: type, accept: try context.resolve(accept, default: type)),
                                    endpoint: name, context: context)
    }
}

/// The SageMaker SDK's Predictor with a JSON Lines serializer and deserializer:
/// a list of objects goes out one per line, and the reply lines come back as a list.
struct LocalPredictStep: LabStep {
    static let kind = "local.predict"
    static let summary = "Predictor.predict on a local endpoint: serializes a list of objects as JSON Lines and parses the reply."
    let name: Arg<String>, data: Arg<[LabValue]>

    init(arguments: inout StepArguments) throws {
        name = try arguments.required("EndpointName")
        data = try arguments.required("data")
    }

    func run(in context: StepContext) async throws -> LabValue {
        let container = try context.session.services.localEndpoint(try context.resolve(name), at: name.location)
        let lines = try context.resolve(data).map(\.jsonString).joined(separator: "\n")
        let type = "application/jsonlines"
        return try LocalReply.shape(container.invocations(body: Data(lines.utf8), contentType: type, accept: type),
                                    endpoint: name, context: context)
    }
}

struct LocalDeleteStep: LabStep {
    static let kind = "local.delete_endpoint"
    static let summary = "Stops a local-mode endpoint."
    let name: Arg<String>

    init(arguments: inout StepArguments) throws { name = try arguments.required("EndpointName") }

    func run(in context: StepContext) async throws -> LabValue {
        let endpoint = try context.resolve(name)
        try context.session.services.removeLocalEndpoint(endpoint, at: name.location)
        return .object(LabObject([("EndpointName", .string(endpoint)), ("Deleted", .bool(true))]))
    }
}

enum LocalReply {
    static func shape(_ reply: ModelContainer.Reply, endpoint: Arg<String>, context: StepContext) throws -> LabValue {
        guard reply.status == 200 else {
            let message = String(data: reply.body, encoding: .utf8) ?? "\(reply.body.count) bytes"
            throw LabError(endpoint.location, "the local endpoint answered \(reply.status): \(message)")
        }
        var out = LabObject([("ContentType", .string(reply.contentType))])
        for (key, value) in RequestBody.decoded(reply.body, contentType: reply.contentType) { out[key] = value }
        return .object(out)
    }
}
