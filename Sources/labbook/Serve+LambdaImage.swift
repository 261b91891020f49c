// `labbook serve --lambda-image`: which function the runtime interface emulator runs.
import ArgumentParser
import Cloud
import Foundation
import LabRunner
import Serving

extension Serve {
    func validateLambdaOptions() throws {
        if lambdaImage == nil, lambdaHandler != nil {
            throw ValidationError("--lambda-handler names the handler of a --lambda-image folder; give --lambda-image too")
        }
        guard lambdaTimeout.isFinite, (1...900).contains(lambdaTimeout) else {
            throw ValidationError("--lambda-timeout must be 1...900 seconds, as Lambda allows, not \(lambdaTimeout)")
        }
        guard (128...10_240).contains(lambdaMemory) else {
            throw ValidationError("--lambda-memory must be 128...10240 MB, as Lambda allows, not \(lambdaMemory)")
        }
    }

    /// A folder (or a model reference such as `fixture:yolov3-tiny`) is the image's files,
    /// with `--lambda-handler` as its CMD; anything else is an image URI (or
    /// `repository:tag`) pushed to the account in `--state-dir`.
    func emulator(for image: String, in cloud: CloudEnvironment, engine: LabEngine) throws -> LambdaRuntimeEmulator {
        let handlers = engine.handlers
        var isFolder: ObjCBool = false
        let manifest: ImageManifest
        if image.hasPrefix("fixture:") || FileManager.default.fileExists(atPath: image, isDirectory: &isFolder) && isFolder.boolValue {
            guard let lambdaHandler else {
                throw Exit.invalid(ValidationError(
                    "--lambda-image \(image) is a folder: name the function handler its CMD runs with --lambda-handler (one of \(handlers.functionHandlerNames.joined(separator: ", ")))"))
            }
            guard handlers.functionHandlerNames.contains(lambdaHandler) else {
                throw Exit.invalid(ValidationError(
                    "--lambda-handler \(lambdaHandler) is not a function handler; labbook has \(handlers.functionHandlerNames.joined(separator: ", "))"))
            }
            let directory: URL
            do { directory = try engine.modelDirectory(image) } catch {
                throw Exit.invalid(ValidationError("--lambda-image \(image): \(error)"))
            }
            manifest = ImageManifest(entryPoint: lambdaHandler, directory: directory)
        } else {
            manifest = try pushedImage(image, in: cloud)
        }
        var configuration = LambdaRuntimeEmulator.Configuration(entryPoint: manifest.entryPoint, directory: manifest.directory)
        configuration.timeout = lambdaTimeout
        configuration.memorySize = lambdaMemory
        return LambdaRuntimeEmulator(configuration, registry: handlers)
    }

    private func pushedImage(_ image: String, in cloud: CloudEnvironment) throws -> ImageManifest {
        guard stateDir != nil else {
            throw Exit.invalid(ValidationError(
                "--lambda-image \(image) is not a folder; an image URI is looked up in the account of --state-dir, and none was given"))
        }
        let uri = image.contains("/") ? image : "\(cloud.ecr.registryHost)/\(image)"
        do {
            let found = try cloud.ecr.resolveImage(uri: uri)
            if let lambdaHandler, lambdaHandler != found.manifest.entryPoint {
                throw Exit.invalid(ValidationError(
                    "--lambda-handler \(lambdaHandler) differs from the CMD of \(uri), \(found.manifest.entryPoint); leave it out for a pushed image"))
            }
            return found.manifest
        } catch let error as AWSError {
            throw Exit.invalid(ValidationError("--lambda-image \(image) is neither a folder nor an image in \(stateDir ?? ""): \(error.message)"))
        }
    }
}
