// Opening a video container with libavformat, from a file or from bytes in memory (a
// request body) through a custom AVIOContext. Only real video containers are accepted:
// FFmpeg would also "open" a JPEG as a one-frame video or follow a playlist to other
// files and URLs, which a handler given arbitrary bytes must not do.
import CFFmpeg
import Foundation

/// libavformat demuxer names the reader accepts.
let acceptedContainers = "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,avi"

/// Silences FFmpeg's logging once per process: its messages would land on stderr of
/// whatever serves the lab; failures reach callers as `VideoError` instead.
private let quietFFmpeg: Void = { av_log_set_level(AV_LOG_QUIET) }()

/// FFmpeg's text for an error code.
func ffmpegErrorText(_ code: Int32) -> String {
    var buffer = [CChar](repeating: 0, count: 128)
    guard av_strerror(code, &buffer, buffer.count) == 0 else { return "FFmpeg error \(code)" }
    return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
}

/// An open container: the AVFormatContext, and for bytes in memory the AVIOContext
/// feeding it. Owns both (C resources), hence a class.
final class VideoContainer {
    let input: VideoInput
    let format: UnsafeMutablePointer<AVFormatContext>
    private var io: UnsafeMutablePointer<AVIOContext>?
    private let memory: MemoryInput?

    var source: String { input.source }

    init(path: String) throws {
        _ = quietFFmpeg
        input = .file(path: path)
        memory = nil
        try Self.checkReadable(path)
        // "file:" keeps a path containing ':' from being read as another protocol.
        format = try Self.open(url: "file:" + path, io: nil, protocols: "file", input: input)
    }

    init(data: Data) throws {
        _ = quietFFmpeg
        input = .memory(data)
        let memory = MemoryInput(data)
        self.memory = memory
        io = try Self.memoryIO(memory, source: input.source)
        do {
            // No protocol at all: bytes in memory must not open other files or URLs.
            format = try Self.open(url: nil, io: io, protocols: "none", input: input)
        } catch {
            Self.free(&io)
            throw error
        }
    }

    deinit {
        var context: UnsafeMutablePointer<AVFormatContext>? = format
        avformat_close_input(&context)
        Self.free(&io)
    }

    /// Bytes in the input, or nil when libavformat cannot tell.
    var byteCount: Int64? {
        let size = avio_size(format.pointee.pb)
        return size >= 0 ? size : nil
    }

    /// The error for a container FFmpeg could not make sense of: a cut-short MP4 is
    /// truncated, another MP4 corrupt, anything else not a video.
    func unreadableContainer(_ status: Int32, stage: String) -> VideoError {
        Self.classify(status, stage: stage, input: input)
    }

    private static func classify(_ status: Int32, stage: String, input: VideoInput) -> VideoError {
        let text = ffmpegErrorText(status)
        if input.isCutShortISOMedia {
            return .truncated(source: input.source, reason: "the MP4/MOV data ends before its boxes do, or has no index (moov) box (\(stage): \(text))")
        }
        if input.isISOMedia {
            return .undecodable(source: input.source, frame: nil, reason: "a corrupt MP4/MOV (\(stage): \(text))")
        }
        let reason = input.size == 0 ? "it is empty" : "no MP4/MOV, Matroska/WebM or AVI container recognised (\(stage): \(text))"
        return .notAVideo(source: input.source, reason: reason, leadingBytes: input.leadingHex)
    }

    private static func checkReadable(_ path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw VideoError.unreadable(source: path, reason: "no such file")
        }
        guard !isDirectory.boolValue else { throw VideoError.unreadable(source: path, reason: "it is a folder") }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw VideoError.unreadable(source: path, reason: "permission denied")
        }
    }

    private static func memoryIO(_ memory: MemoryInput, source: String) throws -> UnsafeMutablePointer<AVIOContext> {
        let size: Int32 = 64 * 1024
        guard let buffer = av_malloc(Int(size))?.assumingMemoryBound(to: UInt8.self) else {
            throw VideoError.unreadable(source: source, reason: "out of memory for a \(size)-byte read buffer")
        }
        // The container keeps `memory` alive as long as the context lives.
        let opaque = Unmanaged.passUnretained(memory).toOpaque()
        guard let io = avio_alloc_context(buffer, size, 0, opaque, { opaque, buffer, count in
            guard let opaque, let buffer, count > 0 else { return cffmpeg_error_eof() }
            return Unmanaged<MemoryInput>.fromOpaque(opaque).takeUnretainedValue().read(into: buffer, count: Int(count))
        }, nil, { opaque, offset, whence in
            guard let opaque else { return Int64(cffmpeg_error_io()) }
            return Unmanaged<MemoryInput>.fromOpaque(opaque).takeUnretainedValue().seek(offset: offset, whence: whence)
        }) else {
            av_free(buffer)
            throw VideoError.unreadable(source: source, reason: "cannot allocate an FFmpeg I/O context")
        }
        return io
    }

    private static func free(_ io: inout UnsafeMutablePointer<AVIOContext>?) {
        guard io != nil else { return }
        // libavformat may have replaced the buffer it was given; free the current one.
        av_freep(&io!.pointee.buffer)
        avio_context_free(&io)
    }

    private static func open(url: String?, io: UnsafeMutablePointer<AVIOContext>?, protocols: String,
                             input: VideoInput) throws -> UnsafeMutablePointer<AVFormatContext> {
        guard let context = avformat_alloc_context() else {
            throw VideoError.unreadable(source: input.source, reason: "cannot allocate an FFmpeg format context")
        }
        context.pointee.pb = io
        var options: OpaquePointer?
        av_dict_set(&options, "format_whitelist", acceptedContainers, 0)
        av_dict_set(&options, "protocol_whitelist", protocols, 0)
        var opened: UnsafeMutablePointer<AVFormatContext>? = context
        let status = avformat_open_input(&opened, url, nil, &options)
        av_dict_free(&options)
        // On failure avformat_open_input has freed the context (but not a custom pb).
        guard status >= 0, let opened else { throw classify(status, stage: "opening", input: input) }
        let info = avformat_find_stream_info(opened, nil)
        guard info >= 0 else {
            var failed: UnsafeMutablePointer<AVFormatContext>? = opened
            avformat_close_input(&failed)
            throw classify(info, stage: "reading stream information", input: input)
        }
        return opened
    }
}
