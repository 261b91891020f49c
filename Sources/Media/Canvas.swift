// Drawing on an image with Cairo: boxes, dashed boxes, caption tags, masks and
// contours, as the labs' detection visualisers draw them. Canvas owns a Cairo image
// surface (a C resource), hence a final class; its output is a value `RGBImage`.
import CCairo
import Foundation

public final class Canvas {
    public let width: Int
    public let height: Int
    let surface: OpaquePointer
    let context: OpaquePointer
    private var fonts: [FontWeight: FontFace] = [:]

    public convenience init(width: Int, height: Int, background: RGB = .white) throws {
        try self.init(image: RGBImage(width: width, height: height, fill: background))
    }

    public init(image: RGBImage) throws {
        let image = try image.validated()
        guard image.width <= 32767, image.height <= 32767 else {
            throw ImageError.invalidDimensions(width: image.width, height: image.height)
        }
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(image.width), Int32(image.height)) else {
            throw DrawingError.cairo(operation: "cairo_image_surface_create", status: "returned nil")
        }
        let status = cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS, let context = cairo_create(surface) else {
            cairo_surface_destroy(surface)
            throw DrawingError.cairo(operation: "cairo_image_surface_create", status: cairoStatusText(status))
        }
        self.width = image.width
        self.height = image.height
        self.surface = surface
        self.context = context
        withPixels { row, y in
            for x in 0..<image.width {
                let p = (y * image.width + x) * 3
                row[x] = 0xFF00_0000 | UInt32(image.pixels[p]) << 16 | UInt32(image.pixels[p + 1]) << 8
                    | UInt32(image.pixels[p + 2])
            }
        }
    }

    deinit {
        cairo_destroy(context)
        cairo_surface_destroy(surface)
    }

    /// The current picture.
    public func image() throws -> RGBImage {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        withPixels { row, y in
            for x in 0..<self.width {
                let v = row[x], p = (y * self.width + x) * 3
                pixels[p] = UInt8(truncatingIfNeeded: v >> 16)
                pixels[p + 1] = UInt8(truncatingIfNeeded: v >> 8)
                pixels[p + 2] = UInt8(truncatingIfNeeded: v)
            }
        }
        return try RGBImage(width: width, height: height, pixels: pixels)
    }

    /// Direct access to the surface rows (native-endian 0x00RRGGBB words).
    func withPixels(_ body: (UnsafeMutableBufferPointer<UInt32>, Int) -> Void) {
        cairo_surface_flush(surface)
        guard let data = cairo_image_surface_get_data(surface) else { return }
        let stride = Int(cairo_image_surface_get_stride(surface))
        for y in 0..<height {
            let row = UnsafeMutableRawPointer(data + y * stride).bindMemory(to: UInt32.self, capacity: width)
            body(UnsafeMutableBufferPointer(start: row, count: width), y)
        }
        cairo_surface_mark_dirty(surface)
    }

    func setColor(_ color: RGB, alpha: Double = 1) {
        cairo_set_source_rgba(context, Double(color.r) / 255, Double(color.g) / 255, Double(color.b) / 255, alpha)
    }

    func font(_ weight: FontWeight) throws -> FontFace {
        if let face = fonts[weight] { return face }
        let face = try FontFace(weight: weight)
        fonts[weight] = face
        return face
    }

    // MARK: - Shapes
    // Shapes with non-finite coordinates are skipped: one NaN would put the Cairo
    // context into a permanent error state and blank every later drawing call.

    /// A rectangle outline; `dash` lengths in pixels (e.g. [6, 4]) make it dashed. The
    /// stroke is centred on the rectangle's edge, as OpenCV's and matplotlib's are.
    public func strokeRectangle(_ rect: Rect, color: RGB, lineWidth: Double = 2, dash: [Double] = [],
                                alpha: Double = 1) {
        guard rect.isFinite, lineWidth.isFinite else { return }
        cairo_save(context)
        setColor(color, alpha: alpha)
        cairo_set_line_width(context, max(lineWidth, 0))
        cairo_set_line_join(context, CAIRO_LINE_JOIN_MITER)
        // Cairo errors (for good) on negative or all-zero dashes; draw those solid.
        if dash.allSatisfy({ $0.isFinite && $0 >= 0 }), dash.reduce(0, +) > 0 {
            dash.withUnsafeBufferPointer { cairo_set_dash(context, $0.baseAddress, Int32($0.count), 0) }
        }
        cairo_rectangle(context, rect.x, rect.y, rect.width, rect.height)
        cairo_stroke(context)
        cairo_restore(context)
    }

    public func fillRectangle(_ rect: Rect, color: RGB, alpha: Double = 1) {
        guard rect.isFinite else { return }
        cairo_save(context)
        setColor(color, alpha: alpha)
        cairo_rectangle(context, rect.x, rect.y, rect.width, rect.height)
        cairo_fill(context)
        cairo_restore(context)
    }

    /// A polygon through `points` (at least 2), optionally filled.
    public func strokePolygon(_ points: [Point], color: RGB, lineWidth: Double = 1, closed: Bool = true,
                              fillAlpha: Double = 0) {
        guard points.count >= 2, points.allSatisfy({ $0.x.isFinite && $0.y.isFinite }), lineWidth.isFinite else { return }
        cairo_save(context)
        cairo_new_path(context)
        cairo_move_to(context, points[0].x, points[0].y)
        for p in points.dropFirst() { cairo_line_to(context, p.x, p.y) }
        if closed { cairo_close_path(context) }
        if fillAlpha > 0 {
            setColor(color, alpha: fillAlpha)
            cairo_fill_preserve(context)
        }
        setColor(color)
        cairo_set_line_width(context, max(lineWidth, 0))
        cairo_stroke(context)
        cairo_restore(context)
    }

    // MARK: - Masks

    /// Blends `color` into every pixel whose mask value is >= `threshold`:
    /// out = (1 - alpha) * pixel + alpha * color, rounded. The mask must match the canvas.
    public func blendMask(_ mask: Mask, color: RGB, alpha: Double = 0.3, threshold: Float = 0.5) throws {
        guard mask.width == width, mask.height == height else {
            throw ImageError.invalidArgument(name: "mask",
                                             reason: "mask is \(mask.width)x\(mask.height), canvas is \(width)x\(height)")
        }
        guard (0...1).contains(alpha) else {
            throw ImageError.invalidArgument(name: "alpha", reason: "\(alpha) is outside 0...1")
        }
        let ink = [Double(color.r), Double(color.g), Double(color.b)]
        withPixels { row, y in
            for x in 0..<self.width where mask.value(x: x, y: y) >= threshold {
                let v = row[x]
                var out: UInt32 = 0xFF00_0000
                for (c, shift) in [16, 8, 0].enumerated() {
                    let old = Double((v >> UInt32(shift)) & 0xFF)
                    let blended = ((1 - alpha) * old + alpha * ink[c]).rounded()
                    out |= UInt32(min(max(blended, 0), 255)) << UInt32(shift)
                }
                row[x] = out
            }
        }
    }

    /// Outlines the mask's regions at `level` (marching squares), pixel-centred.
    public func strokeContours(of mask: Mask, level: Float = 0.5, color: RGB, lineWidth: Double = 1) {
        for contour in Contours.find(in: mask, level: level) {
            strokePolygon(contour.map { Point(x: $0.x + 0.5, y: $0.y + 0.5) }, color: color, lineWidth: lineWidth)
        }
    }
}
