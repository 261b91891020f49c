// `labbook-bench`: benchmarks as runnable commands, not timed tests. Each subcommand
// lives in its own file and, where a reference exists, times it in the same run and
// prints the ratio (the machines are noisy; ratios travel better than times).
// Build with `swift build -c release --product labbook-bench`.
import ArgumentParser

@main
struct LabbookBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "labbook-bench",
        abstract: "Benchmarks for labbook's runtime and emulated services.",
        subcommands: benchSubcommands
    )
}
