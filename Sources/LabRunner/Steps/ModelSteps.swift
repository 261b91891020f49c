// Steps around a model before any endpoint: package it as model.tar.gz (weights at the
// root, inference code under code/), and run its handler directly on a sample, as the
// notebooks' first cells do.
//
// `model:` is a folder in the seed's layout (config.json, model.pth or
// model.safetensors, vocab/), or `fixture:<name>` for a small model the project makes.
import Foundation
import Cloud
import Serving

struct PackageModelStep: LabStep {
    static let kind = "model.package"
    static let summary = "Builds model.tar.gz (weights at the root, code/ naming the handler); optionally uploads it to S3."
    let model: Arg<String>, program: Arg<String>, upload: Arg<String>?

    init(arguments: inout StepArguments) throws {
        model = try arguments.required("model")
        program = try arguments.required("program")
        upload = try arguments.optional("upload")
    }

    func run(in context: StepContext) async throws -> LabValue {
        let directory = try context.modelDirectory(try context.resolve(model), at: model.location)
        let name = try context.resolve(program)
        guard context.session.services.handlers.modelHandlerNames.contains(name) else {
            throw LabError.unknown("handler", name, at: program.location, known: context.session.services.handlers.modelHandlerNames)
        }
        let manifest = Data(LabValue.object(LabObject([("program", .string(name))])).prettyJSON.utf8)
        let artifact = try Self.pack(directory, manifest: manifest, staging: context.session.services.stateDirectory
            .appendingPathComponent("\(context.stepID)-staging"))
        let file = context.session.services.stateDirectory.appendingPathComponent("\(context.stepID).model.tar.gz")
        try artifact.write(to: file, options: .atomic)
        let listing = try ModelArtifact.entries(of: artifact).filter { $0.kind == .file }
        context.show(.code(listing.map { "\(String(format: "%10d", $0.contents.count))  \($0.path)" }.joined(separator: "\n"),
                           language: "text", caption: "$ tar -tzvf model.tar.gz"))
        var out = LabObject([("Path", .string(file.path)), ("Bytes", .int(artifact.count)),
                             ("Files", .list(listing.map { .string($0.path) }))])
        if let upload {
            let uri = try context.resolve(upload)
            let parsed: (String, String)
            do { let u = try S3URI(parsing: uri); parsed = (u.bucket, u.key) } catch {
                throw LabError(upload.location, "upload must be s3://bucket/key, not '\(uri)'")
            }
            if (try? context.cloud.s3.headBucket(parsed.0)) == nil { try context.cloud.s3.createBucket(parsed.0) }
            _ = try context.cloud.s3.putObject(bucket: parsed.0, key: parsed.1, body: artifact, contentType: "application/x-gzip")
            out["ModelDataUrl"] = .string(uri)
        }
        return .object(out)
    }

    /// The model's files at the root and code/handler.json naming the handler.
    static func pack(_ directory: URL, manifest: Data, staging: URL) throws -> Data {
        let files = FileManager.default
        try? files.removeItem(at: staging)
        defer { try? files.removeItem(at: staging) }
        try files.copyItem(at: directory, to: staging)
        try files.createDirectory(at: staging.appendingPathComponent("code"), withIntermediateDirectories: true)
        try manifest.write(to: staging.appendingPathComponent("code/handler.json"))
        return try ModelArtifact.pack(directory: staging)
    }
}

struct PredictStep: LabStep {
    static let kind = "model.predict"
    static let summary = "Runs a handler on one request in-process (model_fn, then input/predict/output_fn): no endpoint."
    let model: Arg<String>, program: Arg<String>, body: Arg<LabValue>?, bodyFile: Arg<String>?
    let contentType: Arg<String>?, accept: Arg<String>?

    init(arguments: inout StepArguments) throws {
        model = try arguments.required("model")
        program = try arguments.required("program")
        body = try arguments.optional("Body")
        bodyFile = try arguments.optional("BodyFile")
        guard (body == nil) != (bodyFile == nil) else { throw LabError(arguments.location, "model.predict takes one of Body or BodyFile") }
        contentType = try arguments.optional("ContentType")
        accept = try arguments.optional("Accept")
    }

    func run(in context: StepContext) async throws -> LabValue {
        let directory = try context.modelDirectory(try context.resolve(model), at: model.location)
        let handler = try context.session.services.handlers.loadModel(try context.resolve(program), from: directory)
        let payload = try RequestBody.resolve(body: body, file: bodyFile, in: context)
        let type = try context.resolve(contentType, default: "application/jsonlines")
        let started = DispatchTime.now()
        let response = try handler.invoke(body: payload, contentType: type, accept: try context.resolve(accept, default: type))
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        var out = LabObject([("ContentType", .string(response.contentType)), ("Seconds", .number(seconds))])
        for (key, value) in RequestBody.decoded(response.body, contentType: response.contentType) { out[key] = value }
        return .object(out)
    }
}

extension StepContext {
    /// `fixture:<name>` or a folder; notes which weights were used for the handout.
    func modelDirectory(_ written: String, at location: SourceLocation) throws -> URL {
        if written.hasPrefix("fixture:") {
            let name = String(written.dropFirst("fixture:".count))
            guard let url = session.services.fixtureModel(name) else {
                throw LabError(location, "no fixture model '\(name)'; fixtures: \(session.services.fixtureModelNames.joined(separator: ", "))")
            }
            noteWeights(model: name, source: written, isFixture: true)
            return url
        }
        let url = bookFile(written)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw LabError(location, "model folder \(url.path) does not exist")
        }
        noteWeights(model: url.lastPathComponent, source: written, isFixture: false)
        return url
    }
}
