// Fonts through fontconfig and cairo-ft. The labs' text is Korean, so the family must
// have Hangul: NanumGothic (Debian's fonts-nanum). fontconfig silently substitutes a
// missing family, which would print Hangul as empty boxes, so the match is checked.
import CCairo
import Foundation

public enum DrawingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// fontconfig has no font of this family (install fonts-nanum); carries what it offered.
    case fontUnavailable(family: String, substitute: String)
    /// Cairo reported an error status.
    case cairo(operation: String, status: String)

    public var description: String {
        switch self {
        case let .fontUnavailable(family, substitute):
            return "font family '\(family)' is not installed (fontconfig offered '\(substitute)'); install fonts-nanum"
        case let .cairo(operation, status):
            return "cairo \(operation) failed: \(status)"
        }
    }
}

public enum FontWeight: Sendable {
    case regular
    case bold
}

/// A cairo font face resolved from a family name; released with the value's storage.
final class FontFace {
    let face: OpaquePointer

    static let defaultFamily = "NanumGothic"

    init(family: String = FontFace.defaultFamily, weight: FontWeight = .regular) throws {
        guard let pattern = FcPatternCreate() else { throw DrawingError.cairo(operation: "FcPatternCreate", status: "no memory") }
        defer { FcPatternDestroy(pattern) }
        FcPatternAddString(pattern, FC_FAMILY, family)
        FcPatternAddInteger(pattern, FC_WEIGHT, weight == .bold ? FC_WEIGHT_BOLD : FC_WEIGHT_REGULAR)
        FcConfigSubstitute(nil, pattern, FcMatchPattern)
        FcDefaultSubstitute(pattern)
        var result = FcResultNoMatch
        guard let match = FcFontMatch(nil, pattern, &result) else {
            throw DrawingError.fontUnavailable(family: family, substitute: "nothing")
        }
        defer { FcPatternDestroy(match) }
        var matched: UnsafeMutablePointer<FcChar8>?
        let found = FcPatternGetString(match, FC_FAMILY, 0, &matched) == FcResultMatch
        let name = found ? matched.map { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) } ?? "" : ""
        guard name.lowercased() == family.lowercased() else {
            throw DrawingError.fontUnavailable(family: family, substitute: name)
        }
        guard let face = cairo_ft_font_face_create_for_pattern(match) else {
            throw DrawingError.cairo(operation: "cairo_ft_font_face_create_for_pattern", status: "returned nil")
        }
        self.face = face
    }

    deinit { cairo_font_face_destroy(face) }
}

func cairoStatusText(_ status: cairo_status_t) -> String {
    String(cString: cairo_status_to_string(status))
}
