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
    /// one a multi-container endpoint's TargetContainerHostname names. The trail is read
    /// with Describe calls, so it holds over the wire as well; a link that cannot be read
    /// (deleted meanwhile, not allowed) just leaves the note out.
    func noteEndpointWeights(_ endpoint: String, container: String? = nil) async {
        guard let described = await describe("DescribeEndpoint", "EndpointName", endpoint),
              let configName = described["EndpointConfigName"]?.string,
              let config = await describe("DescribeEndpointConfig", "EndpointConfigName", configName) else { return }
        for variant in config["ProductionVariants"]?.list ?? [] {
            guard let name = variant["ModelName"]?.string,
                  let model = await describe("DescribeModel", "ModelName", name) else { continue }
            let containers = model["Containers"]?.list ?? [model["PrimaryContainer"]].compactMap { $0 }
            for definition in containers where container == nil || definition["ContainerHostname"]?.string == container {
                if let url = definition["ModelDataUrl"]?.string { noteWeights(inArtifact: url) }
            }
        }
    }

    /// The weights inside a function's image.
    func noteFunctionWeights(_ function: String) async {
        guard let described: AWSValue = try? await call("lambda", "GetFunction", ["FunctionName": .string(function)], shown: false),
              let image = described["Code"]?["ImageUri"]?.string else { return }
        noteWeights(inArtifact: image)
    }

    private func describe(_ operation: String, _ member: String, _ name: String) async -> AWSValue? {
        try? await call("sagemaker", operation, [member: .string(name)], shown: false)
    }
}
