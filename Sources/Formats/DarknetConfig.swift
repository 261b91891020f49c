// darknet's `.cfg` network description: `[section]` headers, each followed by
// `key=value` lines; `#` and `;` start comments. Like darknet's read_cfg (and OpenCV's
// ReadDarknetFromCfgFile), spaces are insignificant, so `mask = 3,4,5` is `mask=3,4,5`.
import Foundation

public struct DarknetConfig: Sendable, Equatable {
    public struct Section: Sendable, Equatable {
        /// `net`, `convolutional`, `maxpool`, …
        public var type: String
        /// The 1-based line of the `[type]` header, for errors.
        public var line: Int
        public var options: [String: String]
        public var location: String

        /// An integer option, or `defaultValue` when absent.
        public func int(_ key: String, default defaultValue: Int? = nil) throws -> Int {
            guard let text = options[key] else {
                if let defaultValue { return defaultValue }
                throw CheckpointError(.malformed, location, "[\(type)] needs '\(key)'")
            }
            guard let value = Int(text) else { throw CheckpointError(.malformed, location, "[\(type)] \(key)=\(text) is not an integer") }
            return value
        }

        public func float(_ key: String, default defaultValue: Float) throws -> Float {
            guard let text = options[key] else { return defaultValue }
            guard let value = Float(text) else { throw CheckpointError(.malformed, location, "[\(type)] \(key)=\(text) is not a number") }
            return value
        }

        public func string(_ key: String, default defaultValue: String) -> String { options[key] ?? defaultValue }

        /// A comma-separated list of integers (`layers = -1, 8`, `mask = 3,4,5`).
        public func ints(_ key: String) throws -> [Int]? {
            guard let text = options[key] else { return nil }
            var values: [Int] = []
            for part in text.split(separator: ",", omittingEmptySubsequences: false) {
                guard let value = Int(part) else {
                    throw CheckpointError(.malformed, location, "[\(type)] \(key)=\(text): '\(part)' is not an integer")
                }
                values.append(value)
            }
            return values
        }

        public func floats(_ key: String) throws -> [Float]? {
            guard let text = options[key] else { return nil }
            return try text.split(separator: ",").map { part in
                guard let value = Float(part) else {
                    throw CheckpointError(.malformed, location, "[\(type)] \(key)=\(text): '\(part)' is not a number")
                }
                return value
            }
        }
    }

    /// All sections in file order; the first is `[net]`.
    public var sections: [Section]

    public init(contentsOf url: URL) throws {
        guard let data = try? Data(contentsOf: url) else { throw CheckpointError(.io, url.path, "cannot read the darknet .cfg") }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CheckpointError(.malformed, url.path, "the .cfg is \(TextPosition.utf8Problem(in: data) ?? "not UTF-8 text")")
        }
        try self.init(text: text, file: url.lastPathComponent)
    }

    public init(text: String, file: String) throws {
        sections = []
        // Any line ending: a .cfg saved on Windows ends its lines with "\r\n", one Character in Swift.
        for (index, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = rawLine.filter { !$0.isWhitespace }
            let place = "\(file):\(index + 1)"
            guard let first = line.first, first != "#", first != ";" else { continue }
            if first == "[" {
                guard line.last == "]", line.count > 2 else { throw CheckpointError(.malformed, place, "bad section header '\(line)'") }
                sections.append(Section(type: String(line.dropFirst().dropLast()), line: index + 1, options: [:], location: place))
                continue
            }
            guard let equals = line.firstIndex(of: "="), equals != line.startIndex else {
                throw CheckpointError(.malformed, place, "expected key=value, found '\(line)'")
            }
            guard !sections.isEmpty else { throw CheckpointError(.malformed, place, "'\(line)' comes before any [section]") }
            sections[sections.count - 1].options[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        guard let net = sections.first, net.type == "net" || net.type == "network" else {
            throw CheckpointError(.malformed, file, "a darknet .cfg starts with a [net] section")
        }
    }

    public var net: Section { sections[0] }
    /// The layers: every section after `[net]`, indexed as darknet numbers them.
    public var layers: ArraySlice<Section> { sections.dropFirst() }
}
