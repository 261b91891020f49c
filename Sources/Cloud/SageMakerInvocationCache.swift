// The real-time result cache.
import Foundation
import Serving

/// Results of identical requests (endpoint, container, body), so a repeated request need
/// not rerun a slow model. The timeline still charges each request the latency measured
/// when the result was computed.
struct InvocationCache {
    static let capacity = 256
    /// Bodies held at once: 256 entries of up to 6 MB each would be 1.5 GB per endpoint.
    let maxTotalBytes: Int
    /// Larger responses are not cached; a model that slow to repeat is rare in real time.
    let maxEntryBytes: Int

    /// Real time: replies of at most 1 MB, 64 MB in all.
    static func realTime() -> InvocationCache { InvocationCache(maxTotalBytes: 64 << 20, maxEntryBytes: 1 << 20) }

    /// Asynchronous: a video model's reply runs to tens or hundreds of MB (lab 3's burst
    /// repeats one input a thousand times), so entries of up to 512 MB, 1 GB in all.
    static func asynchronous() -> InvocationCache { InvocationCache(maxTotalBytes: 1 << 30, maxEntryBytes: 512 << 20) }

    init(maxTotalBytes: Int, maxEntryBytes: Int) {
        self.maxTotalBytes = maxTotalBytes
        self.maxEntryBytes = maxEntryBytes
    }

    struct Entry {
        var response: InvocationResponse
        var latency: TimeInterval
        /// The reply's ETag and content digests, once an async result has been written to S3.
        var digests: S3.BodyDigests?
    }

    private var entries: [String: Entry] = [:]
    private var order: [String] = []
    private(set) var totalBytes = 0
    var count: Int { entries.count }

    static func key(variant: String, container: String, body: Data, contentType: String, accept: String) -> String {
        "\(variant)|\(container)|\(contentType)|\(accept)|\(Digest.sha256Hex(body))"
    }

    func lookup(_ key: String) -> Entry? { entries[key] }

    /// Remembers the digests of a cached reply, so its next copies skip hashing.
    mutating func setDigests(_ digests: S3.BodyDigests, for key: String) {
        entries[key]?.digests = digests
    }

    /// Oldest entries go first when the count or the byte budget is exceeded.
    mutating func store(_ entry: Entry, for key: String) {
        let size = entry.response.body.count
        guard size <= maxEntryBytes else { return }
        if let old = entries.updateValue(entry, forKey: key) {
            totalBytes -= old.response.body.count
        } else {
            order.append(key)
        }
        totalBytes += size
        while order.count > Self.capacity || totalBytes > maxTotalBytes, !order.isEmpty {
            if let evicted = entries.removeValue(forKey: order.removeFirst()) { totalBytes -= evicted.response.body.count }
        }
    }
}
