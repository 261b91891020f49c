// ECR calls as steps, and the image build the serverless labs do outside the notebook
// (`docker build` + `docker push`): here an image is the handler its CMD runs and the
// folder of files it carries (weights, labels).
import Cloud
import Foundation

struct CreateRepositoryStep: LabStep {
    static let kind = "ecr.create_repository"
    static let summary = "CreateRepository: returns the repositoryUri images are pushed to."
    let name: Arg<String>

    init(arguments: inout StepArguments) throws { name = try arguments.required("repositoryName") }

    func run(in context: StepContext) async throws -> LabValue {
        let repository = try context.cloud.ecr.createRepository(repositoryName: try context.resolve(name))
        return Shape.object([("repository", Shape.object([
            ("repositoryArn", .string(repository.repositoryArn)), ("repositoryName", .string(repository.repositoryName)),
            ("repositoryUri", .string(repository.repositoryUri)), ("registryId", .string(repository.registryId)),
        ]))])
    }
}

struct SetRepositoryPolicyStep: LabStep {
    static let kind = "ecr.set_repository_policy"
    static let summary = "SetRepositoryPolicy: e.g. let lambda.amazonaws.com pull the image."
    let name: Arg<String>, policy: Arg<LabValue>

    init(arguments: inout StepArguments) throws {
        name = try arguments.required("repositoryName")
        policy = try arguments.required("policyText")
    }

    func run(in context: StepContext) async throws -> LabValue {
        let text = try context.resolve(policy)
        let repository = try context.resolve(name)
        try context.cloud.ecr.setRepositoryPolicy(repositoryName: repository, policyText: text.string ?? text.jsonString)
        return Shape.object([("repositoryName", .string(repository)), ("policyText", .string(text.string ?? text.jsonString))])
    }
}

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
        context.show(.code("$ docker build -t \(name) .\n$ docker tag \(name):latest \(uri)\n$ docker push \(uri)\n\(version): digest: \(image.imageId.imageDigest)",
                           language: "text", caption: nil))
        return Shape.object([("imageUri", .string(uri)), ("imageDigest", .string(image.imageId.imageDigest))])
    }
}

struct DeleteRepositoryStep: LabStep {
    static let kind = "ecr.delete_repository"
    static let summary = "DeleteRepository (force: true deletes its images too)."
    let name: Arg<String>, force: Arg<Bool>?

    init(arguments: inout StepArguments) throws {
        name = try arguments.required("repositoryName")
        force = try arguments.optional("force")
    }

    func run(in context: StepContext) async throws -> LabValue {
        try context.cloud.ecr.deleteRepository(repositoryName: try context.resolve(name), force: try context.resolve(force, default: false))
        return Shape.object([("Deleted", .bool(true))])
    }
}
