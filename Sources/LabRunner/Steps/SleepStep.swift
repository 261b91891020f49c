// `clock.sleep`: Lets simulated time pass (scheduled work — queues, scaling, provisioning — runs on the way).
import Cloud
import Foundation

/// On the embedded account the simulated clock moves; over the wire time passes on the
/// server, so the step sleeps for real (its `timeout` still cuts it short).
struct SleepStep: LabStep {
    static let kind = "clock.sleep"
    static let summary = "Lets simulated time pass (scheduled work — queues, scaling, provisioning — runs on the way)."

    static let declaration = StepDeclaration(
        keys: [StepKey("Seconds", .number, required: true, "How long to wait, at most a week; the notebook's time.sleep(Seconds).")],
        output: [OutputField("Now", "The account's time after the wait (ISO 8601).")],
        touchesState: true,
        example: "Seconds: 300")
    let seconds: Arg<Double>

    init(arguments: inout StepArguments) throws { seconds = try arguments.required("Seconds") }

    func run(in context: StepContext) async throws -> LabValue {
        let value = try context.resolve(seconds)
        guard value >= 0, value <= 7 * 86_400 else {
            throw LabError(seconds.location, "Seconds must be between 0 and one week", ko: "Seconds는 0부터 일주일 사이여야 합니다")
        }
        try await context.pause(seconds: value)
        return Shape.object([("Now", Shape.date(context.awsNow))])
    }
}
