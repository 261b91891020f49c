// YOLOv3-tiny forward latency at 416×416 against OpenCV DNN (cv2.dnn.readNetFromDarknet)
// on the same weights and the same input blob, timed in the same run: a python3 child
// keeps the OpenCV network loaded and the two sides alternate forward by forward, so a
// busy machine slows both alike. The target is ≤ 0.8× OpenCV.
import ArgumentParser
import Foundation
import Inference
import Models

struct YOLOBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "yolo",
        abstract: "YOLOv3-tiny forward latency at 416×416 against OpenCV DNN (python3 + cv2) in the same run.")

    @Option(help: "Timed forwards per side (medians reported).") var runs = 30
    @Option(help: "A folder with a darknet .cfg, .weights and coco.names (default: the fetched YOLOv3-tiny).")
    var model: String?
    @Flag(help: "Also print each layer's median time beside OpenCV's own per-layer profile (getPerfProfile).")
    var layers = false

    func run() throws {
        let folder = try model.map { URL(fileURLWithPath: $0) } ?? DarknetAssets.yoloV3TinyDirectory()
        let detector = try YOLODetector(directory: folder)
        let (width, height) = (detector.network.inputWidth, detector.network.inputHeight)
        // A deterministic blob both sides compute identically.
        let values = (0..<(3 * width * height)).map { Float(($0 * 7919) % 1000) / 1000 }
        let input = try Tensor(shape: [1, 3, height, width], storage: values)
        let opencv = try OpenCVWorker(folder: folder, width: width, height: height)
        defer { opencv.stop() }
        for _ in 0..<3 {
            _ = try detector.network.forward(input)
            _ = try opencv.forward()
        }
        // Interleaved, so that both sides see the same load on a shared machine.
        var ours: [Double] = [], theirs: [Double] = [], layerTimes: [Int: [Double]] = [:]
        for _ in 0..<runs {
            let started = DispatchTime.now()
            _ = try detector.network.forward(input, onLayer: layers ? { layerTimes[$0, default: []].append($1) } : nil)
            ours.append(Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e6)
            // Both sides' workers spin a moment after a forward: let them settle before the other side runs.
            Thread.sleep(forTimeInterval: 0.005)
            theirs.append(try opencv.forward())
            Thread.sleep(forTimeInterval: 0.005)
        }
        if layers { try printLayers(layerTimes, opencv: opencv.layerProfile()) }
        let ratios = zip(ours, theirs).map { $0 / $1 }
        print(String(format: "labbook YOLOv3 (%@, %d×%d): median %.2f ms, min %.2f ms over %d runs",
                     folder.lastPathComponent, width, height, median(ours), ours.min() ?? 0, runs))
        print(String(format: "OpenCV DNN %@: median %.2f ms, min %.2f ms over %d runs (interleaved)",
                     opencv.version, median(theirs), theirs.min() ?? 0, runs))
        print(String(format: "ratio labbook / OpenCV: median of per-run ratios %.2f×, of medians %.2f×, of minima %.2f× (target ≤ 0.45×, issue 16)",
                     median(ratios), median(ours) / median(theirs), (ours.min() ?? 0) / (theirs.min() ?? 1)))
    }

    /// Ours and OpenCV's medians side by side; OpenCV names darknet layer i `<type>_i`, and
    /// splits a convolution into conv, bn and leaky (the last two fused, at 0 ms).
    private func printLayers(_ ours: [Int: [Double]], opencv: [(name: String, milliseconds: Double)]) throws {
        var theirs: [Int: (String, Double)] = [:]
        for (name, milliseconds) in opencv {
            guard let index = name.split(separator: "_").last.flatMap({ Int($0) }) else { continue }
            let previous = theirs[index], fused = name.hasPrefix("bn_") || name.hasPrefix("leaky_")
            theirs[index] = (previous.map { fused ? $0.0 : name } ?? name, (previous?.1 ?? 0) + milliseconds)
        }
        print("layer  labbook ms  OpenCV ms (OpenCV layer)")
        for index in ours.keys.sorted() {
            let opencvLayer = theirs[index]
            print(String(format: "%5d  %10.3f  %9.3f (%@)", index, median(ours[index] ?? []), opencvLayer?.1 ?? 0, opencvLayer?.0 ?? "-"))
        }
    }

}

/// cv2.dnn in a python3 child: one timed forward per "go" line, its per-layer profile per "profile".
private final class OpenCVWorker {
    private let worker: PythonWorker
    var version: String { worker.banner }

    static let script = """
    import sys, time, numpy as np, cv2
    net = cv2.dnn.readNetFromDarknet(sys.argv[1], sys.argv[2])
    w, h = int(sys.argv[3]), int(sys.argv[4])
    i = np.arange(3 * w * h, dtype=np.int64)
    blob = (((i * 7919) % 1000).astype(np.float32) / np.float32(1000)).reshape(1, 3, h, w)
    names = net.getUnconnectedOutLayersNames()
    print(cv2.__version__, flush=True)
    for line in sys.stdin:
        if line.startswith("profile"):
            total, times = net.getPerfProfile()
            ms = [float(t) * 1000 / cv2.getTickFrequency() for t in np.array(times).flatten()]
            print(" ".join(f"{n}={t}" for n, t in zip(net.getLayerNames(), ms)), flush=True)
            continue
        t = time.perf_counter(); net.setInput(blob); net.forward(names)
        print((time.perf_counter() - t) * 1000, flush=True)
    """

    init(folder: URL, width: Int, height: Int) throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        guard let cfg = files.first(where: { $0.hasSuffix(".cfg") }), let weights = files.first(where: { $0.hasSuffix(".weights") }) else {
            throw ValidationError("\(folder.path) has no .cfg and .weights for OpenCV")
        }
        worker = try PythonWorker(["-c", OpenCVWorker.script, folder.appendingPathComponent(cfg).path,
                                   folder.appendingPathComponent(weights).path, "\(width)", "\(height)"],
                                  hint: "is `pip install \"opencv-python-headless<5\"` done?")
    }

    /// Milliseconds of one forward.
    func forward() throws -> Double { try worker.milliseconds("go") }

    /// OpenCV's per-layer times of its last forward (getPerfProfile), in milliseconds.
    func layerProfile() throws -> [(name: String, milliseconds: Double)] {
        try worker.ask("profile").split(separator: " ").compactMap { field in
            let parts = field.split(separator: "=")
            guard parts.count == 2, let milliseconds = Double(parts[1]) else { return nil }
            return (String(parts[0]), milliseconds)
        }
    }

    func stop() { worker.stop() }
}
