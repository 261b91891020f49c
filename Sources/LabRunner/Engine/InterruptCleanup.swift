// Ctrl-C or SIGTERM during a run: the run's temporary state (emulated S3 objects, model
// archives, local endpoints) is removed before exiting, as it is after a normal run.
import Dispatch
import Foundation

public enum InterruptCleanup {
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []
    nonisolated(unsafe) private static var temporary: Set<URL> = []
    private static let lock = NSLock()

    /// A folder this run made and removes when done (a handout's staging folder, so the last
    /// complete handout stays as it was; Chromium's profile): removed too if the run is interrupted.
    static func register(temporary folder: URL) { _ = lock.withLock { temporary.insert(folder) } }

    static func unregister(temporary folder: URL) { _ = lock.withLock { temporary.remove(folder) } }

    /// The state folders this process made: `labbook-state-<lab>-<pid>` in the temporary folder.
    static func stateFolders() -> [URL] {
        let temporary = FileManager.default.temporaryDirectory
        let suffix = "-\(ProcessInfo.processInfo.processIdentifier)"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: temporary.path)) ?? []
        return names.filter { $0.hasPrefix("labbook-state-") && $0.hasSuffix(suffix) }.map { temporary.appendingPathComponent($0) }
    }

    /// Traps SIGINT and SIGTERM: removes the state folders, then exits 130 or 143 as a shell expects.
    public static func install() {
        for (number, code) in [(SIGINT, Int32(130)), (SIGTERM, Int32(143))] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                for folder in stateFolders() + lock.withLock({ Array(temporary) }) { try? FileManager.default.removeItem(at: folder) }
                FileHandle.standardError.write(Data("\ninterrupted: temporary state removed; the last handout is as it was\n".utf8))
                exit(code)
            }
            source.resume()
            sources.append(source)
        }
    }
}
