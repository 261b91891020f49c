// `sagemaker-runtime.invoke_endpoint_async`: InvokeEndpointAsync: queues the request at InputLocation; returns InferenceId and OutputLocation.
import Cloud
import Foundation

struct InvokeEndpointAsyncStep: LabStep {
    static let kind = "sagemaker-runtime.invoke_endpoint_async"
    static let summary = "InvokeEndpointAsync: queues the request at InputLocation; returns InferenceId and OutputLocation."
    static let declaration = StepDeclaration(
        boto3: "sagemaker-runtime", "InvokeEndpointAsync",
        parameters: ["EndpointName", "InputLocation", "ContentType", "Accept", "RequestTTLSeconds", "InvocationTimeoutSeconds"],
        output: [
            OutputField("InferenceId", "The request's id."),
            OutputField("OutputLocation", "Where the result will be written."),
            OutputField("FailureLocation", "Where a failure will be written."),
        ],
        includesAnswer: false,
        example: """
            EndpointName: async-maskrcnn
            InputLocation: s3://my-lab-bucket/input/bikes.mp4
            ContentType: video/mp4
            """)
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
        let endpoint = try context.resolve(name)
        let output: AWSValue = try await context.call("sagemaker-runtime", "InvokeEndpointAsync", .structure([
            ("EndpointName", .string(endpoint)), ("InputLocation", .string(try context.resolve(location))),
            ("ContentType", try contentType.map { .string(try context.resolve($0)) }),
            ("Accept", try accept.map { .string(try context.resolve($0)) }),
            ("RequestTTLSeconds", try ttl.map { .int(try context.resolve($0)) }),
            ("InvocationTimeoutSeconds", try timeout.map { .int(try context.resolve($0)) }),
        ]))
        await context.noteEndpointWeights(endpoint)
        return Shape.object([("InferenceId", output["InferenceId"].map(LabValue.init(aws:))),
                             ("OutputLocation", output["OutputLocation"].map(LabValue.init(aws:))),
                             ("FailureLocation", output["FailureLocation"].map(LabValue.init(aws:)))])
    }
}
