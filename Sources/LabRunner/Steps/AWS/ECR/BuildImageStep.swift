// `ecr.build_and_push`: Builds an image (handler + files, no Docker) and pushes it with a tag; returns the image URI.
import Cloud
import Foundation
import Serving

/// No ECR API builds an image (docker does, then pushes layers over the registry's own
/// protocol): the step stores the handler name and the model folder's files as an image in
/// the embedded ECR or, over the wire, sends them to labbook serve's `POST /_labbook/ecr/images`
/// as a gzip'd tar.
struct BuildImageStep: LabStep {
    static let kind = "ecr.build_and_push"
    static let summary = "Builds an image (handler + files, no Docker) and pushes it with a tag; returns the image URI."
    static let declaration = StepDeclaration(
        keys: [
            StepKey("repositoryName", .string, required: true, "The ECR repository to push to."),
            StepKey("tag", .string, default: "latest", "The image tag."),
            StepKey("handler", .string, required: true, "The function handler the image runs (yolo-lambda, nsmc-lambda)."),
            StepKey.model,
        ],
        output: [
            OutputField("imageUri", "The pushed image, for create_function's ImageUri."),
            OutputField("imageDigest", "Its sha256 digest."),
        ],
        touchesState: true,
        example: """
            repositoryName: yolov3-lambda
            handler: yolo-lambda
            model: fixture:yolov3-tiny
            """)
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
                                   known: context.session.services.handlers.functionHandlerNames, koWhat: "함수 핸들러")
        }
        let directory = try context.modelDirectory(try context.resolve(model), at: model.location)
        let name = try context.resolve(repository), version = try context.resolve(tag, default: "latest")
        let (uri, digest) = context.isEmbedded
            ? try embedded(name, version, ImageManifest(entryPoint: entryPoint, directory: directory), context.cloud)
            : try await remote(name, version, entryPoint, directory, in: context)
        context.noteArtifact(uri)
        context.show(.code("$ docker build -t \(name) .\n$ docker tag \(name):latest \(uri)\n$ docker push \(uri)\n\(version): digest: \(digest)",
                           language: "text", caption: nil))
        return Shape.object([("imageUri", .string(uri)), ("imageDigest", .string(digest))])
    }

    private func embedded(_ name: String, _ version: String, _ manifest: ImageManifest,
                          _ cloud: CloudEnvironment) throws -> (uri: String, digest: String) {
        let image = try cloud.ecr.putImage(repositoryName: name, tag: version, manifest: manifest)
        return ("\(cloud.ecr.registryHost)/\(name):\(version)", image.imageId.imageDigest)
    }

    private func remote(_ name: String, _ version: String, _ entryPoint: String, _ directory: URL,
                        in context: StepContext) async throws -> (uri: String, digest: String) {
        let archive: Data
        do { archive = try ModelArtifact.pack(directory: directory) } catch {
            throw LabError(model.location, "the image's files cannot be packed for the push: \(error)",
                           ko: "푸시할 이미지의 파일을 묶을 수 없습니다: \(error)")
        }
        let answer = try await context.labbookExtension(
            Self.kind, at: repository.location,
            onRealAWS: "run docker build && docker push yourself: docker build -t \(name) . && docker tag \(name) <registry>/\(name):\(version) && docker push <registry>/\(name):\(version), then use the image's URI",
            onRealAWSKo: "docker build와 docker push를 직접 실행한 뒤(docker build -t \(name) . && docker tag \(name) <registry>/\(name):\(version) && docker push <registry>/\(name):\(version)) 그 이미지의 URI를 쓰세요",
            method: "POST", path: "/_labbook/ecr/images",
            query: [("repositoryName", name), ("tag", version), ("handler", entryPoint)], body: archive)
        guard let uri = answer["imageUri"]?.string, let digest = answer["imageDigest"]?.string else {
            throw LabError(repository.location, "labbook serve's /_labbook/ecr/images answered without imageUri and imageDigest: \(answer)",
                           ko: "labbook serve의 /_labbook/ecr/images 응답에 imageUri와 imageDigest가 없습니다: \(answer)")
        }
        return (uri, digest)
    }
}
