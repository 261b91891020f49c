// GFLOP/s of the matrix products the models issue, through labbook's `DNNLMatmul` (cached
// matmul primitives, PyTorch's Linear layout, split over the cores by labbook), beside
// oneDNN's own `dnnl_sgemm` on the same shape (threaded by OpenMP) and the machine's peak.
// The two sides alternate round by round, so a busy machine slows both alike; each column
// is the median over rounds.
import ArgumentParser
import CDNNL
import Foundation
import Inference

struct GemmBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gemm",
        abstract: "GFLOP/s of the models' matrix products: labbook's matmul beside oneDNN's sgemm and the cores' peak.")

    @Option(help: "Rounds per shape (each side runs once per round; medians reported).") var rounds = 7
    @Option(help: "Milliseconds each side runs per round (repeating the product).") var milliseconds = 30.0
    @Option(help: "Only shapes whose name contains this text.") var only: String?

    /// One product `[rows, inner] · [inner, columns]`, named after where a model issues it.
    struct Shape {
        var name: String, rows: Int, inner: Int, columns: Int
        var flops: Double { 2 * Double(rows) * Double(inner) * Double(columns) }
    }

    /// ELECTRA-small as the nsmc handler runs it, KoBART's encoder and one beam-search step,
    /// YOLOv3-tiny's convolutions as products (im2col: rows = output pixels, inner =
    /// kernel² × input channels), and large squares to show the kernel's ceiling.
    static let shapes: [Shape] = [
        Shape(name: "electra seq128 qkv", rows: 128, inner: 256, columns: 768),
        Shape(name: "electra seq128 attention.output", rows: 128, inner: 256, columns: 256),
        Shape(name: "electra seq128 intermediate", rows: 128, inner: 256, columns: 1024),
        Shape(name: "electra seq128 output", rows: 128, inner: 1024, columns: 256),
        Shape(name: "electra seq128 embeddings_project", rows: 128, inner: 128, columns: 256),
        Shape(name: "electra seq32 qkv", rows: 32, inner: 256, columns: 768),
        Shape(name: "electra seq32 output", rows: 32, inner: 1024, columns: 256),
        Shape(name: "electra batch8 qkv", rows: 1024, inner: 256, columns: 768),
        Shape(name: "electra batch8 output", rows: 1024, inner: 1024, columns: 256),
        Shape(name: "kobart encoder qkv (256 tokens)", rows: 256, inner: 768, columns: 2304),
        Shape(name: "kobart encoder fc1", rows: 256, inner: 768, columns: 3072),
        Shape(name: "kobart encoder fc2", rows: 256, inner: 3072, columns: 768),
        Shape(name: "kobart step qkv (4 beams)", rows: 4, inner: 768, columns: 2304),
        Shape(name: "kobart step fc1", rows: 4, inner: 768, columns: 3072),
        Shape(name: "kobart step fc2", rows: 4, inner: 3072, columns: 768),
        Shape(name: "kobart step lm_head", rows: 4, inner: 768, columns: 30_000),
        Shape(name: "yolo-tiny conv2 3x3 16→32 @208²", rows: 43_264, inner: 144, columns: 32),
        Shape(name: "yolo-tiny conv8 3x3 256→512 @13²", rows: 169, inner: 2304, columns: 512),
        Shape(name: "yolo-tiny conv9 3x3 512→1024 @13²", rows: 169, inner: 4608, columns: 1024),
        Shape(name: "square 1024", rows: 1024, inner: 1024, columns: 1024),
        Shape(name: "square 2048", rows: 2048, inner: 2048, columns: 2048),
    ]

    func validate() throws {
        guard rounds >= 3 else { throw ValidationError("--rounds must be at least 3 (min, median and max)") }
        guard milliseconds > 0 else { throw ValidationError("--milliseconds must be positive") }
    }

    func run() throws {
        let matmul = try DNNLMatmul.shared()
        let threads = matmul.threadCount
        let clock = GemmBench.measuredClockGHz()
        let peak = Double(threads) * 32 * clock
        print(String(format: "%d cores at about %.2f GHz (a dependent add chain); peak %.0f GFLOP/s at 32 single-precision FLOP", threads, clock, peak))
        print("per cycle per core (two 256-bit FMA pipes: AVX2 on Zen 2-4, Intel since Haswell). Medians over \(rounds) rounds.")
        print("")
        print("With few rows a product is bound by reading its weights: 'weights' is labbook's rate of reading them.")
        print("")
        print(pad("shape", 36) + pad("M×K×N", 18) + pad("labbook", 16) + pad("oneDNN sgemm", 16) + pad("ratio", 8) + pad("of peak", 9)
              + "weights")
        for shape in GemmBench.shapes where only.map({ shape.name.contains($0) }) ?? true {
            let (ours, theirs) = try measure(shape, matmul: matmul, threads: threads)
            let dims = "\(shape.rows)×\(shape.inner)×\(shape.columns)"
            print(pad(shape.name, 36) + pad(dims, 18)
                  + pad(String(format: "%.0f GFLOP/s", median(ours)), 16) + pad(String(format: "%.0f GFLOP/s", median(theirs)), 16)
                  + pad(String(format: "%.2f", median(zip(ours, theirs).map { $0 / $1 })), 8)
                  + pad(String(format: "%.0f %%", 100 * median(ours) / peak), 9)
                  + String(format: "%.1f GB/s", median(ours) / shape.flops * 4 * Double(shape.inner * shape.columns)))
        }
    }

    /// GFLOP/s per round for labbook's product and oneDNN's sgemm, alternating.
    private func measure(_ shape: Shape, matmul: DNNLMatmul, threads: Int) throws -> ([Double], [Double]) {
        var random = SplitMix64(seed: 7)
        let a = (0..<(shape.rows * shape.inner)).map { _ in random.nextGaussian() }
        let w = (0..<(shape.columns * shape.inner)).map { _ in random.nextGaussian() } // [columns, inner], as Linear
        let bias = [Float](repeating: 0, count: shape.columns)
        var c = [Float](repeating: 0, count: shape.rows * shape.columns)
        let ours: () throws -> Void = {
            try a.withUnsafeBufferPointer { a in try w.withUnsafeBufferPointer { w in try bias.withUnsafeBufferPointer { bias in
                try c.withUnsafeMutableBufferPointer { c in
                    try matmul.multiply(src: a.baseAddress!, rows: shape.rows, inner: shape.inner, weights: w.baseAddress!,
                                        columns: shape.columns, weightsTransposed: true, bias: bias.baseAddress, dst: c.baseAddress!)
                }
            } } }
        }
        let theirs: () throws -> Void = {
            OpenMP.setThreads(threads) // labbook's matmul leaves OpenMP at one thread per caller
            let status = dnnl_sgemm(CChar(UInt8(ascii: "N")), CChar(UInt8(ascii: "T")), Int64(shape.rows), Int64(shape.columns),
                                    Int64(shape.inner), 1, a, Int64(shape.inner), w, Int64(shape.inner), 0, &c, Int64(shape.columns))
            guard status == dnnl_success else { throw ValidationError("dnnl_sgemm failed with status \(status.rawValue)") }
        }
        try ours(); try theirs() // first calls make the primitives and JIT the kernels
        let repeats = try calls(filling: milliseconds, ours)
        var ourRates: [Double] = [], theirRates: [Double] = []
        for _ in 0..<rounds {
            ourRates.append(shape.flops * Double(repeats) / 1e9 / (try seconds(repeats, ours)))
            Thread.sleep(forTimeInterval: 0.002)
            theirRates.append(shape.flops * Double(repeats) / 1e9 / (try seconds(repeats, theirs)))
            // libgomp's threads spin a while after a parallel region; on two cores they would
            // take a core from the next round's labbook side.
            Thread.sleep(forTimeInterval: 0.05)
        }
        return (ourRates, theirRates)
    }

    /// How many calls of `body` take about `milliseconds`.
    private func calls(filling milliseconds: Double, _ body: () throws -> Void) throws -> Int {
        let once = try seconds(3, body) / 3
        return max(1, Int(milliseconds / 1000 / max(once, 1e-7)))
    }

    private func seconds(_ repeats: Int, _ body: () throws -> Void) throws -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<repeats { try body() }
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }

    /// The core clock, from a chain of dependent shift-and-add pairs (two cycles each on
    /// every x86 core of the last decade); the best of five tries.
    static func measuredClockGHz() -> Double {
        let steps = 200_000_000
        var best = Double.infinity
        // The seed must be unknown when compiling, or the optimizer runs the chain itself.
        let opaque = UInt64(ProcessInfo.processInfo.processIdentifier) | 0x1_0000
        for attempt in 0..<5 {
            let start = DispatchTime.now().uptimeNanoseconds
            blackHole(dependentChain(steps, seed: opaque &+ UInt64(attempt)))
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start))
        }
        return 2 * Double(steps) / best
    }

    @inline(never) static func dependentChain(_ steps: Int, seed: UInt64) -> UInt64 {
        var x = seed
        for _ in 0..<steps { x = x &+ (x >> 3) }
        return x
    }

    @inline(never) static func blackHole(_ value: UInt64) {
        if value == 42 { print("", terminator: "") }
    }
}
