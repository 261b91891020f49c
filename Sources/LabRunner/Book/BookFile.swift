// Reading a lab book or a parameter file: bounded in size, and every refusal names the file
// and, for bad text, the line and column, instead of a Foundation error code.
import Formats
import Foundation

enum BookFile {
    /// Books are hand-written: a few hundred lines. Anything far larger is a mistake or an attack.
    static let maxBytes = 4 << 20

    static func text(of url: URL, name: String) throws -> String {
        let location = SourceLocation.synthetic(name)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw LabError(location, "no such file")
        }
        guard !isDirectory.boolValue else { throw LabError(location, "is a folder; expected a YAML file") }
        let attributes = try? FileManager.default.attributesOfItem(atPath: url.path)
        guard attributes?[.type] as? FileAttributeType == .typeRegular else {
            throw LabError(location, "is not a regular file (a device, pipe or socket); expected a YAML file")
        }
        let size = (attributes?[.size] as? NSNumber)?.intValue ?? 0
        guard size <= maxBytes else {
            throw LabError(location, "the file is \(size / 1024) KB; a lab book or parameter file may be at most \(maxBytes >> 20) MB")
        }
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw LabError(location, "cannot read the file: permission denied or I/O error") }
        guard let text = String(data: data, encoding: .utf8) else {
            let (position, byte) = TextPosition.firstInvalidUTF8(in: data) ?? (TextPosition(line: 1, column: 1), 0)
            throw LabError(location.at(line: position.line, column: position.column),
                           String(format: "the file is not UTF-8 text: byte 0x%02X cannot start or continue a character", byte))
        }
        return text
    }
}
