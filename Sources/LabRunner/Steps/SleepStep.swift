// `clock.sleep`: Lets simulated time pass (scheduled work — queues, scaling, provisioning — runs on the way).
import Cloud
import Foundation

/// On the embedded account the simulated clock moves; over the wire time passes on the
/// server, so the step sleeps for real (its `timeout` still cuts it short).
struct SleepStep: LabStep {
    static let kind = "clock.sleep"
    static let summary = "Lets simulated time pass (scheduled work — queues, scaling, provisioning — runs on the way)."
    let seconds: Arg<Double>

    init(arguments: inout StepArguments) throws { seconds = try arguments.required("Seconds") }

    func run(in context: StepContext) async throws -> LabValue {
        let value = try context.resolve(seconds)
        guard value >= 0, value <= 7 * 86_400 else { throw LabError(seconds.location, "Seconds must be between 0 and one week") }
        try await context.pause(seconds: value)
        return Shape.object([("Now", Shape.date(context.awsNow))])
    }
}
