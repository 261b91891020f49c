// Text on a canvas: NanumGothic through cairo-ft, so Hangul captions render.
import CCairo
import Foundation

public enum TextAnchor: Sendable {
    case left
    case center
    case right
}

extension Canvas {
    /// Size of `text` set in NanumGothic at `size` pixels: advance width and the
    /// font's ascent and descent.
    public func measureText(_ text: String, size: Double, weight: FontWeight = .regular) throws
        -> (width: Double, ascent: Double, descent: Double) {
        guard size.isFinite, size > 0, size < 10_000 else {
            throw ImageError.invalidArgument(name: "font size", reason: "\(size) is not in (0, 10000)")
        }
        try selectFont(size: size, weight: weight)
        var extents = cairo_text_extents_t()
        cairo_text_extents(context, text, &extents)
        var font = cairo_font_extents_t()
        cairo_font_extents(context, &font)
        return (extents.x_advance, font.ascent, font.descent)
    }

    /// Draws `text` with its baseline at `y`; `anchor` says where `x` is on the line.
    public func drawText(_ text: String, x: Double, y: Double, size: Double, color: RGB,
                         weight: FontWeight = .regular, anchor: TextAnchor = .left, rotation: Double = 0) throws {
        guard x.isFinite, y.isFinite, rotation.isFinite else {
            throw ImageError.invalidArgument(name: "text position", reason: "(\(x), \(y)) rotated \(rotation) is not finite")
        }
        let metrics = try measureText(text, size: size, weight: weight)
        let shift: Double
        switch anchor {
        case .left: shift = 0
        case .center: shift = -metrics.width / 2
        case .right: shift = -metrics.width
        }
        cairo_save(context)
        // Whole-pixel baselines keep hinted glyphs of one line on the same rows.
        cairo_translate(context, rotation == 0 ? x.rounded() : x, rotation == 0 ? y.rounded() : y)
        cairo_rotate(context, rotation)
        cairo_move_to(context, shift, 0)
        setColor(color)
        cairo_show_text(context, text)
        cairo_restore(context)
        let status = cairo_status(context)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw DrawingError.cairo(operation: "show_text", status: cairoStatusText(status))
        }
    }

    /// A caption tag: `text` on a filled box whose bottom-left corner is at (x, y), the
    /// top-left corner of a detection box. When there is no room above, the tag moves
    /// inside the box; it never leaves the canvas horizontally. Without a `textColor`
    /// the text is black on light tags and white on dark ones. Returns the tag's frame.
    @discardableResult
    public func drawCaption(_ text: String, x: Double, y: Double, background: RGB, textColor: RGB? = nil,
                            size: Double = 14) throws -> Rect {
        let metrics = try measureText(text, size: size, weight: .bold)
        let padding = (size * 0.25).rounded()
        let tagWidth = metrics.width + 2 * padding
        let tagHeight = (metrics.ascent + metrics.descent + padding).rounded()
        var top = y - tagHeight
        if top < 0 { top = y }
        let left = min(max(0, x), max(0, Double(width) - tagWidth))
        let frame = Rect(x: left, y: top, width: tagWidth, height: tagHeight)
        fillRectangle(frame, color: background)
        let luminance = 0.299 * Double(background.r) + 0.587 * Double(background.g) + 0.114 * Double(background.b)
        try drawText(text, x: left + padding, y: top + padding / 2 + metrics.ascent, size: size,
                     color: textColor ?? (luminance > 150 ? .black : .white), weight: .bold)
        return frame
    }

    private func selectFont(size: Double, weight: FontWeight) throws {
        cairo_set_font_face(context, try font(weight).face)
        cairo_set_font_size(context, size)
        let options = cairo_font_options_create()
        defer { cairo_font_options_destroy(options) }
        cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY)
        // Unhinted, like matplotlib: NanumGothic's hinting drops periods below the
        // baseline at small sizes, and hinted metrics space slanted labels unevenly.
        cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE)
        cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
        cairo_set_font_options(context, options)
    }
}
