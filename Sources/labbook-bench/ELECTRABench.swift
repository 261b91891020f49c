// ELECTRA at the seed's configuration (KoELECTRA-small-v3: vocab 35000, embedding 128,
// hidden 256, 12 layers, 4 heads, intermediate 1024, 2 labels) with seeded random weights:
// the forward at one sequence length and batch 1, or with --handler the `nsmc` handler end
// to end (JSON Lines in, tokenization, forward, softmax, JSON Lines out) on a model folder
// written to a temporary directory. Prints one JSON line; bench/run-electra.sh runs it
// interleaved with bench/electra_reference.py (ONNX Runtime, PyTorch, the seed's handler).
import ArgumentParser
import Foundation
import Formats
import Inference
import Models

struct ELECTRABench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "electra",
        abstract: "Milliseconds per ELECTRA forward (or nsmc handler call) at the seed's configuration, as one JSON line.")

    @Option(help: "Tokens per sequence (forward mode).") var sequenceLength = 128
    @Option(help: "Sequences per forward (forward mode).") var batch = 1
    @Option(help: "Timed iterations after warm-up.") var iterations = 50
    @Option(help: "Untimed warm-up iterations.") var warmup = 5
    @Option(help: "Seed of the random weights.") var seed: UInt64 = 0
    @Flag(help: "Time the nsmc handler end to end instead of the bare forward.") var handler = false
    @Option(help: "Handler mode: a tokenizer folder (tokenizer.json or vocab.txt); default: a generated 35000-token Hangul vocab.")
    var vocab: String?
    @Option(help: "Handler mode: a JSON Lines request body; default: eight built-in reviews.") var body: String?
    @Flag(help: "Alternate each forward with ONNX Runtime's and PyTorch's (bench/electra_reference.py --serve) and print the ratios.")
    var interleaved = false
    @Option(help: "With --interleaved: the reference script.") var reference = "bench/electra_reference.py"
    @Option(help: "With --interleaved: milliseconds between sides, for the last side's threads to stop spinning (ONNX Runtime's and libgomp's spin after a run).")
    var pauseMs = 5.0

    /// The NSMC model's config.json as the seed has it (KoELECTRA-small-v3 fine-tuned, 2 labels).
    static let seedConfig = """
        {"model_type": "electra", "vocab_size": 35000, "embedding_size": 128, "hidden_size": 256,
         "num_hidden_layers": 12, "num_attention_heads": 4, "intermediate_size": 1024, "hidden_act": "gelu",
         "max_position_embeddings": 512, "type_vocab_size": 2, "layer_norm_eps": 1e-12, "pad_token_id": 0,
         "position_embedding_type": "absolute", "id2label": {"0": "0", "1": "1"},
         "problem_type": "single_label_classification", "architectures": ["ElectraForSequenceClassification"]}
        """

    func validate() throws {
        guard (1...512).contains(sequenceLength) else { throw ValidationError("--sequence-length must be 1...512") }
        guard (1...64).contains(batch) else { throw ValidationError("--batch must be 1...64") }
        guard iterations > 0, warmup >= 0 else { throw ValidationError("--iterations must be positive, --warmup not negative") }
    }

    func run() throws {
        let config = try ELECTRAConfig(json: Data(ELECTRABench.seedConfig.utf8), location: "seed config")
        let weights = try ELECTRABench.randomWeights(config, seed: seed)
        let threads = try DNNLMatmul.shared().threadCount
        if handler {
            try runHandler(weights: weights, threads: threads)
            return
        }
        let model = try ELECTRAForSequenceClassification(config: config, weights: WeightLoader(tensors: weights))
        var random = SplitMix64(seed: seed &+ 1)
        let ids = (0..<batch).map { _ in (0..<sequenceLength).map { _ in 5 + Int(random.next() % UInt64(config.vocabSize - 5)) } }
        let mask = [[Int]](repeating: [Int](repeating: 1, count: sequenceLength), count: batch)
        if interleaved {
            try runInterleaved(threads: threads) { _ = try model.logits(inputIDs: ids, attentionMask: mask) }
            return
        }
        let times = try measure { _ = try model.logits(inputIDs: ids, attentionMask: mask) }
        report(["bench": "electra", "seq": sequenceLength, "batch": batch, "threads": threads], times)
    }

    /// Ours, then ONNX Runtime's, then PyTorch's forward, over and over, with a pause between
    /// sides for each one's workers to settle; the ratios are medians of per-round ratios.
    private func runInterleaved(threads: Int, _ forward: () throws -> Void) throws {
        let worker = try PythonWorker([reference, "--serve", "--sequence-length", "\(sequenceLength)", "--batch", "\(batch)", "--threads", "\(threads)",
                                       "--seed", "\(seed)"], hint: "needs torch, transformers, onnx and onnxruntime")
        defer { worker.stop() }
        for _ in 0..<warmup { try forward() }
        var ours: [Double] = [], onnx: [Double] = [], torch: [Double] = []
        for _ in 0..<iterations {
            let start = DispatchTime.now().uptimeNanoseconds
            try forward()
            ours.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            Thread.sleep(forTimeInterval: pauseMs / 1000)
            onnx.append(try worker.milliseconds("onnxruntime"))
            Thread.sleep(forTimeInterval: pauseMs / 1000)
            torch.append(try worker.milliseconds("pytorch"))
            Thread.sleep(forTimeInterval: pauseMs / 1000)
        }
        func rounded(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }
        let line: [String: Any] = [
            "bench": "electra-interleaved", "seq": sequenceLength, "batch": batch, "threads": threads, "iterations": iterations,
            "reference": worker.banner,
            "labbook_median_ms": rounded(median(ours)), "onnxruntime_median_ms": rounded(median(onnx)),
            "pytorch_median_ms": rounded(median(torch)),
            "ratio_onnxruntime": rounded(median(zip(ours, onnx).map { $0 / $1 })),
            "ratio_pytorch": rounded(median(zip(ours, torch).map { $0 / $1 })),
        ]
        if let data = try? JSONSerialization.data(withJSONObject: line, options: [.sortedKeys]) { print(String(decoding: data, as: UTF8.self)) }
    }

    private func runHandler(weights: [String: Tensor], threads: Int) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("labbook-electra-bench-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let vocabFolder = folder.appendingPathComponent("vocab")
        try FileManager.default.createDirectory(at: vocabFolder, withIntermediateDirectories: true)
        try Data(ELECTRABench.seedConfig.utf8).write(to: folder.appendingPathComponent("config.json"))
        try SafeTensors.write(weights, to: folder.appendingPathComponent("model.safetensors"), metadata: ["format": "pt"])
        if let vocab {
            for name in ["tokenizer.json", "vocab.txt", "tokenizer_config.json", "special_tokens_map.json"] {
                let source = URL(fileURLWithPath: vocab).appendingPathComponent(name)
                if FileManager.default.fileExists(atPath: source.path) {
                    try FileManager.default.copyItem(at: source, to: vocabFolder.appendingPathComponent(name))
                }
            }
        } else {
            try ELECTRABench.hangulVocabulary().joined(separator: "\n").appending("\n")
                .write(to: vocabFolder.appendingPathComponent("vocab.txt"), atomically: true, encoding: .utf8)
            try #"{"do_lower_case": false, "tokenize_chinese_chars": true, "strip_accents": null}"#
                .write(to: vocabFolder.appendingPathComponent("tokenizer_config.json"), atomically: true, encoding: .utf8)
        }
        let request = try body.map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
            ?? Data(ELECTRABench.reviews.map { #"{"text": ["\#($0)"]}"# }.joined(separator: "\n").utf8)
        let nsmc = try NSMCHandler(directory: folder)
        let lines = String(decoding: request, as: UTF8.self).split(separator: "\n").count
        let times = try measure {
            _ = try nsmc.invoke(body: request, contentType: "application/jsonlines", accept: "application/jsonlines")
        }
        report(["bench": "electra-handler", "lines": lines, "threads": threads], times)
    }

    /// Runs `body` `warmup` times untimed, then `iterations` times; milliseconds, sorted.
    private func measure(_ body: () throws -> Void) throws -> [Double] {
        for _ in 0..<warmup { try body() }
        var times: [Double] = []
        for _ in 0..<iterations {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        return times.sorted()
    }

    private func report(_ fields: [String: Any], _ sorted: [Double]) {
        func percentile(_ p: Double) -> Double { sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))] }
        let median = sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        var line = fields
        line["median_ms"] = (median * 1000).rounded() / 1000
        line["p90_ms"] = (percentile(0.9) * 1000).rounded() / 1000
        line["iterations"] = sorted.count
        if let data = try? JSONSerialization.data(withJSONObject: line, options: [.sortedKeys]) {
            print(String(decoding: data, as: UTF8.self))
        }
    }
}

extension ELECTRABench {
    /// Every weight of ElectraForSequenceClassification, initialized as transformers'
    /// `_init_weights` does: normal(0, 0.02) for matrices and embeddings, zero biases,
    /// LayerNorm weight 1 and bias 0.
    static func randomWeights(_ config: ELECTRAConfig, seed: UInt64) throws -> [String: Tensor] {
        var random = SplitMix64(seed: seed)
        var weights: [String: Tensor] = [:]
        func normal(_ name: String, _ shape: [Int]) throws {
            let values = (0..<shape.reduce(1, *)).map { _ in 0.02 * random.nextGaussian() }
            weights[name] = try Tensor(shape: shape, storage: values)
        }
        func linear(_ name: String, inputs: Int, outputs: Int) throws {
            try normal("\(name).weight", [outputs, inputs])
            weights["\(name).bias"] = Tensor(zeros: [outputs])
        }
        func layerNorm(_ name: String, width: Int) throws {
            weights["\(name).weight"] = try Tensor(shape: [width], storage: [Float](repeating: 1, count: width))
            weights["\(name).bias"] = Tensor(zeros: [width])
        }
        let (e, h) = (config.embeddingSize, config.hiddenSize)
        try normal("electra.embeddings.word_embeddings.weight", [config.vocabSize, e])
        try normal("electra.embeddings.position_embeddings.weight", [config.maxPositionEmbeddings, e])
        try normal("electra.embeddings.token_type_embeddings.weight", [config.typeVocabSize, e])
        try layerNorm("electra.embeddings.LayerNorm", width: e)
        if e != h { try linear("electra.embeddings_project", inputs: e, outputs: h) }
        for index in 0..<config.hiddenLayers {
            let layer = "electra.encoder.layer.\(index)"
            for part in ["query", "key", "value"] { try linear("\(layer).attention.self.\(part)", inputs: h, outputs: h) }
            try linear("\(layer).attention.output.dense", inputs: h, outputs: h)
            try layerNorm("\(layer).attention.output.LayerNorm", width: h)
            try linear("\(layer).intermediate.dense", inputs: h, outputs: config.intermediateSize)
            try linear("\(layer).output.dense", inputs: config.intermediateSize, outputs: h)
            try layerNorm("\(layer).output.LayerNorm", width: h)
        }
        try linear("classifier.dense", inputs: h, outputs: h)
        try linear("classifier.out_proj", inputs: h, outputs: config.labelCount)
        return weights
    }

    /// A 35000-token WordPiece vocabulary with every Hangul syllable as a word start and a
    /// `##` continuation (so Korean text tokenizes into real pieces), ASCII, then fillers.
    static func hangulVocabulary(size: Int = 35_000) -> [String] {
        var tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
        let ascii = (0x21...0x7E).compactMap { Unicode.Scalar($0).map { String(Character($0)) } }
        let hangul = (0xAC00...0xD7A3).compactMap { Unicode.Scalar($0).map { String(Character($0)) } }
        for piece in ascii + hangul { tokens += [piece, "##" + piece] }
        tokens += (tokens.count..<max(size, tokens.count)).map { "[unused\($0)]" }
        return tokens
    }

    /// Movie reviews written for this benchmark, short to long (the last is truncated at 128 tokens).
    static let reviews = [
        "정말 재밌어요! 또 보고 싶네요",
        "시간 낭비였다. 스토리가 너무 뻔함",
        "배우들 연기는 좋았는데 결말이 아쉬웠어요 ㅠㅠ",
        "별로... 2시간 동안 졸았습니다",
        "OST가 너무 좋아서 극장 나오자마자 음원 찾아 들었어요 👍",
        "기대 안 하고 봤는데 생각보다 훨씬 괜찮았다. 가족이랑 보기 좋은 영화, 추천합니다",
        "감독의 전작을 좋아했기에 기대가 컸지만, 이번 작품은 인물들의 동기가 설명되지 않고 중반 이후로 전개가 급하게 흘러가서 몰입하기 어려웠다. 그래도 촬영과 음악은 훌륭했다",
        String(repeating: "처음부터 끝까지 긴장감이 넘치고 배우들의 호흡이 좋았으며 마지막 장면에서는 눈물이 났습니다. ", count: 6),
    ]
}

/// SplitMix64 (Steele, Lea and Flood 2014): a small seeded generator, so runs are repeatable.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A standard normal sample (Box–Muller).
    mutating func nextGaussian() -> Float {
        let u1 = max(Double(next() >> 11) / Double(1 << 53), .leastNonzeroMagnitude)
        let u2 = Double(next() >> 11) / Double(1 << 53)
        return Float((-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2))
    }
}
