// Paths as a handout's reader should see them: no machine's home folder, checkout or
// per-run temporary folder. `/root/.cache/labbook/…` reads `~/.cache/labbook/…`, the book's
// files are relative to where `labbook run` was started, and this run's scratch folder is
// `<state>` (so is an earlier run's, which a cached record may name), so the same run on
// another machine writes the same handout.
import Foundation

struct HandoutPaths {
    /// Longest first: a state folder under the checkout is `<state>`, not a relative path.
    private let replacements: [(prefix: String, shown: String)]

    init(stateDirectory: URL, workingDirectory: String = FileManager.default.currentDirectoryPath,
         home: String = NSHomeDirectory()) {
        var pairs = [(stateDirectory.standardizedFileURL.path, "<state>")]
        if workingDirectory.count > 1 { pairs.append((workingDirectory, ".")) }
        if home.count > 1 { pairs.append((home, "~")) }
        replacements = pairs.map { (Self.trimmed($0.0), $0.1) }.sorted { $0.prefix.count > $1.prefix.count }
    }

    /// An absolute path ending in a state folder's name, where a path can start and end (as in `apply`).
    private static let stateFolder: NSRegularExpression? = {
        try? NSRegularExpression(pattern: #"(^|[\s"'`(\[*=]|file://)(?:/[^\s"'`()\[\]*/]+)*/labbook-state-[A-Za-z0-9._-]+-[0-9]+(?=[/"'`)\]\s*]|$)"#,
                                 options: [.anchorsMatchLines])
    }()

    private static func trimmed(_ path: String) -> String {
        path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    }

    /// Rewrites every path in `text` that starts with one of the prefixes, where a path can
    /// start (after a quote, a space, a bracket, `file://` or the line's start), never inside another URL.
    func apply(to text: String) -> String {
        // Any run's state folder, `<tmp>/labbook-state-<lab>-<pid>` (LabEngine's name; see
        // ResultCache.withoutStateFolders): records from the result cache name earlier runs' folders.
        var result = Self.stateFolder.map {
            $0.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "$1<state>")
        } ?? text
        for (prefix, shown) in replacements {
            let escaped = NSRegularExpression.escapedPattern(for: prefix)
            guard let expression = try? NSRegularExpression(
                pattern: #"(^|[\s"'`(\[*=]|file://)"# + escaped + #"(?=[/"'`)\]\s*]|$)"#, options: [.anchorsMatchLines]) else { continue }
            let range = NSRange(result.startIndex..., in: result)
            result = expression.stringByReplacingMatches(
                in: result, range: range, withTemplate: "$1" + NSRegularExpression.escapedTemplate(for: shown))
        }
        return result
    }
}
