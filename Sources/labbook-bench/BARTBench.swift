// Generation speed of the BART runtime against transformers' `generate` on the same model
// in the same run: a seeded random model made by fixtures/make_bart_fixtures.py --bench into
// a temporary folder, either small (d_model 256, 6+6 layers) or KoBART's own shape
// (`--size kobart`: d_model 768, 6+6 layers, 16 heads, vocab 30000), the kobart
// handler's beam search (4 beams, length_penalty 2.0, min_length 32), Korean news inputs.
// Prints tokens per second for both, the ratio, and whether the outputs are identical.
import ArgumentParser
import Foundation
import Models

struct BARTBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bart",
        abstract: "Generated tokens per second: labbook's BART beam search vs transformers generate (ratio > 1: labbook is faster).")

    enum Size: String, ExpressibleByArgument, CaseIterable { case small, kobart }

    @Option(help: "A BART model folder; default: make the benchmark model in a temporary folder.") var modelDir: String?
    @Option(help: "The model to make: small (d_model 256) or kobart (KoBART's shape: d_model 768, 16 heads, vocab 30000).")
    var size: Size = .small
    @Option(help: "Python with torch and transformers.") var python = "python3"
    @Option(help: "Articles to summarize (from fixtures/korean-news.txt).") var inputs = 3
    @Option(help: "Beams (1 = greedy).") var beams = 4
    @Option(help: "max_length.") var maxLength = 512

    func run() throws {
        guard let root = TinyModels.repositoryRoot() else { throw ValidationError("run from inside the labbook repository") }
        let folder: URL
        if let modelDir { folder = URL(fileURLWithPath: modelDir) } else {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("labbook-bart-bench-\(UUID())")
            try shell([python, root.appendingPathComponent("fixtures/make_bart_fixtures.py").path, "--bench", folder.path, "--bench-size", size.rawValue])
        }
        defer { if modelDir == nil { try? FileManager.default.removeItem(at: folder) } }
        let news = try String(contentsOf: root.appendingPathComponent("fixtures/korean-news.txt"), encoding: .utf8)
        let articles = Array(news.split(separator: "\n").map(String.init).prefix(inputs))
        let summarizer = try BARTSummarizer(directory: folder)
        var options = KoBARTHandler.seedOptions(summarizer)
        options.numBeams = beams
        options.beamScoring = .current // the reference below is the installed transformers
        options.maxLength = min(maxLength, summarizer.model.config.maxPositionEmbeddings)
        let encoded = try articles.map { try summarizer.tokenizer.encode($0).ids }

        _ = try summarizer.generate(inputIDs: encoded[0], options: options) // warm-up (oneDNN primitives)
        let started = DispatchTime.now()
        let outputs = try encoded.map { try summarizer.generate(inputIDs: $0, options: options) }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        let tokens = outputs.reduce(0) { $0 + $1.count - 1 }

        let reference = try transformersRun(folder: folder, encoded: encoded, options: options)
        let swiftRate = Double(tokens) / seconds, torchRate = Double(reference.tokens) / reference.seconds
        let identical = zip(outputs, reference.outputs).filter { $0 == $1 }.count
        print("model: d_model \(summarizer.model.config.dModel), \(summarizer.model.config.encoderLayers)+\(summarizer.model.config.decoderLayers) layers, vocab \(summarizer.model.config.vocabSize); \(articles.count) articles, \(beams) beams, max_length \(options.maxLength)")
        print(String(format: "labbook:      %d tokens in %.3f s = %.1f tokens/s", tokens, seconds, swiftRate))
        print(String(format: "transformers: %d tokens in %.3f s = %.1f tokens/s", reference.tokens, reference.seconds, torchRate))
        print(String(format: "ratio (labbook / transformers): %.2f×; identical outputs: %d of %d", swiftRate / torchRate, identical, outputs.count))
    }

    struct Reference: Decodable { var seconds: Double; var tokens: Int; var outputs: [[Int]] }

    private func transformersRun(folder: URL, encoded: [[Int]], options: GenerationOptions) throws -> Reference {
        let script = """
        import json, sys, time, torch
        from transformers import BartForConditionalGeneration
        folder, inputs, args = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
        model = BartForConditionalGeneration.from_pretrained(folder).eval()
        with torch.no_grad():
            model.generate(input_ids=torch.tensor([inputs[0]]), **args)
            start = time.perf_counter()
            outs = [model.generate(input_ids=torch.tensor([ids]), **args)[0].tolist() for ids in inputs]
            seconds = time.perf_counter() - start
        print(json.dumps({"seconds": seconds, "tokens": sum(len(o) - 1 for o in outs), "outputs": outs}))
        """
        let args: [String: Any] = ["num_beams": options.numBeams, "length_penalty": options.lengthPenalty, "min_length": options.minLength,
                                   "max_length": options.maxLength, "do_sample": false,
                                   "bos_token_id": options.bosTokenID as Any, "eos_token_id": options.eosTokenIDs.first as Any]
        let inputs = String(decoding: try JSONSerialization.data(withJSONObject: encoded), as: UTF8.self)
        let argsJSON = String(decoding: try JSONSerialization.data(withJSONObject: args), as: UTF8.self)
        let output = try shell([python, "-c", script, folder.path, inputs, argsJSON])
        guard let line = output.split(separator: "\n").last, let data = line.data(using: .utf8) else {
            throw ValidationError("transformers printed nothing")
        }
        return try JSONDecoder().decode(Reference.self, from: data)
    }

    @discardableResult
    private func shell(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ValidationError("\(arguments.prefix(2).joined(separator: " ")) exited with \(process.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
