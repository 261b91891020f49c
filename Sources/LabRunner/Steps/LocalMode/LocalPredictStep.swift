// `local.predict`: Predictor.predict on a local endpoint: serializes a list of objects as JSON Lines and parses the reply.
import Foundation
import Serving

/// The SageMaker SDK's Predictor with a JSON Lines serializer and deserializer:
/// a list of objects goes out one per line, and the reply lines come back as a list.
struct LocalPredictStep: LabStep {
    static let kind = "local.predict"
    static let summary = "Predictor.predict on a local endpoint: serializes a list of objects as JSON Lines and parses the reply."
    static let declaration = StepDeclaration(
        keys: [
            StepKey("EndpointName", .string, required: true, "The local endpoint."),
            StepKey("data", .list(.any), required: true, "The objects to send, one JSON line each."),
        ],
        output: OutputField.reply,
        touchesState: true,
        example: """
            EndpointName: local-nsmc
            data: [{text: 정말 재밌어요}, {text: 지루했다}]
            """)
    let name: Arg<String>, data: Arg<[LabValue]>

    init(arguments: inout StepArguments) throws {
        name = try arguments.required("EndpointName")
        data = try arguments.required("data")
    }

    func run(in context: StepContext) async throws -> LabValue {
        let endpoint = try context.resolve(name)
        let container = try context.session.services.localEndpoint(endpoint, at: name.location)
        context.noteWeights(inArtifact: "local:\(endpoint)")
        let lines = try context.resolve(data).map(\.jsonString).joined(separator: "\n")
        let type = "application/jsonlines"
        context.show(.code("""
            from sagemaker.serializers import JSONLinesSerializer
            from sagemaker.deserializers import JSONLinesDeserializer
            predictor.serializer = JSONLinesSerializer()
            predictor.deserializer = JSONLinesDeserializer()
            predictor.predict(data)
            """, language: "python", caption: "SageMaker Python SDK"))
        return try LocalReply.shape(container.invocations(body: Data(lines.utf8), contentType: type, accept: type),
                                    endpoint: name, context: context)
    }
}
