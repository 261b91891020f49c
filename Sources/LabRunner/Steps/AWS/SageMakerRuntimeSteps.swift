// SageMaker runtime calls as steps: invoke_endpoint (real-time, Direct/Serial,
// serverless) and invoke_endpoint_async, with the request body from text or a file.
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
        context.show(.code(RequestBody.preview(payload), language: "json", caption: "Body →"))
        var result = LabObject([("ContentType", .string(output.contentType)),
                                ("InvokedProductionVariant", .string(output.invokedProductionVariant))])
        result["SimulatedSeconds"] = .number(context.cloud.clock.now.timeIntervalSince(started))
        for (key, value) in RequestBody.decoded(output.body, contentType: output.contentType) { result[key] = value }
        return .object(result)
    }
}

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
        return Shape.object([("InferenceId", .string(output.inferenceId)), ("OutputLocation", .string(output.outputLocation)),
                             ("FailureLocation", output.failureLocation.map(LabValue.string))])
    }
}

/// Request bodies written in a book, and replies made readable.
enum RequestBody {
    static func resolve(body: Arg<LabValue>?, file: Arg<String>?, in context: StepContext) throws -> Data {
        if let file {
            let path = try context.resolve(file)
            guard let data = try? Data(contentsOf: context.bookFile(path)) else {
                throw LabError(file.location, "cannot read BodyFile \(path)")
            }
            return data
        }
        let value = try context.resolve(body!)
        if let text = value.string { return Data(text.utf8) }
        return Data(value.jsonString.utf8)
    }

    static func preview(_ data: Data) -> String {
        guard let text = String(data: data, encoding: .utf8) else { return "\(data.count) bytes (binary)" }
        return text.count > 2000 ? String(text.prefix(2000)) + "\n…" : text
    }

    /// JSON Lines as `Lines`, JSON as `Json`, anything else as text in `Body`.
    static func decoded(_ data: Data, contentType: String) -> [(String, LabValue)] {
        guard let text = String(data: data, encoding: .utf8) else {
            return [("BodyBytes", .int(data.count))]
        }
        // A parsed body replaces the raw text: the handout shows it once, readably.
        if contentType.contains("jsonlines") {
            let lines = text.split(separator: "\n").map { try? LabValue(json: Data($0.utf8)) }
            if lines.allSatisfy({ $0 != nil }) { return [("Lines", .list(lines.compactMap { $0 }))] }
        } else if contentType.contains("json"), let value = try? LabValue(json: data) {
            return [("Json", value)]
        }
        return [("Body", .string(text))]
    }
}
