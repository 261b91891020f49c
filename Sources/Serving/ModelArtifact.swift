// SageMaker's model artifact: a `model.tar.gz` with the weights at its root and the
// inference code under `code/`. Packing is deterministic (entries sorted by path,
// fixed mtime, owner root, modes 0755/0644), so the same directory always yields the
// same bytes and the same S3 ETag. Unpacking checks the whole archive before it
// writes anything, and refuses entries that would land outside the destination.
import Foundation

public enum ModelArtifactError: Error, Sendable, Equatable, CustomStringConvertible {
    case notADirectory(String)
    case unreadable(path: String, reason: String)
    case unsupportedFile(path: String)
    case cannotArchive(String)
    case corrupt(String)
    case escapingEntry(path: String, reason: String)
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .notADirectory(let path): return "model artifact: \(path) is not a directory"
        case let .unreadable(path, reason): return "model artifact: cannot read \(path): \(reason)"
        case .unsupportedFile(let path): return "model artifact: \(path) is neither a file, a directory nor a symbolic link"
        case .cannotArchive(let reason): return "model artifact cannot be packed: \(reason)"
        case .corrupt(let reason): return "model artifact is corrupt: \(reason)"
        case let .escapingEntry(path, reason): return "model artifact entry '\(path)' is refused: \(reason)"
        case let .writeFailed(path, reason): return "model artifact: cannot write \(path): \(reason)"
        }
    }
}

public enum ModelArtifact {
    /// The usual name of the archive in S3.
    public static let fileName = "model.tar.gz"
    /// The most an archive may inflate to. Unpacking holds the inflated tar and a copy of
    /// each entry in memory at once (about twice this), on a machine that five builders
    /// share; the labs' largest artifact (KoBART's weights) is about 0.5 GiB. 1 GiB leaves
    /// room for it and stops a gzip bomb after ~2 GiB of memory instead of Gzip's 8 GiB default.
    public static let maxUnpackedSize = 1 << 30

    /// Packs everything under `directory` (not the directory itself) into gzip'd ustar bytes.
    public static func pack(directory: URL) throws -> Data {
        let entries = try collectEntries(under: directory)
        do {
            return try Gzip.compress(TarArchive.archive(entries))
        } catch let error as TarError {
            throw ModelArtifactError.cannotArchive(error.description)
        }
    }

    /// The entries of a `model.tar.gz`, as stored; throws `.corrupt` for bad or truncated
    /// archives and for ones that inflate past `limit` bytes.
    public static func entries(of archive: Data, limit: Int = maxUnpackedSize) throws -> [TarEntry] {
        do {
            return try TarArchive.entries(in: Gzip.decompress(archive, limit: limit))
        } catch let error as Gzip.Error {
            throw ModelArtifactError.corrupt(error.description)
        } catch let error as TarError {
            throw ModelArtifactError.corrupt(error.description)
        }
    }

    /// Unpacks into `destination` (created if missing); returns the relative paths written.
    /// Nothing is written unless every entry is well formed and stays inside `destination`,
    /// and, when `allowingLinks` is false, none is a symbolic link (an archive from a client
    /// the unpacker does not trust, whose links it has no reason to keep).
    @discardableResult
    public static func unpack(_ archive: Data, into destination: URL, limit: Int = maxUnpackedSize,
                              allowingLinks: Bool = true) throws -> [String] {
        let entries = try entries(of: archive, limit: limit)
        if !allowingLinks, let link = entries.first(where: { if case .symbolicLink = $0.kind { true } else { false } }) {
            throw ModelArtifactError.escapingEntry(path: link.path, reason: "symbolic links are not accepted here")
        }
        let planned = try entries.compactMap { try plannedPath(for: $0) }
        let root = destination.standardizedFileURL
        do {
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        } catch {
            throw ModelArtifactError.writeFailed(path: root.path, reason: "\(error)")
        }
        for (entry, path) in planned {
            try write(entry, at: path, under: root)
        }
        return planned.map(\.1)
    }

    // MARK: Packing

    private static func collectEntries(under directory: URL) throws -> [TarEntry] {
        let root = directory.standardizedFileURL
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ModelArtifactError.notADirectory(root.path)
        }
        let files = FileManager.default
        guard let enumerator = files.enumerator(atPath: root.path) else { throw ModelArtifactError.notADirectory(root.path) }
        let paths = (enumerator.allObjects as? [String] ?? []).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        return try paths.map { path in
            let url = root.appendingPathComponent(path)
            let attributes: [FileAttributeKey: Any]
            do { attributes = try files.attributesOfItem(atPath: url.path) } catch {
                throw ModelArtifactError.unreadable(path: url.path, reason: "\(error)")
            }
            let permissions = (attributes[.posixPermissions] as? Int) ?? 0o644
            let executable = permissions & 0o100 != 0
            switch attributes[.type] as? FileAttributeType {
            case .typeDirectory?:
                return TarEntry(path: path, kind: .directory, mode: 0o755)
            case .typeRegular?:
                do {
                    let contents = try Data(contentsOf: url, options: .alwaysMapped)
                    return TarEntry(path: path, kind: .file, mode: executable ? 0o755 : 0o644, contents: contents)
                } catch {
                    throw ModelArtifactError.unreadable(path: url.path, reason: "\(error)")
                }
            case .typeSymbolicLink?:
                let target = (try? files.destinationOfSymbolicLink(atPath: url.path)) ?? ""
                let entry = TarEntry(path: path, kind: .symbolicLink(target: target), mode: 0o777)
                _ = try plannedPath(for: entry)  // never pack what unpack would refuse
                return entry
            default:
                throw ModelArtifactError.unsupportedFile(path: url.path)
            }
        }
    }

    // MARK: Unpacking

    /// The entry's normalized relative path, or nil for the archive root ("./").
    private static func plannedPath(for entry: TarEntry) throws -> (TarEntry, String)? {
        guard let path = try normalized(entry.path, entry: entry.path) else { return nil }
        if case .symbolicLink(let target) = entry.kind {
            guard !target.isEmpty, !target.hasPrefix("/") else {
                throw ModelArtifactError.escapingEntry(path: entry.path, reason: "symbolic link to absolute path '\(target)'")
            }
            let parent = path.split(separator: "/").dropLast().joined(separator: "/")
            let resolved = parent.isEmpty ? target : parent + "/" + target
            guard resolvesInside(resolved) else {
                throw ModelArtifactError.escapingEntry(path: entry.path, reason: "symbolic link to '\(target)' points outside the archive")
            }
        }
        return (entry, path)
    }

    /// Drops "." segments and empty segments; refuses absolute paths, "..", and NUL.
    private static func normalized(_ path: String, entry: String) throws -> String? {
        guard !path.hasPrefix("/") else { throw ModelArtifactError.escapingEntry(path: entry, reason: "absolute path") }
        guard !path.utf8.contains(0) else { throw ModelArtifactError.escapingEntry(path: entry, reason: "NUL in path") }
        let segments = path.split(separator: "/").filter { $0 != "." }
        guard !segments.contains("..") else { throw ModelArtifactError.escapingEntry(path: entry, reason: "'..' in path") }
        return segments.isEmpty ? nil : segments.joined(separator: "/")
    }

    /// Whether a relative path stays at or below the root when ".." is resolved lexically.
    private static func resolvesInside(_ path: String) -> Bool {
        var depth = 0
        for segment in path.split(separator: "/") where segment != "." {
            depth += segment == ".." ? -1 : 1
            if depth < 0 { return false }
        }
        return true
    }

    private static func write(_ entry: TarEntry, at path: String, under root: URL) throws {
        let files = FileManager.default
        let url = root.appendingPathComponent(path)
        // A link unpacked earlier must not carry a later entry outside the destination.
        let parent = url.deletingLastPathComponent().resolvingSymlinksInPath().path
        let rootPath = root.resolvingSymlinksInPath().path
        guard parent == rootPath || parent.hasPrefix(rootPath + "/") else {
            throw ModelArtifactError.escapingEntry(path: entry.path, reason: "its parent resolves to \(parent), outside \(rootPath)")
        }
        do {
            switch entry.kind {
            case .directory:
                try files.createDirectory(at: url, withIntermediateDirectories: true)
            case .file:
                try files.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                if (try? files.attributesOfItem(atPath: url.path)) != nil { try files.removeItem(at: url) }
                try entry.contents.write(to: url)
                try files.setAttributes([.posixPermissions: entry.mode & 0o755 | 0o600], ofItemAtPath: url.path)
            case .symbolicLink(let target):
                try files.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                if (try? files.attributesOfItem(atPath: url.path)) != nil { try files.removeItem(at: url) }
                try files.createSymbolicLink(atPath: url.path, withDestinationPath: target)
            }
        } catch let error as ModelArtifactError {
            throw error
        } catch {
            throw ModelArtifactError.writeFailed(path: url.path, reason: "\(error)")
        }
    }
}
