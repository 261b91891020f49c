// Which weights answered a reply. Model steps know their folder; an endpoint or a function
// only knows the archive or image it was made from, so the steps that make those
// (model.package, ecr.build_and_push, local.deploy) record what they hold, and the steps
// that invoke follow endpoint → config → model → ModelDataUrl (or function → image) back.
import Cloud
import Foundation

extension StepContext {
    /// Remembers that `location` (an S3 URI, a local archive path, an image URI or a local
    /// endpoint) holds the weights this step noted last.
    func noteArtifact(_ location: String) {
        guard let note = notedWeights.last else { return }
        session.noteArtifact(location, holds: note)
    }

    /// Shows the weights inside an archive or image a step made, when a step made it.
    func noteWeights(inArtifact location: String) {
        if let note = session.weights(inArtifact: location) { noteWeights(note) }
    }

    /// The weights behind an endpoint's reply: every variant's containers, or only the
    /// one a multi-container endpoint's TargetContainerHostname names.
    func noteEndpointWeights(_ endpoint: String, container: String? = nil) {
        let sagemaker = cloud.sagemaker
        guard let described = try? sagemaker.describeEndpoint(endpointName: endpoint),
              let config = try? sagemaker.describeEndpointConfig(endpointConfigName: described.endpointConfigName) else { return }
        for variant in config.productionVariants {
            guard let name = variant.modelName, let model = try? sagemaker.describeModel(modelName: name) else { continue }
            let containers = model.containers ?? [model.primaryContainer].compactMap { $0 }
            for definition in containers where container == nil || definition.containerHostname == container {
                if let url = definition.modelDataUrl { noteWeights(inArtifact: url) }
            }
        }
    }

    /// The weights inside a function's image.
    func noteFunctionWeights(_ function: String) {
        guard let described = try? cloud.lambda.getFunction(functionName: function) else { return }
        noteWeights(inArtifact: described.code.imageUri)
    }
}
