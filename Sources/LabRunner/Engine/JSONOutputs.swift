// Where a step's output goes when it may be long (a 100,000-iteration repeat renders to
// tens of megabytes): straight to a file or into a hash, a buffer at a time, so that a run's
// memory is its values, not their renderings.
import Foundation
import Serving

/// JSON written to a file through a 256 KiB buffer.
struct FileOutput: JSONOutput {
    typealias Failure = any Error
    private let handle: FileHandle
    private var buffer = Data()
    private static let flushSize = 256 << 10

    init(handle: FileHandle) {
        self.handle = handle
        buffer.reserveCapacity(Self.flushSize)
    }

    mutating func write(_ piece: String) throws {
        buffer.append(contentsOf: piece.utf8)
        if buffer.count >= Self.flushSize { try flush() }
    }

    mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes `url` by way of a temporary file beside it, renamed over it only once the
    /// rendering is complete: a failed or interrupted write leaves the previous file.
    static func write(to url: URL, _ body: (inout FileOutput) throws -> Void) throws {
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(getpid()).partial")
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw FileOutputError(path: url.path, code: errno) }
        do {
            let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
            defer { try? handle.close() }
            var output = FileOutput(handle: handle)
            try body(&output)
            try output.flush()
            guard rename(temporary.path, url.path) == 0 else { throw FileOutputError(path: url.path, code: errno) }
        } catch let error as FileOutputError {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            // FileHandle's errors (a full disk) name no file.
            let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
            throw FileOutputError(path: url.path, code: underlying.flatMap { $0.domain == NSPOSIXErrorDomain ? Int32($0.code) : nil } ?? EIO)
        }
    }
}

/// A file beside the handout or in the cache that could not be written, with the system's reason.
struct FileOutputError: LocalizedError, CustomStringConvertible {
    var path: String
    var code: Int32
    var description: String { "cannot write \(path): \(String(cString: strerror(code)))" }
    var errorDescription: String? { description }
}

/// The SHA-256 of the rendering, with a run's state folder written as `<state>` (see
/// `ResultCache.withoutStateFolders`): the same output from another run hashes the same.
struct DigestOutput: JSONOutput {
    typealias Failure = Never
    private var hasher = SHA256()
    private static let marker = Array("/labbook-state-".utf8)

    mutating func write(_ piece: String) {
        // A path is inside one quoted string, and a quoted string is one piece.
        hasher.update(Self.mayNameAStateFolder(piece) ? ResultCache.withoutStateFolders(piece) : piece)
    }

    var hex: String { hasher.finalizeHex() }

    /// Whether `piece` holds the marker, by bytes: Foundation's `contains` bridges each piece
    /// to NSString, and the standard library's generic search took a third of a long save.
    static func mayNameAStateFolder(_ piece: String) -> Bool {
        var piece = piece
        return piece.withUTF8 { bytes in
            guard bytes.count >= marker.count else { return false }
            var start = 0
            while start <= bytes.count - marker.count {
                if bytes[start] == marker[0] {
                    var matched = 1
                    while matched < marker.count, bytes[start + matched] == marker[matched] { matched += 1 }
                    if matched == marker.count { return true }
                }
                start += 1
            }
            return false
        }
    }
}

/// The SHA-256 of the rendering as written.
struct RawDigestOutput: JSONOutput {
    typealias Failure = Never
    private var hasher = SHA256()
    mutating func write(_ piece: String) { hasher.update(piece) }
    var hex: String { hasher.finalizeHex() }
}

/// Two outputs fed the same pieces (the cache's copy of an output and its digest, in one pass).
struct TeeOutput<First: JSONOutput, Second: JSONOutput>: JSONOutput where Second.Failure == Never {
    var first: First
    var second: Second

    mutating func write(_ piece: String) throws(First.Failure) {
        try first.write(piece)
        second.write(piece)
    }
}

extension LabValue {
    /// The digest of its compact JSON, as `DigestOutput` takes it.
    var digest: String {
        var output = DigestOutput()
        write(to: &output, style: .compact)
        return output.hex
    }
}
