// Handlers chosen by name, the way SAGEMAKER_PROGRAM or an image's CMD chooses them.
// Models register here; Cloud and the CLI look names up without importing a model.
import Foundation

public enum RegistryError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownHandler(String, known: [String])
    case loadFailed(handler: String, modelDirectory: String, reason: String)

    public var description: String {
        switch self {
        case let .unknownHandler(name, known):
            let hint = nearestName(to: name, in: known).map { " (did you mean '\($0)'?)" } ?? ""
            return "unknown handler '\(name)'\(hint); known handlers: \(known.joined(separator: ", "))"
        case let .loadFailed(handler, dir, reason):
            return "handler '\(handler)' could not load its model from \(dir): \(reason)"
        }
    }
}

public struct HandlerRegistry: Sendable {
    /// `model_fn`: loads whatever the handler needs from the unpacked model directory.
    public typealias ModelLoader = @Sendable (_ modelDirectory: URL) throws -> any InferenceHandler
    /// A Lambda image's entry point, given the directory holding the image's files.
    public typealias FunctionLoader = @Sendable (_ imageDirectory: URL) throws -> any LambdaFunctionHandler

    public struct Entry: Sendable {
        public var summary: String
        public var load: ModelLoader
    }

    private var models: [String: Entry] = [:]
    private var functions: [String: FunctionLoader] = [:]

    public init() {}

    public mutating func register(model name: String, summary: String, loader: @escaping ModelLoader) {
        models[name] = Entry(summary: summary, load: loader)
    }

    public mutating func register(function name: String, loader: @escaping FunctionLoader) {
        functions[name] = loader
    }

    public var modelHandlerNames: [String] { models.keys.sorted() }
    public var functionHandlerNames: [String] { functions.keys.sorted() }

    public func summary(of name: String) -> String? { models[name]?.summary }

    public func loadModel(_ name: String, from directory: URL) throws -> any InferenceHandler {
        guard let entry = models[name] else {
            throw RegistryError.unknownHandler(name, known: modelHandlerNames)
        }
        do { return try entry.load(directory) } catch let error as HandlerError {
            throw RegistryError.loadFailed(handler: name, modelDirectory: directory.path, reason: error.message)
        } catch {
            throw RegistryError.loadFailed(handler: name, modelDirectory: directory.path, reason: "\(error)")
        }
    }

    public func loadFunction(_ name: String, from directory: URL) throws -> any LambdaFunctionHandler {
        guard let loader = functions[name] else {
            throw RegistryError.unknownHandler(name, known: functionHandlerNames)
        }
        do { return try loader(directory) } catch {
            throw RegistryError.loadFailed(handler: name, modelDirectory: directory.path, reason: "\(error)")
        }
    }
}
