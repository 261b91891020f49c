// Where a KoBART model comes from: the committed tiny fixture (`kobart`, `kobart-tiny`), a
// local folder with config.json, or the Hugging Face Hub (`hf://gogamza/kobart-summarization`,
// `hf://ainize/kobart-news`) through the download cache of TinyModels+Hub.swift.
import Foundation

public enum TinyBARTModels {
    public static let names = ["kobart-tiny"]
}

/// The folder of the committed tiny KoBART (`kobart` or `kobart-tiny`).
public func offlineBARTModelDirectory(_ name: String) throws -> URL {
    let fullName = name.hasSuffix("-tiny") ? name : name + "-tiny"
    guard TinyBARTModels.names.contains(fullName) else {
        throw ModelSourceError.unknownTinyModel(name, known: TinyBARTModels.names)
    }
    guard let root = TinyModels.repositoryRoot() else { throw ModelSourceError.noRepository }
    return root.appendingPathComponent("fixtures/models").appendingPathComponent(fullName)
}

/// Resolves `hf://owner/repo[@rev]` (cached download), a folder holding config.json, or a tiny KoBART name.
public func bartModelDirectory(for reference: String, hub: HuggingFaceHub = HuggingFaceHub()) throws -> URL {
    if reference.hasPrefix("hf://") { return try hub.modelDirectory(try HuggingFaceHub.Reference(reference)) }
    let local = URL(fileURLWithPath: reference)
    if FileManager.default.fileExists(atPath: local.appendingPathComponent("config.json").path) { return local }
    return try offlineBARTModelDirectory(reference)
}
