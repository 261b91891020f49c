// `sagemaker.wait`: A boto3 waiter: endpoint_in_service or endpoint_deleted, polling on the simulated clock.
import Cloud
import Foundation

struct WaitStep: LabStep {
    static let kind = "sagemaker.wait"
    static let summary = "A boto3 waiter: endpoint_in_service or endpoint_deleted, polling on the simulated clock."
    static let waiters = ["endpoint_in_service", "endpoint_deleted"]
    let waiter: Arg<String>, name: Arg<String>

    init(arguments: inout StepArguments) throws {
        waiter = try arguments.required("Waiter")
        if let w = waiter.literal, !Self.waiters.contains(w) { throw LabError.unknown("waiter", w, at: waiter.location, known: Self.waiters) }
        name = try arguments.required("EndpointName")
    }

    func run(in context: StepContext) async throws -> LabValue {
        let endpoint = try context.resolve(name)
        let started = context.cloud.clock.now
        switch try context.resolve(waiter) {
        case "endpoint_in_service":
            let described = try context.cloud.sagemaker.waitUntilEndpointInService(endpointName: endpoint)
            var out = DescribeEndpointStep.shape(described).object ?? LabObject()
            out["WaitedSeconds"] = .number(context.cloud.clock.now.timeIntervalSince(started))
            return .object(out)
        case "endpoint_deleted":
            try context.cloud.sagemaker.waitUntilEndpointDeleted(endpointName: endpoint)
            return Shape.object([("EndpointName", .string(endpoint)), ("Deleted", .bool(true)),
                                 ("WaitedSeconds", .number(context.cloud.clock.now.timeIntervalSince(started)))])
        case let other:
            throw LabError.unknown("waiter", other, at: waiter.location, known: Self.waiters)
        }
    }
}
