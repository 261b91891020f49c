// `local.deploy`: Starts a local-mode endpoint: one serving container on this machine, from a model.tar.gz.
import Foundation
import Serving

struct LocalDeployStep: LabStep {
    static let kind = "local.deploy"
    static let summary = "Starts a local-mode endpoint: one serving container on this machine, from a model.tar.gz."
    static let declaration = StepDeclaration(
        keys: [
            StepKey("EndpointName", .string, required: true, "A name for the local endpoint."),
            StepKey("ModelData", .string, required: true, "The model.tar.gz (a path or model.package's Path), as Model(model_data=...)."),
            StepKey("SAGEMAKER_PROGRAM", .string, required: true, "The handler the container serves, as the SDK's entry_point."),
        ],
        output: [
            OutputField("EndpointName", "The endpoint."),
            OutputField("Ping", "GET /ping's status."),
            OutputField("ModelLoadSeconds", "How long model_fn took."),
        ],
        touchesState: true,
        example: """
            EndpointName: local-nsmc
            ModelData: model.tar.gz
            SAGEMAKER_PROGRAM: nsmc
            """)
    let name: Arg<String>, artifact: Arg<String>, program: Arg<String>

    init(arguments: inout StepArguments) throws {
        name = try arguments.required("EndpointName")
        artifact = try arguments.required("ModelData")
        program = try arguments.required("SAGEMAKER_PROGRAM")
    }

    func run(in context: StepContext) async throws -> LabValue {
        let endpoint = try context.resolve(name)
        // The name becomes a folder: hold it to SageMaker's endpoint-name rule.
        guard endpoint.range(of: "^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$", options: .regularExpression) != nil else {
            throw LabError(name.location, "EndpointName '\(endpoint)' must match [a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}",
                           ko: "EndpointName은 [a-zA-Z0-9](-*[a-zA-Z0-9]){0,62} 꼴이어야 합니다: '\(endpoint)'")
        }
        try context.session.services.checkLocalEndpointFree(endpoint, at: name.location)
        let path = try context.resolve(artifact)
        let archive = try context.readableFile(path, at: artifact.location)
        guard let data = try? Data(contentsOf: archive) else {
            throw LabError(artifact.location, "cannot read \(path)", ko: "파일을 읽을 수 없습니다: \(path)")
        }
        let work = context.session.services.stateDirectory.appendingPathComponent("local/\(endpoint)")
        let started = DispatchTime.now()
        let container = try ModelContainer(artifact: data, program: try context.resolve(program),
                                           registry: context.session.services.handlers, workDirectory: work)
        try context.session.services.addLocalEndpoint(endpoint, container, at: name.location)
        context.noteWeights(inArtifact: archive.path)
        context.noteArtifact("local:\(endpoint)")
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        context.show(.code(Self.sdk(endpoint, archive: path, program: try context.resolve(program)), language: "python",
                           caption: "SageMaker Python SDK"))
        return .object(LabObject([("EndpointName", .string(endpoint)), ("Ping", .int(container.ping())),
                                  ("ModelLoadSeconds", .number(seconds))]))
    }

    /// What the notebook's local-mode cell does: a framework model deployed to `instance_type="local"`.
    static func sdk(_ endpoint: String, archive: String, program: String) -> String {
        """
        from sagemaker.pytorch import PyTorchModel
        model = PyTorchModel(
            model_data=\(PythonLiteral.string("file://" + archive)),
            role=role,
            entry_point="inference.py",  # SAGEMAKER_PROGRAM; labbook runs its \(PythonLiteral.string(program)) handler
            framework_version="1.8.1",
            py_version="py3",
        )
        predictor = model.deploy(initial_instance_count=1, instance_type="local", endpoint_name=\(PythonLiteral.string(endpoint)))
        """
    }
}
