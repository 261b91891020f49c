// One file over HTTP(S) into the cache, via a temporary file beside the target, so a failed
// or interrupted download never leaves a partial file where a complete one is expected.
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Downloads `url` to `target` and returns the HTTP status. A 404 with `acceptMissing`
/// returns 404 and writes nothing; any other failure throws `ModelSourceError.download`.
@discardableResult
func downloadFile(_ url: URL, to target: URL, acceptMissing: Bool = false) throws -> Int {
    // A file URL (a mirror on a shared drive) is copied: URLSession on Linux has no file scheme.
    if url.isFileURL {
        guard FileManager.default.fileExists(atPath: url.path) else {
            if acceptMissing { return 404 }
            throw ModelSourceError.download(url: url.absoluteString, reason: "no such file")
        }
        let temporary = target.appendingPathExtension("part")
        try? FileManager.default.removeItem(at: temporary)
        try FileManager.default.copyItem(at: url, to: temporary)
        try? FileManager.default.removeItem(at: target)
        try FileManager.default.moveItem(at: temporary, to: target)
        return 200
    }
    let semaphore = DispatchSemaphore(value: 0)
    let outcome = DownloadOutcome()
    let task = URLSession.shared.downloadTask(with: url) { location, response, error in
        outcome.status = (response as? HTTPURLResponse)?.statusCode ?? 0
        outcome.error = error
        if let location, outcome.status == 200 {
            let temporary = target.appendingPathExtension("part")
            try? FileManager.default.removeItem(at: temporary)
            do { try FileManager.default.moveItem(at: location, to: temporary) } catch { outcome.error = error }
            outcome.file = temporary
        }
        semaphore.signal()
    }
    task.resume()
    semaphore.wait()
    if outcome.status == 404, acceptMissing { return 404 }
    guard let file = outcome.file, outcome.error == nil else {
        throw ModelSourceError.download(url: url.absoluteString, reason: outcome.error.map { "\($0)" } ?? "HTTP \(outcome.status)")
    }
    try? FileManager.default.removeItem(at: target)
    try FileManager.default.moveItem(at: file, to: target)
    return outcome.status
}

private final class DownloadOutcome: @unchecked Sendable {
    var status = 0
    var error: Error?
    var file: URL?
}
