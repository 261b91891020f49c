// Loading darknet networks: mismatched or malformed files fail with the layer named.
import Foundation
import Formats
import Inference
import XCTest
@testable import Models

final class YOLOLoadingTests: XCTestCase {
    private func miniFiles() throws -> (cfg: String, weights: Data) {
        let folder = try TinyModels.fixture("models/yolo-mini")
        return (try String(contentsOf: folder.appendingPathComponent("yolo-mini.cfg"), encoding: .utf8),
                try Data(contentsOf: folder.appendingPathComponent("yolo-mini.weights")))
    }

    func testMiniNetworkLoadsWithEveryLayerType() throws {
        let (cfg, weights) = try miniFiles()
        let network = try YOLOv3(config: try DarknetConfig(text: cfg, file: "yolo-mini.cfg"),
                                 weights: try DarknetWeights(data: weights, location: "yolo-mini.weights"))
        XCTAssertEqual(network.classCount, 3)
        XCTAssertEqual([network.inputWidth, network.inputHeight], [64, 64])
        let kinds = Set(network.layers.map { layer -> String in
            switch layer {
            case .convolutional: "convolutional"
            case .maxpool: "maxpool"
            case .upsample: "upsample"
            case .route: "route"
            case .shortcut: "shortcut"
            case .yolo: "yolo"
            }
        })
        XCTAssertEqual(kinds, ["convolutional", "maxpool", "upsample", "route", "shortcut", "yolo"])
    }

    func testAnInputSizeOverTheMemoryBudgetIsRefusedBeforeAllocating() throws {
        let (cfg, weights) = try miniFiles()
        let network = try YOLOv3(config: try DarknetConfig(text: cfg, file: "yolo-mini.cfg"),
                                 weights: try DarknetWeights(data: weights, location: "yolo-mini.weights"))
        XCTAssertGreaterThan(network.peakBytes(), 3 * 64 * 64 * 4, "at least the input")
        XCTAssertLessThan(network.peakBytes(), 8 << 20)
        // The same layers at 8192×8192: width and height are in range, the maps are not.
        let huge = cfg.replacingOccurrences(of: "width=64", with: "width=8192").replacingOccurrences(of: "height=64", with: "height=8192")
        XCTAssertNotEqual(huge, cfg)
        XCTAssertThrowsError(try YOLOv3(config: try DarknetConfig(text: huge, file: "huge.cfg"),
                                        weights: try DarknetWeights(data: weights, location: "yolo-mini.weights"))) { error in
            guard case let .overBudget(what, needed, budget)? = error as? InferenceError else { return XCTFail("\(error)") }
            XCTAssertTrue(what.contains("8192×8192") && what.contains("huge.cfg"), what)
            XCTAssertGreaterThan(needed, budget)
            XCTAssertTrue("\(error)".contains("--max-memory"), "\(error)")
        }
        XCTAssertEqual(MemoryBudget.parse("4G"), 4 << 30)
        XCTAssertEqual(MemoryBudget.parse("512m"), 512 << 20)
        XCTAssertNil(MemoryBudget.parse("lots"))
    }

    func testTruncatedWeightsNameTheLayer() throws {
        let (cfg, weights) = try miniFiles()
        XCTAssertThrowsError(try YOLOv3(config: try DarknetConfig(text: cfg, file: "yolo-mini.cfg"),
                                        weights: try DarknetWeights(data: weights.prefix(20 + 4 * 1000), location: "short.weights"))) { error in
            XCTAssertTrue("\(error)".contains("short.weights") && "\(error)".contains("[convolutional]"), "\(error)")
        }
        XCTAssertThrowsError(try YOLOv3(config: try DarknetConfig(text: cfg, file: "yolo-mini.cfg"),
                                        weights: try DarknetWeights(data: weights + Data(count: 8), location: "long.weights"))) { error in
            XCTAssertTrue("\(error)".contains("left over"), "\(error)")
        }
    }

    func testUnsupportedAndBrokenLayersAreRefused() throws {
        let (cfg, weights) = try miniFiles()
        let cases = [
            (cfg.replacingOccurrences(of: "[upsample]", with: "[reorg]"), "[reorg] is not implemented"),
            (cfg.replacingOccurrences(of: "layers = -1, 6", with: "layers = -1, 40"), "refers to layer 40"),
            (cfg.replacingOccurrences(of: "mask = 6,7,8", with: "mask = 6,7,9"), "mask 9"),
            (cfg.replacingOccurrences(of: "activation=leaky", with: "activation=mish"), "activation=mish"),
            // Windows start padding/2 before the map: this much padding leaves one outside it.
            (cfg.replacingOccurrences(of: "[maxpool]\nsize=2\nstride=2\n", with: "[maxpool]\nsize=1\nstride=1\npadding=4\n"),
             "padding 4 leaves windows of size 1 outside the map"),
            (cfg.replacingOccurrences(of: "[maxpool]\nsize=2\nstride=2\n", with: "[maxpool]\nsize=-9223372036854775808\n"),
             "size and stride must be 1...1024"),
            // Issue 15: nonsense that used to be accepted.
            (cfg.replacingOccurrences(of: "[upsample]\nstride=2", with: "[upsample]\nstride=0"), "stride"),
            (cfg.replacingOccurrences(of: "[upsample]\nstride=2", with: "[upsample]\nstride=-1"), "stride"),
            (cfg.replacingOccurrences(of: "[upsample]\nstride=2", with: "[upsample]\nstride=100"), "stride"),
            (cfg.replacingOccurrences(of: "num=9", with: "num=-1"), "[yolo] num=-1, but anchors gives 9"),
            (cfg.replacingOccurrences(of: "anchors = 4,5", with: "anchors = nan,5"), "[yolo] anchors: value 1 is nan"),
            (cfg.replacingOccurrences(of: "anchors = 4,5", with: "anchors = -4,5"), "[yolo] anchors: value 1 is -4.0"),
        ]
        for (text, message) in cases {
            XCTAssertThrowsError(try YOLOv3(config: try DarknetConfig(text: text, file: "bad.cfg"),
                                            weights: try DarknetWeights(data: weights, location: "w"))) { error in
                XCTAssertTrue("\(error)".contains(message), "expected '\(message)' in: \(error)")
            }
        }
    }

    /// Any input size either runs or is a typed error (a route joining maps of different
    /// sizes, a map too small for a window): never a trap. Every size with sides divisible
    /// by the network's stride (16 here) runs.
    func testEveryInputSizeRunsOrThrows() throws {
        let (cfg, weights) = try miniFiles()
        let network = try YOLOv3(config: try DarknetConfig(text: cfg, file: "yolo-mini.cfg"),
                                 weights: try DarknetWeights(data: weights, location: "yolo-mini.weights"))
        for (height, width) in [(1, 1), (2, 3), (7, 5), (16, 16), (17, 33), (32, 48), (64, 64), (1, 64), (96, 16)] {
            let input = try Tensor(shape: [1, 3, height, width], storage: (0..<(3 * height * width)).map { Float($0 % 11) / 11 })
            do {
                let outputs = try network.forward(input)
                XCTAssertEqual(outputs.count, 3, "\(height)×\(width)")
                XCTAssertTrue(outputs.allSatisfy { $0.storage.allSatisfy(\.isFinite) }, "\(height)×\(width)")
            } catch let error as InferenceError {
                XCTAssertTrue(height % 16 != 0 || width % 16 != 0, "\(height)×\(width): \(error)")
            }
        }
        XCTAssertThrowsError(try network.forward(try Tensor(shape: [1, 4, 8, 8], storage: [Float](repeating: 0, count: 256))))
    }

    /// A Lambda or endpoint may run one network from several threads at once: each layer's
    /// primitives and Winograd buffers serve one image at a time, and pooled maps are never
    /// shared, so every concurrent forward equals the sequential one.
    func testConcurrentForwardsEqualTheSequentialOne() throws {
        let (cfg, weights) = try miniFiles()
        let network = try YOLOv3(config: try DarknetConfig(text: cfg, file: "yolo-mini.cfg"),
                                 weights: try DarknetWeights(data: weights, location: "yolo-mini.weights"))
        let inputs = try (0..<4).map { seed in
            try Tensor(shape: [1, 3, 64, 64], storage: (0..<(3 * 64 * 64)).map { Float(($0 * 7919 + seed * 104_729) % 1000) / 1000 })
        }
        let expected = try inputs.map { try network.forward($0) }
        let results = ConcurrentResults(count: 8)
        DispatchQueue.concurrentPerform(iterations: 8) { i in results.store(i, Result { try network.forward(inputs[i % 4]) }) }
        for i in 0..<8 { XCTAssertEqual(try results.value(i).get(), expected[i % 4], "run \(i)") }
    }

    func testNonMaximumSuppressionFollowsOpenCV() {
        // Equal scores keep input order; a box overlapping a kept one by IoU > 0.3 is dropped.
        let boxes = [(x: 0, y: 0, width: 10, height: 10), (x: 1, y: 1, width: 10, height: 10),
                     (x: 50, y: 50, width: 5, height: 5), (x: 0, y: 0, width: 10, height: 10)]
        XCTAssertEqual(nonMaximumSuppression(boxes: boxes, scores: [0.6, 0.9, 0.6, 0.2], scoreThreshold: 0.5, nmsThreshold: 0.3), [1, 2])
        XCTAssertEqual(intersectionOverUnion(boxes[0], boxes[0]), 1)
        XCTAssertEqual(intersectionOverUnion(boxes[0], boxes[2]), 0)
    }
}

/// Results written from concurrent iterations.
private final class ConcurrentResults: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Result<[Tensor], Error>?]
    init(count: Int) { results = Array(repeating: nil, count: count) }
    func store(_ index: Int, _ result: Result<[Tensor], Error>) { lock.lock(); results[index] = result; lock.unlock() }
    func value(_ index: Int) -> Result<[Tensor], Error> {
        lock.lock(); defer { lock.unlock() }
        return results[index] ?? .failure(InferenceError.indexOutOfRange(op: "results", index: index, bound: results.count))
    }
}
