// Mask R-CNN R50-FPN per-frame latency at the seed's 256×256 frames against torchvision
// in the same run: a python3 child builds `maskrcnn_resnet50_fpn` with the formula weights of
// fixtures/make_maskrcnn_goldens.py (so both sides detect the same instances and run the
// mask head), saves them for labbook to load, and the two sides alternate frame by frame.
// The frame is bikes.mp4's frame 0 as the handler prepares it. The target is ≤ 0.8×
// torchvision. Then the peak memory (max RSS) of a 30-frame request through the handler.
import ArgumentParser
import Foundation
import Media
import Models

struct MaskRCNNBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "maskrcnn",
        abstract: "Mask R-CNN R50-FPN per-frame latency at 256×256 against torchvision (python3 + torch) in the same run.")

    @Option(help: "Timed frames per side (medians reported).") var runs = 5
    @Option(help: "Threads for torch (labbook uses every core).") var threads = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Frames in the request whose peak memory is measured.") var frames = 30

    func run() throws {
        let root = try TinyModels.repositoryRoot().orThrow("run from the labbook checkout (fixtures/ is needed)")
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("labbook-bench-maskrcnn")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        let frame = try firstFrame()
        let framePNG = work.appendingPathComponent("frame.png")
        try PNGEncoder.encode(frame).write(to: framePNG)
        let torch = try TorchvisionWorker(fixtures: root.appendingPathComponent("fixtures"), work: work, frame: framePNG, threads: threads)
        defer { torch.stop() }
        let model = try MaskRCNN(directory: work)
        let detections = try model.detect(rgb: frame.pixels, height: frame.height, width: frame.width)
        print("labbook: \(detections.count) detections on bikes.mp4 frame 0; torchvision: \(torch.banner)")
        _ = try torch.forward()
        var ours: [Double] = [], theirs: [Double] = []
        for _ in 0..<runs {
            let started = DispatchTime.now()
            _ = try model.detect(rgb: frame.pixels, height: frame.height, width: frame.width)
            ours.append(Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e6)
            Thread.sleep(forTimeInterval: 0.005)
            theirs.append(try torch.forward())
            Thread.sleep(forTimeInterval: 0.005)
        }
        let ratios = zip(ours, theirs).map { $0 / $1 }
        print(String(format: "labbook Mask R-CNN R50-FPN, 256×256 frame (800×800 inside): median %.0f ms, min %.0f, max %.0f over %d runs",
                     median(ours), ours.min() ?? 0, ours.max() ?? 0, runs))
        print(String(format: "torchvision (%d threads): median %.0f ms, min %.0f, max %.0f over %d runs (interleaved)",
                     threads, median(theirs), theirs.min() ?? 0, theirs.max() ?? 0, runs))
        print(String(format: "ratio labbook / torchvision: median of per-run ratios %.2f×, min %.2f×, max %.2f× (target ≤ 0.80×)",
                     median(ratios), ratios.min() ?? 0, ratios.max() ?? 0))
        try measureRequest(MaskRCNNHandler(model: model), frame: frame)
    }

    /// A `frames`-frame request through the handler's per-frame path (the reply grows, one
    /// frame's masks at a time), and the process's peak resident memory after it.
    private func measureRequest(_ handler: MaskRCNNHandler, frame: RGBImage) throws {
        var reply = Data("[".utf8)
        let started = DispatchTime.now()
        for index in 0..<frames { try handler.appendPrediction(for: frame, index: index, to: &reply) }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        print(String(format: "a %d-frame request: %.1f s, reply %.1f MB, peak memory (max RSS of this process) %.0f MB",
                     frames, seconds, Double(reply.count) / 1e6, Double(usage.ru_maxrss) / 1024))
    }

    /// bikes.mp4's frame 0 as the handler sees it (RGB, 256×256, INTER_AREA).
    private func firstFrame() throws -> RGBImage {
        let reader = try VideoReader(path: try DarknetAssets.video("bikes.mp4").path)
        let selection = try FrameSelection(every: MaskRCNNHandler.frameInterval, width: 256, height: 256)
        guard let frame = try reader.nextFrame(selection) else { throw ValidationError("bikes.mp4 has no frames") }
        return frame.image
    }
}

/// torchvision's maskrcnn_resnet50_fpn in a python3 child: one timed forward per "go".
private final class TorchvisionWorker {
    private let worker: PythonWorker
    var banner: String { worker.banner }

    static let script = """
    import sys, time, torch, torchvision, cv2
    sys.path.insert(0, sys.argv[1])
    import make_maskrcnn_goldens as g
    torch.set_num_threads(int(sys.argv[4]))
    model = g.full_model().eval()
    state, crc, count, per = g.full_weights(model)
    torch.save(model.state_dict(), sys.argv[2] + "/model.pth")
    image = cv2.cvtColor(cv2.imread(sys.argv[3]), cv2.COLOR_BGR2RGB)
    x = torchvision.transforms.functional.to_tensor(image)
    with torch.no_grad():
        n = len(model([x])[0]["scores"])
    print(f"torch {torch.__version__}, torchvision {torchvision.__version__}, {n} detections", flush=True)
    for line in sys.stdin:
        t = time.perf_counter()
        with torch.no_grad():
            model([x])
        print((time.perf_counter() - t) * 1000, flush=True)
    """

    init(fixtures: URL, work: URL, frame: URL, threads: Int) throws {
        worker = try PythonWorker(["-c", TorchvisionWorker.script, fixtures.path, work.path, frame.path, "\(threads)"],
                                  hint: "is `pip install torch torchvision opencv-python-headless` done?")
    }

    func forward() throws -> Double { try worker.milliseconds("go") }
    func stop() { worker.stop() }
}

extension Optional {
    func orThrow(_ message: String) throws -> Wrapped {
        guard let self else { throw ValidationError(message) }
        return self
    }
}
