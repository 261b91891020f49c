// `labbook import NOTEBOOK.ipynb`: a lab book skeleton from a notebook (NotebookImporter).
import ArgumentParser
import Foundation
import Formats
import LabRunner

struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a lab book skeleton from a Jupyter notebook: prose, the boto3 calls it recognizes as steps, TODOs for the rest.")

    @Argument(help: "The notebook (.ipynb).") var notebook: String
    @Option(name: .shortAndLong, help: "Write the book here instead of standard output (an existing file is kept unless --force).")
    var output: String?
    @Flag(help: "Replace --output if it exists.") var force = false

    func run() async throws {
        let engine = LabEngine()
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: notebook)) } catch {
            throw Exit.invalid(ValidationError("cannot read \(notebook): \(FileProblem.reason(error, at: URL(fileURLWithPath: notebook)))"))
        }
        let yaml: String
        do { yaml = try NotebookImporter(catalog: engine.catalog).book(from: data, name: notebook) } catch {
            throw Exit.invalid(error)
        }
        guard let output else {
            print(yaml, terminator: "")
            return
        }
        let url = URL(fileURLWithPath: output)
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) {
            guard force, !isFolder.boolValue else {
                throw Exit.invalid(ValidationError(isFolder.boolValue ? "--output \(output) is a folder; name the book file"
                                                                      : "--output \(output) exists; pass --force to replace it"))
            }
        }
        do { try Data(yaml.utf8).write(to: url, options: .atomic) } catch {
            throw ExitCode(Exit.classify(error).rawValue)
        }
        FileHandle.standardError.write(Data("wrote \(output): check its TODOs, then `labbook validate \(output)`\n".utf8))
    }
}
