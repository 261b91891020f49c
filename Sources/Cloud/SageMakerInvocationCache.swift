// The real-time result cache.
import Foundation
import Serving

/// Results of identical real-time requests (endpoint, container, body), so a repeated
/// request need not rerun a slow model. The timeline still charges each request the
/// latency measured when the result was computed.
struct InvocationCache {
    static let capacity = 256

    struct Entry {
        var response: InvocationResponse
        var latency: TimeInterval
    }

    private var entries: [String: Entry] = [:]
    private var order: [String] = []

    static func key(variant: String, container: String, body: Data, contentType: String, accept: String) -> String {
        "\(variant)|\(container)|\(contentType)|\(accept)|\(Digest.sha256Hex(body))"
    }

    func lookup(_ key: String) -> Entry? { entries[key] }

    mutating func store(_ entry: Entry, for key: String) {
        if entries.updateValue(entry, forKey: key) == nil { order.append(key) }
        if order.count > Self.capacity { entries[order.removeFirst()] = nil }
    }
}
