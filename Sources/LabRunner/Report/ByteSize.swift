// Byte counts as a reader wants them in a handout, in either language.
import Media

enum ByteSize {
    /// "500 B", "114 KB", "7.11 MB": three significant digits, 1,024-based like the charts' byte axes.
    static func text(_ count: Int) -> String { AxisFormat.bytes.text(Double(count)) }
}
