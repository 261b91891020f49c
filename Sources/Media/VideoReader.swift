// Reading a video one frame at a time with FFmpeg's libraries, giving the frames
// cv2.VideoCapture gives: the first video stream, frames in the order the decoder
// returns them (presentation order), converted as VideoFrameConverter describes.
// Only the current frame is held, so memory stays bounded by one frame whatever the
// video's length; `VideoLimits` bounds a frame's size and the number of frames.
//
// Where VideoCapture quietly ends a video at the first demuxing or decoding error, the
// reader throws a `VideoError`, so a corrupt upload is reported, not processed short.
import CFFmpeg
import Foundation

public struct VideoLimits: Sendable, Equatable {
    /// Largest width * height of a frame: 4096 * 4096 takes 4K video; one RGB frame of
    /// that size is 48 MiB, and the decoder keeps a few YUV frames besides.
    public var maxPixels: Int
    /// Most frames read before `VideoError.tooManyFrames`: about an hour at 30 fps.
    public var maxFrames: Int

    public init(maxPixels: Int = 4096 * 4096, maxFrames: Int = 108_000) {
        self.maxPixels = maxPixels
        self.maxFrames = maxFrames
    }
}

public struct VideoFrame: Sendable, Equatable {
    /// Position in the video, from 0, counting every decoded frame.
    public var index: Int
    /// Presentation time in seconds, when the stream says.
    public var seconds: Double?
    public var image: RGBImage
}

public final class VideoReader {
    /// The path, or "N bytes in memory".
    public let source: String
    /// Frame size after the display-matrix rotation.
    public let width: Int
    public let height: Int
    /// Clockwise degrees each frame is turned by (0, 90, 180 or 270), from the stream's display matrix.
    public let rotation: Int
    /// Frames the container declares (exact for MP4), or nil when it does not say.
    public let declaredFrameCount: Int?
    public let framesPerSecond: Double?
    /// FFmpeg's name of the stream's codec, e.g. "h264".
    public let codec: String
    /// Frames decoded so far.
    public private(set) var framesRead = 0

    private let container: VideoContainer
    private let stream: UnsafeMutablePointer<AVStream>
    private let limits: VideoLimits
    private let converter: VideoFrameConverter
    private var decoder: UnsafeMutablePointer<AVCodecContext>?
    private var packet: UnsafeMutablePointer<AVPacket>?
    private var frame: UnsafeMutablePointer<AVFrame>?
    private var draining = false
    private var finished = false

    /// Opens a video file (MP4/MOV, Matroska/WebM or AVI).
    public convenience init(path: String, limits: VideoLimits = VideoLimits()) throws {
        try self.init(container: VideoContainer(path: path), limits: limits)
    }

    /// Opens a video held in memory, such as a request body.
    public convenience init(data: Data, limits: VideoLimits = VideoLimits()) throws {
        try self.init(container: VideoContainer(data: data), limits: limits)
    }

    private init(container: VideoContainer, limits: VideoLimits) throws {
        self.container = container
        self.limits = limits
        source = container.source
        stream = try Self.videoStream(in: container)
        let parameters = stream.pointee.codecpar.pointee
        try Self.checkSize(Int(parameters.width), Int(parameters.height), limits: limits, source: source)
        try Self.checkIndex(stream, container: container)
        rotation = VideoFrameConverter.rotation(displayAngle: cffmpeg_stream_rotation(stream))
        converter = VideoFrameConverter(rotation: rotation)
        let turned = rotation == 90 || rotation == 270
        width = Int(turned ? parameters.height : parameters.width)
        height = Int(turned ? parameters.width : parameters.height)
        declaredFrameCount = stream.pointee.nb_frames > 0 ? Int(stream.pointee.nb_frames) : nil
        let rate = stream.pointee.avg_frame_rate
        framesPerSecond = rate.num > 0 && rate.den > 0 ? Double(rate.num) / Double(rate.den) : nil
        codec = avcodec_get_name(parameters.codec_id).map { String(cString: $0) } ?? "unknown"
        decoder = try Self.openDecoder(for: stream, limits: limits, source: source)
        packet = av_packet_alloc()
        frame = av_frame_alloc()
        guard packet != nil, frame != nil else {
            throw VideoError.unreadable(source: source, reason: "out of memory for FFmpeg's packet and frame")
        }
    }

    deinit {
        av_frame_free(&frame)
        av_packet_free(&packet)
        avcodec_free_context(&decoder)
    }

    /// The next frame, or nil after the last.
    public func nextFrame() throws -> VideoFrame? {
        guard try advance() else { return nil }
        return try currentFrame()
    }

    /// Decodes the next frame without converting it; false after the last. Cheap way
    /// past frames nobody looks at (they must still be decoded: later ones refer to them).
    public func skipFrame() throws -> Bool {
        try advance()
    }

    /// The frame `advance()` last decoded, as RGB.
    func currentFrame() throws -> VideoFrame {
        guard let frame, let decoder else { throw VideoError.noFrames(source: source) }
        let image: RGBImage
        do {
            image = try converter.image(of: frame, codedWidth: decoder.pointee.coded_width,
                                        codedHeight: decoder.pointee.coded_height)
        } catch let failure as ConversionFailure {
            throw VideoError.undecodable(source: source, frame: framesRead - 1, reason: failure.reason)
        }
        let base = stream.pointee.time_base
        let pts = frame.pointee.best_effort_timestamp
        let seconds = pts == Int64.min || base.den == 0 ? nil : Double(pts) * Double(base.num) / Double(base.den)
        return VideoFrame(index: framesRead - 1, seconds: seconds, image: image)
    }

    /// Decodes the next frame into `frame`; false at the end. Any error ends the reader.
    func advance() throws -> Bool {
        guard !finished else { return false }
        do {
            let more = try decodeNext()
            if !more { finished = true }
            return more
        } catch {
            finished = true
            throw error
        }
    }

    private func decodeNext() throws -> Bool {
        guard let decoder, let frame else { return false }
        // VideoCapture stops after the declared count plus one (CvCapture_FFMPEG::grabFrame).
        if let declared = declaredFrameCount, framesRead > declared { return false }
        var idleReads = 0
        while true {
            let received = avcodec_receive_frame(decoder, frame)
            if received >= 0 { return try accept(frame) }
            if received == cffmpeg_error_eof() {
                if framesRead == 0 { throw VideoError.noFrames(source: source) }
                return false
            }
            guard received == cffmpeg_error_again(), !draining else {
                throw VideoError.undecodable(source: source, frame: framesRead, reason: ffmpegErrorText(received))
            }
            if try !feedPacket() {
                idleReads += 1
                if idleReads > 10_000 {
                    throw VideoError.undecodable(source: source, frame: framesRead, reason: "the demuxer keeps asking to retry")
                }
            }
        }
    }

    /// Reads one packet and sends it to the decoder if it is the video's; at the end
    /// of the input, starts draining. False when nothing was read (retry).
    private func feedPacket() throws -> Bool {
        guard let decoder, let packet else { return false }
        let status = av_read_frame(container.format, packet)
        if status == cffmpeg_error_again() { return false }
        if status < 0 {
            guard status == cffmpeg_error_eof() else { throw readFailure(status) }
            draining = true
            let flushed = avcodec_send_packet(decoder, nil)
            guard flushed >= 0 || flushed == cffmpeg_error_eof() else {
                throw VideoError.undecodable(source: source, frame: framesRead, reason: ffmpegErrorText(flushed))
            }
            return true
        }
        defer { av_packet_unref(packet) }
        guard packet.pointee.stream_index == stream.pointee.index else { return true }
        let sent = avcodec_send_packet(decoder, packet)
        guard sent >= 0 else {
            throw VideoError.undecodable(source: source, frame: framesRead, reason: ffmpegErrorText(sent))
        }
        return true
    }

    private func readFailure(_ status: Int32) -> VideoError {
        let text = ffmpegErrorText(status)
        if avio_feof(container.format.pointee.pb) != 0 {
            return .truncated(source: source, reason: "the data ends inside frame \(framesRead) (\(text))")
        }
        return .undecodable(source: source, frame: framesRead, reason: "the container cannot be read (\(text))")
    }

    private func accept(_ frame: UnsafeMutablePointer<AVFrame>) throws -> Bool {
        try Self.checkSize(Int(frame.pointee.width), Int(frame.pointee.height), limits: limits, source: source)
        guard framesRead < limits.maxFrames else { throw VideoError.tooManyFrames(source: source, limit: limits.maxFrames) }
        framesRead += 1
        return true
    }
}

extension VideoReader {
    /// The first video stream, as VideoCapture picks it.
    private static func videoStream(in container: VideoContainer) throws -> UnsafeMutablePointer<AVStream> {
        let format = container.format.pointee
        var kinds: [String] = []
        for i in 0..<Int(format.nb_streams) {
            guard let stream = format.streams[i], let parameters = stream.pointee.codecpar else { continue }
            if parameters.pointee.codec_type == AVMEDIA_TYPE_VIDEO { return stream }
            kinds.append(av_get_media_type_string(parameters.pointee.codec_type).map { String(cString: $0) } ?? "unknown")
        }
        if container.input.isCutShortISOMedia {
            throw VideoError.truncated(source: container.source, reason: "the MP4/MOV data ends before its boxes do, or has no index (moov) box")
        }
        let found = kinds.isEmpty ? "no streams at all" : "only \(kinds.joined(separator: ", ")) streams"
        throw VideoError.notAVideo(source: container.source, reason: "the container has \(found)", leadingBytes: container.input.leadingHex)
    }

    private static func checkSize(_ width: Int, _ height: Int, limits: VideoLimits, source: String) throws {
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard width > 0, height > 0, !overflow, pixels <= limits.maxPixels else {
            throw VideoError.dimensionsOutOfRange(source: source, width: width, height: height, maxPixels: limits.maxPixels)
        }
    }

    /// An MP4 cut short still opens when its index comes first; the index then lists
    /// samples past the last byte. Caught here, before any frame is returned.
    private static func checkIndex(_ stream: UnsafeMutablePointer<AVStream>, container: VideoContainer) throws {
        let end = cffmpeg_index_end(stream)
        guard let size = container.byteCount, end > size else { return }
        throw VideoError.truncated(source: container.source,
                                   reason: "its index lists video data up to byte \(end), but it ends at byte \(size)")
    }

    private static func openDecoder(for stream: UnsafeMutablePointer<AVStream>, limits: VideoLimits,
                                    source: String) throws -> UnsafeMutablePointer<AVCodecContext> {
        guard let parameters = stream.pointee.codecpar else {
            throw VideoError.undecodable(source: source, frame: nil, reason: "the video stream has no codec parameters")
        }
        let name = avcodec_get_name(parameters.pointee.codec_id).map { String(cString: $0) } ?? "unknown"
        guard let codec = avcodec_find_decoder(parameters.pointee.codec_id) else {
            throw VideoError.undecodable(source: source, frame: nil, reason: "this FFmpeg has no decoder for codec \(name)")
        }
        guard let context = avcodec_alloc_context3(codec) else {
            throw VideoError.unreadable(source: source, reason: "out of memory for a decoder")
        }
        var status = avcodec_parameters_to_context(context, parameters)
        // One thread: requests run side by side on a small machine; output is the same.
        context.pointee.thread_count = 1
        // The decoder itself refuses larger frames, should the size change mid-stream.
        context.pointee.max_pixels = Int64(limits.maxPixels)
        if status >= 0 { status = avcodec_open2(context, codec, nil) }
        guard status >= 0 else {
            var failed: UnsafeMutablePointer<AVCodecContext>? = context
            avcodec_free_context(&failed)
            throw VideoError.undecodable(source: source, frame: nil, reason: "the \(name) decoder cannot start (\(ffmpegErrorText(status)))")
        }
        return context
    }
}
