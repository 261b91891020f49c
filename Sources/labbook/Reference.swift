// `labbook kinds`, `labbook describe` and `labbook schema`: the step reference and the
// lab book JSON Schema, printed from the step declarations.
import ArgumentParser
import Foundation
import LabRunner

struct Kinds: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the step kinds a lab book can use, one line each.")

    func run() async throws { print(StepReference(catalog: LabEngine().catalog).kindsList) }
}

struct Describe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a step kind's keys (types, required, defaults), an example and its output.")

    @Argument(help: "A step kind, e.g. sagemaker.create_endpoint_config.") var kind: String?
    @Flag(help: "Print the reference page for every kind as Markdown (docs/steps.md).") var markdown = false

    func run() async throws {
        let catalog = LabEngine().catalog
        let reference = StepReference(catalog: catalog)
        if markdown {
            guard kind == nil else { throw Exit.invalid(ValidationError("--markdown prints every kind; leave out the kind")) }
            print(reference.markdown, terminator: "")
            return
        }
        guard let kind else { throw Exit.invalid(ValidationError("name a step kind (`labbook kinds` lists them), or pass --markdown")) }
        guard let type = catalog.kind(named: kind) else {
            let near = nearestKind(kind, in: catalog.names).map { " (did you mean '\($0)'?)" } ?? ""
            throw Exit.invalid(ValidationError("unknown step kind '\(kind)'\(near); `labbook kinds` lists them"))
        }
        print(reference.describe(type))
    }

    private func nearestKind(_ name: String, in names: [String]) -> String? {
        names.first { $0.hasSuffix("." + name) || $0.hasSuffix(name) } ?? names.first { $0.contains(name) }
    }
}

struct Schema: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the lab book JSON Schema (draft-07) for editors: `# yaml-language-server: $schema=<file>`.")

    func run() async throws {
        var schema = BookSchema(catalog: LabEngine().catalog)
        print(schema.document().prettyJSON)
    }
}
