// The tiny ELECTRA models the project makes for its tests and offline runs
// (fixtures/make_electra_fixtures.py), found in the repository's fixtures/models folder.
import Foundation

public enum TinyModels {
    /// Names of the committed fixture models: the folders of fixtures/models that hold a
    /// config.json (nsmc-tiny, korsts-tiny, and whatever other rooms add).
    public static var names: [String] {
        guard let root = repositoryRoot() else { return [] }
        let models = root.appendingPathComponent("fixtures/models")
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: models.path)) ?? []
        return entries.filter {
            FileManager.default.fileExists(atPath: models.appendingPathComponent($0).appendingPathComponent("config.json").path)
        }.sorted()
    }

    /// The repository root: the nearest folder above `start` (or the working directory,
    /// or this source file) that holds Package.swift and fixtures/models.
    public static func repositoryRoot(from start: URL? = nil, filePath: String = #filePath) -> URL? {
        let candidates = [start, URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
                          URL(fileURLWithPath: filePath).deletingLastPathComponent()].compactMap { $0 }
        for candidate in candidates {
            var folder = candidate.standardizedFileURL
            while true {
                let models = folder.appendingPathComponent("fixtures/models").path
                if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path),
                   FileManager.default.fileExists(atPath: models) {
                    return folder
                }
                let parent = folder.deletingLastPathComponent()
                if parent.path == folder.path { break }
                folder = parent
            }
        }
        return nil
    }

    /// Tests only: a file under the repository's fixtures folder.
    public static func fixture(_ relativePath: String) throws -> URL {
        guard let root = repositoryRoot() else { throw ModelSourceError.noRepository }
        return root.appendingPathComponent("fixtures").appendingPathComponent(relativePath)
    }
}

public enum ModelSourceError: Error, Sendable, Equatable, CustomStringConvertible {
    case noRepository
    case unknownTinyModel(String, known: [String])
    case notAModelDirectory(String, missing: String)
    case badHubReference(String)
    case download(url: String, reason: String)

    public var description: String {
        switch self {
        case .noRepository:
            return "cannot find the labbook repository (Package.swift with fixtures/models) above the working directory"
        case let .unknownTinyModel(name, known):
            return "no tiny model '\(name)'; known: \(known.joined(separator: ", "))"
        case let .notAModelDirectory(path, missing):
            return "\(path) is not a model directory: \(missing) is missing"
        case let .badHubReference(reference):
            return "'\(reference)' is not hf://<owner>/<repo>[@revision]"
        case let .download(url, reason):
            return "download of \(url) failed: \(reason)"
        }
    }
}

/// The folder of a committed tiny model, in the seed's layout (config.json, model.pth,
/// model.safetensors, vocab/). A name without the suffix gets it: `nsmc` is `nsmc-tiny`.
public func offlineModelDirectory(_ name: String) throws -> URL {
    let known = TinyModels.names
    let fullName = known.contains(name) || name.hasSuffix("-tiny") ? name : name + "-tiny"
    guard known.contains(fullName) else { throw ModelSourceError.unknownTinyModel(name, known: known) }
    guard let root = TinyModels.repositoryRoot() else { throw ModelSourceError.noRepository }
    return root.appendingPathComponent("fixtures/models").appendingPathComponent(fullName)
}
