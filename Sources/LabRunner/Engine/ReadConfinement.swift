// Where a book may read files from: its own folder, the handout folder, this run's state
// (model archives) and the asset cache, plus any folder given with --allow-read. A book
// downloaded from a workshop repository must not copy ~/.ssh or /etc into a handout.
// Symlinks are resolved before the check, so a link inside the book's folder cannot escape.
import Foundation
import Models

extension StepContext {
    /// The folders a book may read, as resolved paths.
    var readableRoots: [(name: String, path: String)] {
        if let known = session.knownReadableRoots { return known }
        var roots: [(String, URL)] = [
            ("the book's folder", session.book.directory),
            ("the handout folder", session.outputDirectory),
            ("this run's state", session.services.stateDirectory),
            ("the asset cache", DarknetAssets.cacheDirectory.deletingLastPathComponent()),
        ]
        // labbook's own models, also when a book names one by its path.
        roots += session.services.fixtures.values.map { ("labbook's models", $0) }
        roots += session.options.allowRead.map { ("--allow-read", $0) }
        let resolved = roots.map { ($0.0, Self.canonicalPath($0.1)) }
        // Resolved once they all exist (a missing one may yet be made, through a link): they do
        // not move during a run, and resolving them was most of a small read's time in a repeat.
        if roots.allSatisfy({ FileManager.default.fileExists(atPath: $0.1.path) }) { session.knownReadableRoots = resolved }
        return resolved
    }

    /// A file a step reads, by the path written in the book: looked up as `inputFile` does,
    /// then refused with the rule and the way to widen it when it lies outside every root,
    /// and refused by name when it is missing or not a regular file (a device or a pipe
    /// could hang the run or feed it without end).
    func readableFile(_ path: String, at location: SourceLocation) throws -> URL {
        let url = inputFile(path)
        let resolved = try confine(url, written: path, at: location)
        // The resolved path has no links left but a dangling one, which is a missing file.
        let type = (try? FileManager.default.attributesOfItem(atPath: resolved))?[.type] as? FileAttributeType
        guard let type, type != .typeSymbolicLink else {
            throw LabError(location, "no such file: \(url.path)", ko: "파일이 없습니다: \(url.path)")
        }
        guard type != .typeDirectory else {
            throw LabError(location, "\(url.path) is a folder; expected a file", ko: "\(url.path)은(는) 폴더입니다. 파일을 지정하세요")
        }
        guard type == .typeRegular else {
            throw LabError(location, "\(url.path) is not a regular file (a device, pipe or socket)",
                           ko: "\(url.path)은(는) 일반 파일이 아닙니다(장치, 파이프 또는 소켓)")
        }
        if !isAbandoned { session.noteRead(url) }
        return url
    }

    /// Refuses `url` unless it resolves inside one of `readableRoots`.
    @discardableResult
    func confine(_ url: URL, written path: String, at location: SourceLocation) throws -> String {
        let resolved = Self.canonicalPath(url)
        let inside = readableRoots.contains { resolved == $0.path || resolved.hasPrefix($0.path.hasSuffix("/") ? $0.path : $0.path + "/") }
        guard inside else {
            let folder = URL(fileURLWithPath: resolved).deletingLastPathComponent().path
            throw LabError(location, "'\(path)' is \(resolved), outside the folders a book may read (the book's folder, the handout folder, this run's state, the asset cache); run with --allow-read \(folder) to allow it",
                           ko: "'\(path)'의 실제 위치 \(resolved)은(는) 책이 읽을 수 있는 폴더(책 폴더, 핸드아웃 폴더, 이번 실행의 상태 폴더, 자료 캐시) 밖입니다. 읽으려면 --allow-read \(folder) 옵션을 붙여 실행하세요")
        }
        return resolved
    }

    /// The file the kernel opens for `url`: links and `..` resolved in order, as realpath
    /// does (`link/../x` is the x beside the link's target, not the book's own x). A missing
    /// file resolves through its folder.
    static func canonicalPath(_ url: URL) -> String {
        func real(_ path: String) -> String? {
            guard let resolved = realpath(path, nil) else { return nil }
            defer { free(resolved) }
            return String(cString: resolved)
        }
        if let path = real(url.path) { return path }
        if let folder = real(url.deletingLastPathComponent().path) { return folder + "/" + url.lastPathComponent }
        return url.standardizedFileURL.resolvingSymlinksInPath().path
    }
}
