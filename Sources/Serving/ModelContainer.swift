// One serving container as the SageMaker inference toolkit runs it: the artifact is
// unpacked into the model directory (/opt/ml/model), `model_fn` runs once, then the
// container answers GET /ping and POST /invocations. Local mode runs exactly this on
// the user's machine; hosted endpoints run one per instance.
import Foundation

public final class ModelContainer: @unchecked Sendable {
    /// What /invocations answers: the status and body the model server would send.
    public struct Reply: Sendable, Equatable {
        public var status: Int
        public var body: Data
        public var contentType: String
    }

    public let program: String
    public let modelDirectory: URL
    private let handler: any InferenceHandler

    /// Unpacks `artifact` (a model.tar.gz) into `workDirectory` and loads the handler that
    /// `program` (SAGEMAKER_PROGRAM) names.
    public init(artifact: Data, program: String, registry: HandlerRegistry, workDirectory: URL) throws {
        self.program = program
        modelDirectory = workDirectory
        try? FileManager.default.removeItem(at: workDirectory)
        try FileManager.default.createDirectory(at: workDirectory, withIntermediateDirectories: true)
        try ModelArtifact.unpack(artifact, into: workDirectory)
        handler = try registry.loadModel(program, from: workDirectory)
    }

    /// GET /ping: 200 once the model is loaded (a container whose model failed to load never starts).
    public func ping() -> Int { 200 }

    /// POST /invocations. Handler errors become the status the toolkit answers with.
    public func invocations(body: Data, contentType: String, accept: String) -> Reply {
        do {
            let response = try handler.invoke(body: body, contentType: contentType, accept: accept)
            return Reply(status: 200, body: response.body, contentType: response.contentType)
        } catch let error as HandlerError {
            return Reply(status: error.statusCode, body: Data(error.message.utf8), contentType: "text/plain")
        } catch {
            return Reply(status: 500, body: Data("\(error)".utf8), contentType: "text/plain")
        }
    }
}
