// Decoded frames (YUV, usually) to RGB images, the way OpenCV's FFmpeg backend makes
// them (cap_ffmpeg_impl.hpp, CvCapture_FFMPEG::retrieveFrame): sws_scale to BGR24 with
// SWS_BICUBIC, same size, over the decoder's coded size into a 32-byte-aligned frame,
// then the top-left width x height; VideoCapture then turns the picture by the stream's
// display matrix (CAP_PROP_ORIENTATION_AUTO is on by default). The seed's
// cvtColor(BGR2RGB) is a channel swap, done while copying out.
import CFFmpeg
import Foundation

struct ConversionFailure: Error {
    var reason: String
}

final class VideoFrameConverter {
    /// Clockwise quarter turns applied after conversion, in degrees: 0, 90, 180 or 270.
    let rotation: Int
    private var context: OpaquePointer?
    private var bgr: UnsafeMutablePointer<AVFrame>?

    init(rotation: Int) {
        self.rotation = rotation
    }

    deinit {
        sws_freeContext(context)
        av_frame_free(&bgr)
    }

    /// OpenCV's rotation from a display matrix angle (counter-clockwise degrees, NaN for
    /// none): the negated angle rounded into 0..<360; only quarter turns are applied.
    static func rotation(displayAngle: Double) -> Int {
        guard displayAngle.isFinite, abs(displayAngle) <= 720 else { return 0 }
        var angle = -Int(displayAngle.rounded(.toNearestOrEven))
        if angle < 0 { angle += 360 }
        return [90, 180, 270].contains(angle) ? angle : 0
    }

    func image(of frame: UnsafeMutablePointer<AVFrame>, codedWidth: Int32, codedHeight: Int32) throws -> RGBImage {
        let width = frame.pointee.width, height = frame.pointee.height
        // OpenCV converts the coded size (decoders pad rows to whole macroblocks); take it
        // when the frame's buffers really hold it and it only pads, else the frame size.
        var bufferWidth = width, bufferHeight = height
        if codedWidth >= width, codedHeight >= height, codedWidth - width < 64, codedHeight - height < 64,
           cffmpeg_rows_hold(frame, codedWidth) != 0 {
            bufferWidth = codedWidth
            bufferHeight = codedHeight
        }
        let format = AVPixelFormat(rawValue: frame.pointee.format)
        guard frame.pointee.format >= 0, sws_isSupportedInput(format) > 0 else {
            throw ConversionFailure(reason: "pixel format \(pixelFormatName(format)) cannot be converted to RGB")
        }
        context = sws_getCachedContext(context, bufferWidth, bufferHeight, format, bufferWidth, bufferHeight,
                                       AV_PIX_FMT_BGR24, SWS_BICUBIC, nil, nil, nil)
        guard let context else {
            throw ConversionFailure(reason: "no conversion from \(pixelFormatName(format)) at \(bufferWidth)x\(bufferHeight)")
        }
        let target = try bgrFrame(width: bufferWidth, height: bufferHeight)
        guard cffmpeg_scale(context, frame, target) > 0 else {
            throw ConversionFailure(reason: "sws_scale converted no rows")
        }
        return try copyOut(target, width: Int(width), height: Int(height))
    }

    private func bgrFrame(width: Int32, height: Int32) throws -> UnsafeMutablePointer<AVFrame> {
        if let bgr, bgr.pointee.width == width, bgr.pointee.height == height { return bgr }
        av_frame_free(&bgr)
        guard let frame = av_frame_alloc() else { throw ConversionFailure(reason: "out of memory for a frame") }
        frame.pointee.format = AV_PIX_FMT_BGR24.rawValue
        frame.pointee.width = width
        frame.pointee.height = height
        bgr = frame
        guard av_frame_get_buffer(frame, 32) >= 0 else {
            throw ConversionFailure(reason: "out of memory for a \(width)x\(height) BGR frame")
        }
        return frame
    }

    /// The top-left width x height of the BGR frame as RGB, turned by `rotation`.
    private func copyOut(_ frame: UnsafeMutablePointer<AVFrame>, width w: Int, height h: Int) throws -> RGBImage {
        guard let base = frame.pointee.data.0 else { throw ConversionFailure(reason: "empty BGR frame") }
        let stride = Int(frame.pointee.linesize.0)
        let quarter = rotation == 90 || rotation == 270
        let (ow, oh) = quarter ? (h, w) : (w, h)
        var pixels = [UInt8](repeating: 0, count: ow * oh * 3)
        pixels.withUnsafeMutableBufferPointer { out in
            for oy in 0..<oh {
                for ox in 0..<ow {
                    // Where output pixel (ox, oy) comes from, as cv::rotate maps it.
                    let (sx, sy): (Int, Int)
                    switch rotation {
                    case 90: (sx, sy) = (oy, h - 1 - ox)
                    case 180: (sx, sy) = (w - 1 - ox, h - 1 - oy)
                    case 270: (sx, sy) = (w - 1 - oy, ox)
                    default: (sx, sy) = (ox, oy)
                    }
                    let s = base + sy * stride + sx * 3, d = (oy * ow + ox) * 3
                    out[d] = s[2]
                    out[d + 1] = s[1]
                    out[d + 2] = s[0]
                }
            }
        }
        return try RGBImage(width: ow, height: oh, pixels: pixels)
    }
}

func pixelFormatName(_ format: AVPixelFormat) -> String {
    av_get_pix_fmt_name(format).map { String(cString: $0) } ?? "#\(format.rawValue)"
}
