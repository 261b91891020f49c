// `kind: repeat` — runs nested steps N times or once per item of a list, collecting each
// iteration's outputs and timings: the notebooks' request bursts and latency loops.
//
//   - kind: repeat
//     id: burst
//     times: 100            # or: over: [a, b, c] / over: ${steps.x.items}
//     steps: [...]          # see ${index} and ${item}
//
// Output: {count, items: [{index, item?, seconds, <step-id>: output...}], seconds: [...],
//          total_seconds, stats: {min, mean, p50, p90, max}}
import Foundation

struct RepeatStep: LabStep {
    static let kind = "repeat"
    static let summary = "Runs nested steps N times (times:) or over a list (over:), collecting outputs and timings."
    static let maxIterations = 100_000
    /// Fields every iteration's record has; nested steps may not use them as ids.
    static let reservedKeys: Set<String> = ["index", "item", "seconds"]

    static let declaration = StepDeclaration(
        keys: [
            StepKey("times", .integer, "How many iterations (0 to 100000)."),
            StepKey("over", .list(.any), "A list to iterate over; each iteration sees its element as ${item}."),
            StepKey("steps", .steps, required: true, "The nested steps, run once per iteration; ${index} counts from 0."),
        ],
        exactlyOne: [["times", "over"]],
        output: [
            OutputField("count", "Iterations run."),
            OutputField("items", "One record per iteration: index, item, seconds and each nested step's output by id."),
            OutputField("seconds", "Each iteration's wall time."),
            OutputField("total_seconds", "All iterations' wall time."),
            OutputField("stats", "min, mean, p50, p90 and max of the iterations' seconds."),
        ],
        example: """
            times: 3
            steps:
              - {kind: clock.sleep, id: wait, Seconds: 1}
            """)

    let times: Arg<Int>?
    let over: Arg<[LabValue]>?
    let steps: [StepSpec]

    var children: [StepSpec] { steps }

    init(arguments: inout StepArguments) throws {
        times = try arguments.optional("times")
        over = try arguments.optional("over")
        if let n = times?.literal, !(0...Self.maxIterations).contains(n) {
            throw LabError(times!.location, "'times' must be between 0 and \(Self.maxIterations); found \(n)")
        }
        steps = try arguments.steps("steps")
        guard !steps.isEmpty else { throw LabError(arguments.location, "'repeat' needs at least one nested step") }
    }

    func run(in context: StepContext) async throws -> LabValue {
        let items: [LabValue?]
        if let times {
            let n = try context.resolve(times)
            guard (0...Self.maxIterations).contains(n) else {
                throw LabError(times.location, "'times' must be between 0 and \(Self.maxIterations); it resolved to \(n)",
                               ko: "'times'는 0부터 \(Self.maxIterations) 사이여야 하는데 \(n)입니다")
            }
            items = Array(repeating: nil, count: n)
        } else {
            let list = try context.resolve(over!)
            guard list.count <= Self.maxIterations else {
                throw LabError(over!.location, "'over' has \(list.count) items; repeat runs at most \(Self.maxIterations)",
                               ko: "'over'의 항목이 \(list.count)개입니다. repeat은 최대 \(Self.maxIterations)번 반복합니다")
            }
            items = list.map { $0 }
        }
        var collected: [LabValue] = []
        var durations: [Double] = []
        // Iterations often give equal outputs (the same file read, the same reply): an equal
        // one shares the previous one's storage, so a long loop costs its timings, not copies.
        var previous = LabObject()
        for (index, item) in items.enumerated() {
            try Task.checkCancellation()
            let start = DispatchTime.now()
            let outputs = try await context.runNested(steps, item: item, index: index)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
            durations.append(seconds)
            var entry = LabObject([("index", .int(index))])
            if let item { entry["item"] = item }
            entry["seconds"] = .number(seconds)
            for key in outputs.keys {
                guard var output = outputs[key] else { continue }
                if let earlier = previous[key], earlier == output { output = earlier } else { previous[key] = output }
                entry[key] = output
            }
            collected.append(.object(entry))
            context.reportProgress(done: index + 1, total: items.count)
        }
        return .object(LabObject([
            ("count", .int(items.count)),
            ("total_seconds", .number(durations.reduce(0, +))),
            ("stats", Statistics.summary(durations)),
            ("seconds", .list(durations.map(LabValue.number))),
            ("items", .list(collected)),
        ]))
    }
}

enum Statistics {
    /// min, mean, p50, p90 and max of `values` (nearest-rank percentiles).
    static func summary(_ values: [Double]) -> LabValue {
        guard !values.isEmpty else { return .object(LabObject()) }
        let sorted = values.sorted()
        func percentile(_ p: Double) -> Double {
            sorted[min(sorted.count - 1, max(0, Int((p * Double(sorted.count)).rounded(.up)) - 1))]
        }
        return .object(LabObject([
            ("min", .number(sorted[0])),
            ("mean", .number(values.reduce(0, +) / Double(values.count))),
            ("p50", .number(percentile(0.5))),
            ("p90", .number(percentile(0.9))),
            ("max", .number(sorted[sorted.count - 1])),
        ]))
    }
}
