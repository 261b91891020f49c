// Fuzz targets: every reader of bytes a user or a client hands labbook. Each takes any
// bytes and must return or throw, never trap, hang or grow without bound.
//
// Built two ways (see scripts/fuzz.sh):
// - plainly, `labbook-fuzz TARGET FILE...` replays inputs, and CI replays the seed corpora
//   and every saved crash in fuzz/regressions/TARGET/;
// - with `-sanitize=fuzzer,address -D FUZZING`, libFuzzer drives `LLVMFuzzerTestOneInput`
//   for the target named by LABBOOK_FUZZ_TARGET.
import AWSWire
import Formats
import Foundation
import LabRunner
import Media
import Serving

enum FuzzTarget: String, CaseIterable {
    case book, params, json, safetensors, torch, darknetCfg = "darknet-cfg", darknetWeights = "darknet-weights"
    case image, video, archive, request

    /// Runs one input; errors are the expected answer to bad bytes.
    func run(_ data: Data) {
        switch self {
        case .book: _ = try? Self.engine.load(Self.scratch(data, "book.yaml"))
        case .params:
            if let book = Self.demoBook {
                _ = try? Self.engine.parameterOverrides(assignments: [], files: [Self.scratch(data, "params.yaml")], books: [book])
            }
        case .json: _ = try? LabValue(json: data)
        case .safetensors: _ = try? SafeTensors.read(data, location: "fuzz.safetensors")
        case .torch: _ = try? TorchCheckpoint.read(data, location: "fuzz.pth")
        case .darknetCfg: _ = try? DarknetConfig(text: String(decoding: data, as: UTF8.self), file: "fuzz.cfg")
        case .darknetWeights: _ = try? DarknetWeights(data: data, location: "fuzz.weights")
        case .image: _ = try? ImageDecoder.decode(data, maxPixelCount: 4_000_000)
        case .video:
            let reader = try? VideoReader(path: Self.scratch(data, "clip.mp4").path)
            for _ in 0..<64 { guard (try? reader?.nextFrame()) != nil else { break } }
        case .archive: _ = try? ModelArtifact.entries(of: data, limit: 64 << 20)
        case .request: Self.request(data)
        }
    }

    /// "METHOD target" on the first line, headers up to a blank line, then the body:
    /// routed, decoded and signature-checked as labbook serve does.
    private static func request(_ data: Data) {
        let separator = Data("\n\n".utf8)
        let head = data.range(of: separator).map { data[..<$0.lowerBound] } ?? data
        let body = data.range(of: separator).map { Data(data[$0.upperBound...]) } ?? Data()
        let lines = String(decoding: head, as: UTF8.self).split(separator: "\n").map(String.init)
        guard let first = lines.first else { return }
        let parts = first.split(separator: " ", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return }
        let headers = lines.dropFirst().compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces))
        }
        var request = WireRequest(method: parts[0], target: parts[1], headers: headers, body: body)
        _ = try? SignatureCheck(credentials: []).verify(request, family: .json, now: Date())
        guard let routed = try? RequestRouter().route(&request, signingName: nil) else { return }
        _ = try? RequestDecoder().input(routed, request)
    }

    static let engine = LabEngine()
    static let demoBook: LabBook? = try? engine.load(scratch(Data("""
        id: fuzz
        title: Fuzz
        params: {n: {type: int, default: 1}, s: {type: string, default: a}, e: {type: enum, values: [x, y], default: x}}
        steps: [{kind: prose}]
        """.utf8), "demo.yaml"))

    /// Writes the input where a reader that takes a path can find it (one file per name).
    static func scratch(_ data: Data, _ name: String) -> URL {
        let url = folder.appendingPathComponent(name)
        try? data.write(to: url)
        return url
    }

    static let folder: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("labbook-fuzz-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()
}
