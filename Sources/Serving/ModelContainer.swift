// One serving container as the SageMaker inference toolkit runs it: the artifact is
// unpacked into the model directory (/opt/ml/model), `model_fn` runs once, then the
// container answers GET /ping and POST /invocations. Local mode runs exactly this on
// the user's machine; hosted endpoints run one per instance.
import Foundation

public enum ModelContainerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The work directory holds files ModelContainer did not put there.
    case workDirectoryInUse(String)
    case workDirectoryUnavailable(path: String, reason: String)

    public var description: String {
        switch self {
        case .workDirectoryInUse(let path):
            return "model container: \(path) is not empty and was not made by a model container; refusing to clear it"
        case let .workDirectoryUnavailable(path, reason):
            return "model container: cannot prepare \(path): \(reason)"
        }
    }
}

public final class ModelContainer: @unchecked Sendable {
    /// Written into every work directory this class makes: only such a directory (or an
    /// empty one) is ever cleared, so a mistyped path cannot delete someone's files.
    public static let markerName = ".labbook-model-container"

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
        try Self.prepare(workDirectory)
        do {
            try ModelArtifact.unpack(artifact, into: workDirectory)
            handler = try registry.loadModel(program, from: workDirectory)
        } catch {
            try? FileManager.default.removeItem(at: workDirectory)  // ours: it carries the marker
            throw error
        }
    }

    /// Clears `directory` if it is empty or one of ours, then recreates it with the marker.
    private static func prepare(_ directory: URL) throws {
        let files = FileManager.default
        // attributesOfItem does not follow a symbolic link: a link is never ours to clear.
        if let type = (try? files.attributesOfItem(atPath: directory.path))?[.type] as? FileAttributeType {
            let contents = type == .typeDirectory ? (try? files.contentsOfDirectory(atPath: directory.path)) : nil
            guard let contents, contents.isEmpty || contents.contains(markerName) else {
                throw ModelContainerError.workDirectoryInUse(directory.path)
            }
        }
        do {
            if files.fileExists(atPath: directory.path) { try files.removeItem(at: directory) }
            try files.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data().write(to: directory.appendingPathComponent(markerName))
        } catch {
            throw ModelContainerError.workDirectoryUnavailable(path: directory.path, reason: "\(error)")
        }
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
