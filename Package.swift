// swift-tools-version:6.0
import PackageDescription

// Rooms, arrows pointing down only:
//   labbook     -> LabRunner, Media (`labbook frames`), CloudServer (`labbook serve`), Formats (file errors in words)
//   labbook-fuzz -> LabRunner, Formats, Media, Serving, AWSWire: the fuzz targets (scripts/fuzz.sh)
//   CloudServer -> Cloud, AWSWire (Hummingbird 2: the HTTP server)
//   LabRunner   -> Cloud, Models, Media, AWSWire (WireClient: `--endpoint-url`, and labbook serve's
//                  `/_labbook/` API for the steps no AWS API answers), Formats (line:column of bad text)
//   Cloud       -> Serving (the handler contract: handlers are found by name), AWSShapes
//   AWSWire     -> AWSShapes: the protocols (rest-xml, rest-json, json, query, rpc-v2-cbor)
//                  and SigV4, with no HTTP server of its own
//   AWSShapes: botocore's service models, generated; boto3-shaped values; validation; JSON text and trees
//   Models    -> Serving, Formats -> Inference; Models -> Media (frames, images)
//   Media: images, video, drawing, charts
// System libraries (C, from Debian packages) sit under the rooms that use them:
// CDNNL under Inference; CZlib under Formats, Serving and AWSWire; CCBOR (libcbor) under AWSWire;
// CCMarkGFM (cmark-gfm: the HTML handout) under LabRunner; CCairo, CPNG, CJPEG and
// CFFmpeg (libavformat, libavcodec, libswscale, libavutil: video decoding) under Media.
// A model never imports Cloud; Cloud never imports a model.

// Optimized in debug builds too: per-pixel and per-value loops (kernels, video frames,
// Mask R-CNN's box and mask post-processing, digests of tens of MB) run tens of times
// slower unoptimized, which made the parity tests and lab books the slowest part of CI.
let optimizedInDebug: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "labbook",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "labbook", targets: ["labbook"]),
        .executable(name: "labbook-bench", targets: ["labbook-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
    ],
    targets: [
        .systemLibrary(name: "CDNNL", path: "Sources/CDNNL", providers: [.apt(["libdnnl-dev"])]),
        .systemLibrary(name: "CCairo", path: "Sources/CCairo", pkgConfig: "cairo-ft",
                       providers: [.apt(["libcairo2-dev"])]),
        .systemLibrary(name: "CPNG", path: "Sources/CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CJPEG", path: "Sources/CJPEG", providers: [.apt(["libjpeg62-turbo-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CCBOR", path: "Sources/CCBOR", providers: [.apt(["libcbor-dev"])]),
        .systemLibrary(name: "CCMarkGFM", path: "Sources/CCMarkGFM", providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]),
        .systemLibrary(name: "CFFmpeg", path: "Sources/CFFmpeg", pkgConfig: "libavformat",
                       providers: [.apt(["libavformat-dev", "libavcodec-dev", "libswscale-dev", "libavutil-dev"])]),

        .target(name: "Inference", dependencies: ["CDNNL"], swiftSettings: optimizedInDebug),
        .target(name: "Formats", dependencies: ["Inference", "CZlib"]),
        .target(name: "CMediaShims", dependencies: ["CPNG", "CJPEG"],
                linkerSettings: [.linkedLibrary("png16"), .linkedLibrary("jpeg")]),
        .target(name: "Media", dependencies: ["CCairo", "CPNG", "CJPEG", "CMediaShims", "CFFmpeg"], swiftSettings: optimizedInDebug + [.swiftLanguageMode(.v6)]),
        .target(name: "Models", dependencies: ["Inference", "Formats", "Serving", "Media"], swiftSettings: optimizedInDebug + [.swiftLanguageMode(.v6)]),
        .target(name: "Serving", dependencies: ["CZlib"], swiftSettings: optimizedInDebug),
        // Generated from botocore's service models by scripts/generate_aws_shapes.py.
        .target(name: "AWSShapes", swiftSettings: [.swiftLanguageMode(.v6)]),
        .target(name: "Cloud", dependencies: ["Serving", "AWSShapes", .product(name: "Logging", package: "swift-log")]),
        .target(name: "AWSWire", dependencies: [
            "AWSShapes", "CCBOR", "CZlib", .product(name: "Crypto", package: "swift-crypto"),
        ], swiftSettings: [.swiftLanguageMode(.v6)]),
        .target(name: "CloudServer", dependencies: [
            "Cloud", "AWSWire", .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: [.swiftLanguageMode(.v6)]),
        .target(name: "LabRunner", dependencies: [
            "Cloud", "AWSShapes", "Serving", "Models", "Media", "AWSWire", "Formats", "CCMarkGFM",
            .product(name: "Yams", package: "Yams"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "labbook-bench", dependencies: [
            "Cloud", "CloudServer", "AWSWire", "AWSShapes", "Serving", "Models", "Media", "Inference", "Formats", "CDNNL",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Every reader of untrusted bytes as a fuzz target: replays files when built plainly,
        // libFuzzer's entry point when built by scripts/fuzz.sh (-sanitize=fuzzer -D FUZZING).
        .executableTarget(name: "labbook-fuzz", dependencies: ["LabRunner", "Formats", "Media", "Serving", "AWSWire"],
                          swiftSettings: [.swiftLanguageMode(.v6)]),
        .executableTarget(name: "labbook", dependencies: [
            "LabRunner", "Serving", "Media", "Cloud", "CloudServer", "AWSWire", "Inference", "Formats",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .testTarget(name: "InferenceTests", dependencies: ["Inference"]),
        .testTarget(name: "FormatsTests", dependencies: ["Formats"]),
        // Models only for DarknetAssets, which fetches the sample clips the video parity tests read.
        .testTarget(name: "MediaTests", dependencies: ["Media", "Models"], resources: [.copy("Goldens")]),
        .testTarget(name: "ModelsTests", dependencies: ["Models"]),
        .testTarget(name: "ServingTests", dependencies: ["Serving"]),
        .testTarget(name: "CloudTests", dependencies: ["Cloud"]),
        .testTarget(name: "AWSShapesTests", dependencies: ["AWSShapes"]),
        .testTarget(name: "AWSWireTests", dependencies: ["AWSWire", "AWSShapes"]),
        .testTarget(name: "CloudServerTests", dependencies: ["CloudServer", "Cloud", "AWSWire", "AWSShapes", "Serving"]),
        .testTarget(name: "LabRunnerTests", dependencies: ["LabRunner"], exclude: ["Notebooks"], resources: [.copy("BrokenBooks")]),
    ],
    swiftLanguageModes: [.v5]
)
