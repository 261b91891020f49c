// `ecr.build_and_push`: Builds an image (handler + files, no Docker) and pushes it with a tag; returns the image URI.
import Cloud
import Foundation

struct BuildImageStep: LabStep {
    static let kind = "ecr.build_and_push"
    static let summary = "Builds an image (handler + files, no Docker) and pushes it with a tag; returns the image URI."
    let repository: Arg<String>, tag: Arg<String>?, handler: Arg<String>, model: Arg<String>

    init(arguments: inout StepArguments) throws {
        repository = try arguments.required("repositoryName")
        tag = try arguments.optional("tag")
        handler = try arguments.required("handler")
        model = try arguments.required("model")
    }

    func run(in context: StepContext) async throws -> LabValue {
        let entryPoint = try context.resolve(handler)
        guard context.session.services.handlers.functionHandlerNames.contains(entryPoint) else {
            throw LabError.unknown("function handler", entryPoint, at: handler.location,
                                   known: context.session.services.handlers.functionHandlerNames)
        }
        let directory = try context.modelDirectory(try context.resolve(model), at: model.location)
        let name = try context.resolve(repository), version = try context.resolve(tag, default: "latest")
        let image = try context.cloud.ecr.putImage(repositoryName: name, tag: version,
                                                   manifest: ImageManifest(entryPoint: entryPoint, directory: directory))
        let uri = "\(context.cloud.ecr.registryHost)/\(name):\(version)"
        context.noteArtifact(uri)
        context.show(.code("$ docker build -t \(name) .\n$ docker tag \(name):latest \(uri)\n$ docker push \(uri)\n\(version): digest: \(image.imageId.imageDigest)",
                           language: "text", caption: nil))
        return Shape.object([("imageUri", .string(uri)), ("imageDigest", .string(image.imageId.imageDigest))])
    }
}
