// A full run writes its handout into a staging folder beside the last one and swaps it in
// at the end (one rename on Linux, renameat2's RENAME_EXCHANGE), so a run that is
// interrupted, crashes or cannot write leaves the last complete handout as it was.
import Foundation
#if canImport(Glibc)
import Glibc
#endif

enum HandoutSwap {
    /// Creates the staging folder, after checking that the handout folder (if any) is
    /// labbook's, and carries the file digests over so nothing is hashed twice.
    static func prepare(_ session: RunSession) throws {
        guard let staging = session.staging else { return }
        let files = FileManager.default
        let final = session.handoutDirectory
        if files.fileExists(atPath: final.path),
           !files.fileExists(atPath: final.appendingPathComponent(LabEngine.outputMarker).path) {
            throw LabError(.synthetic(LabEngine.displayPath(final)), "this folder exists and was not written by labbook; choose another --out")
        }
        removeAbandoned(beside: final)
        try? files.removeItem(at: staging)
        try files.createDirectory(at: staging, withIntermediateDirectories: true)
        InterruptCleanup.register(temporary: staging)
        try Data().write(to: staging.appendingPathComponent(LabEngine.outputMarker))
        let digests = final.appendingPathComponent(ResultCache.folderName).appendingPathComponent("digests.json")
        if files.fileExists(atPath: digests.path) {
            let folder = staging.appendingPathComponent(ResultCache.folderName)
            try? files.createDirectory(at: folder, withIntermediateDirectories: true)
            try? files.copyItem(at: digests, to: folder.appendingPathComponent("digests.json"))
            session.cache?.loadDigests()
        }
    }

    /// Puts the finished handout in place of the last one.
    static func swapIn(_ session: RunSession) throws {
        guard let staging = session.staging else { return }
        let files = FileManager.default
        let final = session.handoutDirectory
        // With --no-cache the last run's cache was not used, and stays.
        let lastCache = final.appendingPathComponent(ResultCache.folderName)
        let newCache = staging.appendingPathComponent(ResultCache.folderName)
        if session.cache == nil, files.fileExists(atPath: lastCache.path) {
            try? files.removeItem(at: newCache)
            try? files.moveItem(at: lastCache, to: newCache)
        }
        if files.fileExists(atPath: final.path) {
            if !exchange(staging, final) {
                let old = final.deletingLastPathComponent().appendingPathComponent(".\(session.book.id).old-\(getpid())")
                try files.moveItem(at: final, to: old)
                try files.moveItem(at: staging, to: final)
                try? files.removeItem(at: old)
                InterruptCleanup.unregister(temporary: staging)
                return
            }
            try? files.removeItem(at: staging)  // now the last handout
        } else {
            try files.moveItem(at: staging, to: final)
        }
        InterruptCleanup.unregister(temporary: staging)
    }

    /// After a run that threw: the staging folder goes, the last handout stays.
    static func discard(_ session: RunSession) {
        guard let staging = session.staging, FileManager.default.fileExists(atPath: staging.path) else { return }
        try? FileManager.default.removeItem(at: staging)
        InterruptCleanup.unregister(temporary: staging)
    }

    /// Swaps two paths in one step; false where the system or file system cannot.
    private static func exchange(_ a: URL, _ b: URL) -> Bool {
        guard let renameat2 else { return false }
        return renameat2(AT_FDCWD, a.path, AT_FDCWD, b.path, renameExchange) == 0
    }

    private typealias RenameAt2 = @convention(c) (CInt, UnsafePointer<CChar>, CInt, UnsafePointer<CChar>, CUnsignedInt) -> CInt
    /// glibc's renameat2, looked up at run time: Swift's Glibc module leaves out the _GNU_SOURCE declarations.
    private static let renameat2: RenameAt2? = {
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "renameat2") else { return nil }
        return unsafeBitCast(symbol, to: RenameAt2.self)
    }()
    /// <linux/fs.h>'s RENAME_EXCHANGE.
    private static let renameExchange: CUnsignedInt = 1 << 1

    /// Staging folders of runs that died (their process is gone).
    private static func removeAbandoned(beside final: URL) {
        let parent = final.deletingLastPathComponent()
        let prefixes = [".\(final.lastPathComponent).partial-", ".\(final.lastPathComponent).old-"]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: parent.path)) ?? [] {
            guard let prefix = prefixes.first(where: name.hasPrefix), let pid = pid_t(name.dropFirst(prefix.count)) else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { try? FileManager.default.removeItem(at: parent.appendingPathComponent(name)) }
        }
    }
}
