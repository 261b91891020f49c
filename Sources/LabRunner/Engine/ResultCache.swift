// Each step's last result, kept beside its handout in `.labbook-cache/`, so that `--only`,
// `--from`, `--failed` and `labbook watch` can take earlier steps' results instead of
// running them again, as Quarto's freeze does. An entry is reused only when its key (the
// step as written, the values its references resolve to, the parameters, the handout's
// language and this labbook build) is unchanged and the files it read and wrote still
// have the digests they had.
import Foundation
import Serving

/// One step's record as the cache keeps it (a StepRecord without its spec).
struct CachedStep: Codable {
    var key: String
    /// The step's kind and the handout's language, so that a kept record is this step's
    /// (unnamed steps are named by position) and in this handout's language.
    var kind: String
    var language: String
    var status: StepStatus
    /// The output's digest (LabValue.digest), which later steps' keys use; the output itself
    /// is beside the entry in `<id>.output.json`, as LabValue's own JSON (2.0 apart from 2).
    var outputDigest: String?
    /// The SHA-256 of `<id>.output.json` as written, so that an entry never stands in with
    /// another run's output file (a write that failed, a crash between the two files).
    var outputFileSHA256: String?
    /// Entries an older labbook wrote (their outputs inside them) are not read.
    var format: Int? = CachedStep.currentFormat
    static let currentFormat = 2
    var failure: String?
    var handoutFailure: String?
    var wallSeconds: Double
    var simulatedSeconds: Double
    var inputs: String
    var blocks: [HandoutBlock]
    var reads: [FileDigest]
    /// Files it wrote beside the handout, by name.
    var writes: [FileDigest]
    var finished: Date

    struct FileDigest: Codable, Equatable {
        var path: String
        var sha256: String
    }

    func matches(_ spec: StepSpec, language: Language) -> Bool { kind == spec.kind && self.language == language.rawValue }

    /// The step's record, with `output` read from beside the entry.
    func record(for spec: StepSpec, origin: StepRecord.Origin, output: LabValue?) -> StepRecord {
        var record = StepRecord(spec: spec, status: status, output: output,
                                failure: failure, wallSeconds: wallSeconds, simulatedSeconds: simulatedSeconds, blocks: blocks,
                                inputs: (try? LabValue(json: Data(inputs.utf8)))?.object ?? LabObject())
        record.handoutFailure = handoutFailure
        record.origin = origin
        record.cachedAt = finished
        return record
    }
}

final class ResultCache: @unchecked Sendable {
    static let folderName = ".labbook-cache"
    let folder: URL
    private let outputDirectory: URL
    private let lock = NSLock()
    /// Digests by path, size and modification time, kept across runs in digests.json, so
    /// an unchanged file (a model's weights, a video) is hashed once.
    private var memo: [String: Memo] = [:]
    private var warned = false
    /// Entries already read or written, by step id (nil inside: there is none).
    private var entries: [String: CachedStep?] = [:]

    private struct Memo: Codable {
        var size: Int
        var modified: Double
        var sha256: String
    }

    /// Where the files written into `outputDirectory` end up (a full run's staging folder is
    /// swapped in as the handout folder): their digests are remembered under that path.
    private let finalDirectory: URL?

    init(outputDirectory: URL, finalDirectory: URL? = nil) {
        self.outputDirectory = outputDirectory
        self.finalDirectory = finalDirectory
        folder = outputDirectory.appendingPathComponent(Self.folderName)
        loadDigests()
    }

    /// Reads digests.json (again, once a full run has copied the last one into its staging folder).
    func loadDigests() {
        guard let data = try? Data(contentsOf: folder.appendingPathComponent("digests.json")),
              let known = try? JSONDecoder().decode([String: Memo].self, from: data) else { return }
        lock.withLock { memo.merge(known) { current, _ in current } }
    }

    /// Writes the digests learned during the run, without the files that are gone (this
    /// run's state folder).
    func flush() {
        let staged = outputDirectory.standardizedFileURL.resolvingSymlinksInPath().path + "/"
        let final = finalDirectory.map { $0.standardizedFileURL.path + "/" }
        let data = lock.withLock { () -> Data? in
            var kept: [String: Memo] = [:]
            for (path, digest) in memo where FileManager.default.fileExists(atPath: path) {
                if let final, path.hasPrefix(staged) { kept[final + path.dropFirst(staged.count)] = digest } else { kept[path] = digest }
            }
            memo = kept
            return try? JSONEncoder().encode(memo)
        }
        guard let data else { return }
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try? data.write(to: folder.appendingPathComponent("digests.json"), options: .atomic)
    }

    private func file(for id: String, suffix: String = ".json") -> URL {
        // Step ids are letters, digits, '-', '_' (or '#n' for unnamed steps).
        folder.appendingPathComponent(id.replacingOccurrences(of: "#", with: "_step") + suffix)
    }

    /// The output kept with the step's entry; nil when it had none or it cannot be read.
    func output(of id: String, _ entry: CachedStep) -> LabValue? {
        guard entry.outputDigest != nil,
              let data = try? Data(contentsOf: file(for: id, suffix: ".output.json"), options: .alwaysMapped) else { return nil }
        return try? LabValue(json: data)
    }

    /// The step's record from its entry, with its output.
    func record(_ entry: CachedStep, for spec: StepSpec, origin: StepRecord.Origin) -> StepRecord {
        entry.record(for: spec, origin: origin, output: output(of: spec.id, entry))
    }

    /// The step's last entry, whatever its key; nil when there is none or it cannot be read.
    /// Read once per run: the plan and the run both ask for every step's entry.
    func entry(_ id: String) -> CachedStep? {
        if let known = lock.withLock({ entries[id] }) { return known }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        let entry = (try? Data(contentsOf: file(for: id))).flatMap { try? decoder.decode(CachedStep.self, from: $0) }
            .flatMap { $0.format == CachedStep.currentFormat ? $0 : nil }
        lock.withLock { entries[id] = .some(entry) }
        return entry
    }

    /// Keeps the step's record; a cache that cannot be written costs speed, not the run.
    /// Returns the output's digest (nil without an output), for later steps' keys.
    @discardableResult
    func save(_ record: StepRecord, key: String, language: Language, reads: [URL], writes: [String]) -> String? {
        let id = record.spec.id, outputFile = file(for: id, suffix: ".output.json")
        var stored: (digest: String, fileSHA256: String)?
        if let output = record.output {
            stored = saveOutput(output, to: outputFile)
            // Without its output the entry cannot stand in: none is kept, and the step runs next time.
            guard stored != nil else {
                try? FileManager.default.removeItem(at: file(for: id))
                try? FileManager.default.removeItem(at: outputFile)
                lock.withLock { entries[id] = .some(nil) }
                return output.digest
            }
        } else {
            try? FileManager.default.removeItem(at: outputFile)
        }
        let entry = CachedStep(
            key: key, kind: record.spec.kind, language: language.rawValue, status: record.status,
            outputDigest: stored?.digest, outputFileSHA256: stored?.fileSHA256, failure: record.failure,
            handoutFailure: record.handoutFailure, wallSeconds: record.wallSeconds, simulatedSeconds: record.simulatedSeconds,
            inputs: LabValue.object(record.inputs).jsonString, blocks: record.blocks,
            reads: reads.compactMap { url in digest(of: url).map { .init(path: url.path, sha256: $0) } },
            writes: writes.compactMap { name in digest(of: outputDirectory.appendingPathComponent(name)).map { .init(path: name, sha256: $0) } },
            finished: Date())
        lock.withLock { entries[record.spec.id] = .some(entry) }
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try encoder.encode(entry).write(to: file(for: record.spec.id), options: .atomic)
        } catch {
            warnOnce(error)
        }
        return stored?.digest
    }

    /// Writes the output beside its entry and hashes it in the same pass (a long output is
    /// never one string): its digest for keys and the file's own SHA-256; nil when it could
    /// not be written.
    private func saveOutput(_ output: LabValue, to url: URL) -> (digest: String, fileSHA256: String)? {
        do {
            var result: (String, String)?
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try FileOutput.write(to: url) { file in
                var all = TeeOutput(first: TeeOutput(first: file, second: RawDigestOutput()), second: DigestOutput())
                try output.write(to: &all, style: .compact)
                file = all.first.first
                result = (all.second.hex, all.first.second.hex)
            }
            return result
        } catch {
            warnOnce(error)
            return nil
        }
    }

    private func warnOnce(_ error: Error) {
        let first = lock.withLock { defer { warned = true }; return !warned }
        if first { FileHandle.standardError.write(Data("warning: the result cache in \(folder.path) cannot be written: \(error.localizedDescription)\n".utf8)) }
    }

    /// Whether `entry` may stand in for running the step now: it passed, its key is `key`,
    /// and the files it read and wrote are as they were.
    func isReusable(_ entry: CachedStep, key: String, for spec: StepSpec, language: Language) -> Bool {
        guard entry.status == .passed, entry.key == key, entry.matches(spec, language: language) else { return false }
        // An entry whose output file is gone or is not the one it wrote (cleaned by hand, a
        // disk that filled up) runs again.
        if entry.outputDigest != nil, digest(of: file(for: spec.id, suffix: ".output.json")) != entry.outputFileSHA256 { return false }
        for read in entry.reads where digest(of: URL(fileURLWithPath: read.path)) != read.sha256 { return false }
        for write in entry.writes where digest(of: outputDirectory.appendingPathComponent(write.path)) != write.sha256 { return false }
        return true
    }

    /// SHA-256 of a file, or of a folder's files (names and contents, in name order); nil
    /// when it is gone.
    func digest(of url: URL) -> String? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else { return nil }
        guard isDirectory.boolValue else { return fileDigest(url) }
        guard let names = FileManager.default.subpaths(atPath: url.path)?.sorted() else { return nil }
        var listing = ""
        for name in names where !name.hasPrefix(Self.folderName) {
            let child = url.appendingPathComponent(name)
            var childIsDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: child.path, isDirectory: &childIsDirectory), !childIsDirectory.boolValue else { continue }
            listing += "\(name)\t\(fileDigest(child) ?? "-")\n"
        }
        return Digest.sha256Hex(Data(listing.utf8))
    }

    private func fileDigest(_ url: URL) -> String? {
        let path = url.resolvingSymlinksInPath().path
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let size = attributes[.size] as? Int,
              let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 else { return nil }
        if let known = lock.withLock({ memo[path] }), known.size == size, known.modified == modified { return known.sha256 }
        guard let sha = try? SHA256.hex(ofFileAt: URL(fileURLWithPath: path)) else { return nil }
        lock.withLock {
            memo[path] = Memo(size: size, modified: modified, sha256: sha)
        }
        return sha
    }

    /// The step's key: what it says, what its references resolve to (parameters, and the
    /// digests of the steps' outputs), the language and this labbook build.
    /// A path in a run's own state folder (a model archive it built) is named without the
    /// folder, which differs from run to run: its content is the key of the step that made it.
    static func key(for spec: StepSpec, params: [String: LabValue], lab: [String: LabValue],
                    outputDigests: [String: String], language: Language) -> String {
        var text = "labbook \(build)\nlanguage \(language.rawValue)\nstep \(spec.source)\n"
        for name in spec.parameterReferences.sorted() { text += "param \(name) \(params[name]?.jsonString ?? "-")\n" }
        for name in lab.keys.sorted() { text += "lab \(name) \(lab[name]!.jsonString)\n" }
        for id in spec.references.sorted() { text += "uses \(id) \(outputDigests[id] ?? "-")\n" }
        return Digest.sha256Hex(Data(withoutStateFolders(text).utf8))
    }

    /// `text` with every `<tmp>/labbook-state-<lab>-<pid>` (LabEngine's name for a run's
    /// state folder) written as `<state>`: one pass, as keys can hold megabytes of outputs.
    static func withoutStateFolders(_ text: String) -> String {
        var result = "", rest = text[...]
        while let hit = rest.range(of: "/labbook-state-") {
            let before = rest[..<hit.lowerBound]
            let start = before.lastIndex { $0 == "\"" || $0.isWhitespace }.map(before.index(after:)) ?? before.startIndex
            result += rest[..<start]
            var end = hit.upperBound
            while end < rest.endIndex, rest[end].isLetter || rest[end].isNumber || rest[end] == "-" || rest[end] == "_" {
                end = rest.index(after: end)
            }
            result += "<state>"
            rest = rest[end...]
        }
        return result + rest
    }

    /// This program's version, size and modification time: a rebuilt labbook may compute
    /// differently, so its entries do not carry over.
    static let build: String = {
        let path = Bundle.main.executablePath ?? CommandLine.arguments.first ?? ""
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        let size = attributes?[.size] as? Int ?? 0
        let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        return "\(labbookVersion) \(size) \(modified)"
    }()
}
