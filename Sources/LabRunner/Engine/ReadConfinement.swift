// Where a book may read files from: its own folder, the handout folder, this run's state
// (model archives) and the asset cache, plus any folder given with --allow-read. A book
// downloaded from a workshop repository must not copy ~/.ssh or /etc into a handout.
// Symlinks are resolved before the check, so a link inside the book's folder cannot escape.
import Foundation
import Models

extension StepContext {
    /// The folders a book may read, as resolved paths.
    var readableRoots: [(name: String, path: String)] {
        var roots: [(String, URL)] = [
            ("the book's folder", session.book.directory),
            ("the handout folder", session.outputDirectory),
            ("this run's state", session.services.stateDirectory),
            ("the asset cache", DarknetAssets.cacheDirectory.deletingLastPathComponent()),
        ]
        roots += session.options.allowRead.map { ("--allow-read", $0) }
        return roots.map { ($0.0, $0.1.standardizedFileURL.resolvingSymlinksInPath().path) }
    }

    /// A file a step reads, by the path written in the book: looked up as `inputFile` does,
    /// then refused with the rule and the way to widen it when it lies outside every root.
    func readableFile(_ path: String, at location: SourceLocation) throws -> URL {
        let url = inputFile(path)
        let resolved = url.standardizedFileURL.resolvingSymlinksInPath().path
        let inside = readableRoots.contains { resolved == $0.path || resolved.hasPrefix($0.path.hasSuffix("/") ? $0.path : $0.path + "/") }
        guard inside else {
            let folder = URL(fileURLWithPath: resolved).deletingLastPathComponent().path
            throw LabError(location, "'\(path)' is \(resolved), outside the folders a book may read (the book's folder, the handout folder, this run's state, the asset cache); run with --allow-read \(folder) to allow it")
        }
        if !isAbandoned { session.noteRead(url) }
        return url
    }
}
