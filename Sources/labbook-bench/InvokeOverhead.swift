// The emulated SageMaker runtime's own cost per InvokeEndpoint, model excluded: a
// handler that returns its input, so what is measured is routing, validation, the
// invocation cache, metrics and the virtual clock.
import ArgumentParser
import Cloud
import Foundation
import Serving

struct InvokeOverhead: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invoke-overhead",
        abstract: "Microseconds per in-process InvokeEndpoint with a handler that does nothing.")

    @Option(help: "Calls to time.") var calls = 20_000
    @Option(help: "Payload bytes.") var bytes = 256

    struct Echo: InferenceHandler {
        func invoke(body: Data, contentType: String, accept: String) throws -> InvocationResponse {
            InvocationResponse(body: body, contentType: accept)
        }
    }

    func run() throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("labbook-bench-\(UUID())")
        defer { try? FileManager.default.removeItem(at: state) }
        var registry = HandlerRegistry()
        registry.register(model: "echo", summary: "returns its input") { _ in Echo() }
        let cloud = try CloudEnvironment(stateDirectory: state, registry: registry)
        try deployEcho(cloud, modelDirectory: state.appendingPathComponent("model"))

        let distinct = (0..<64).map { Data(String(repeating: "\($0 % 10)", count: bytes).utf8) }
        for (label, body) in [("distinct bodies (no cache hits)", { (i: Int) in distinct[i % distinct.count] + Data("\(i)".utf8) }),
                              ("one repeated body (cache hits)", { (_: Int) in distinct[0] })] {
            let started = DispatchTime.now()
            for i in 0..<calls {
                _ = try cloud.sagemakerRuntime.invokeEndpoint(InvokeEndpointInput(
                    endpointName: "bench", body: body(i), contentType: "application/json", accept: "application/json"))
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
            print(String(format: "%@: %.1f µs per call over %d calls", label, seconds / Double(calls) * 1e6, calls))
        }
    }

    private func deployEcho(_ cloud: CloudEnvironment, modelDirectory: URL) throws {
        try FileManager.default.createDirectory(at: modelDirectory, withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: modelDirectory.appendingPathComponent("config.json"))
        try cloud.s3.createBucket("bench")
        _ = try cloud.s3.putObject(bucket: "bench", key: "model.tar.gz", body: try ModelArtifact.pack(directory: modelDirectory))
        _ = try cloud.sagemaker.createModel(CreateModelInput(
            modelName: "bench", primaryContainer: ContainerDefinition(
                image: "763104351884.dkr.ecr.ap-northeast-2.amazonaws.com/pytorch-inference:1.8.1-cpu-py36-ubuntu18.04",
                modelDataUrl: "s3://bench/model.tar.gz", environment: ["SAGEMAKER_PROGRAM": "echo"]),
            executionRoleArn: cloud.executionRoleArn))
        _ = try cloud.sagemaker.createEndpointConfig(CreateEndpointConfigInput(
            endpointConfigName: "bench", productionVariants: [ProductionVariant(
                variantName: "AllTraffic", modelName: "bench", initialInstanceCount: 1, instanceType: "ml.c5.xlarge")]))
        _ = try cloud.sagemaker.createEndpoint(endpointName: "bench", endpointConfigName: "bench")
        _ = try cloud.sagemaker.waitUntilEndpointInService(endpointName: "bench")
    }
}
