// `model.package`: Builds model.tar.gz (weights at the root, code/ naming the handler); optionally uploads it to S3.
import Foundation
import Cloud
import Serving

struct PackageModelStep: LabStep {
    static let kind = "model.package"
    static let summary = "Builds model.tar.gz (weights at the root, code/ naming the handler); optionally uploads it to S3."
    static let declaration = StepDeclaration(
        keys: [
            StepKey.model,
            StepKey.program,
            StepKey("upload", .string, "An s3://bucket/key to upload the archive to, as sagemaker.Session().upload_data does."),
        ],
        output: [
            OutputField("Path", "The archive on this machine."),
            OutputField("Bytes", "Its size."),
            OutputField("Files", "The files inside it."),
            OutputField("ModelDataUrl", "With upload: the S3 URI, for create_model's ModelDataUrl."),
        ],
        touchesState: true,
        example: """
            model: fixture:nsmc-demo
            program: nsmc
            upload: s3://my-bucket/nsmc/model.tar.gz
            """)
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
            throw LabError.unknown("handler", name, at: program.location, known: context.session.services.handlers.modelHandlerNames,
                                   koWhat: "핸들러")
        }
        let manifest = Data(LabValue.object(LabObject([("program", .string(name))])).prettyJSON.utf8)
        let artifact = try Self.pack(directory, manifest: manifest, staging: context.session.services.stateDirectory
            .appendingPathComponent("\(context.stepID)-staging"))
        let file = context.session.services.stateDirectory.appendingPathComponent("\(context.stepID).model.tar.gz")
        try artifact.write(to: file, options: .atomic)
        context.noteArtifact(file.path)
        let listing = try ModelArtifact.entries(of: artifact).filter { $0.kind == .file }
        context.show(.code(listing.map { "\(String(format: "%10d", $0.contents.count))  \($0.path)" }.joined(separator: "\n"),
                           language: "text", caption: "$ tar -tzvf model.tar.gz"))
        var out = LabObject([("Path", .string(file.path)), ("Bytes", .int(artifact.count)),
                             ("Files", .list(listing.map { .string($0.path) }))])
        if let upload {
            let uri = try context.resolve(upload)
            let parsed: (String, String)
            do { let u = try S3URI(parsing: uri); parsed = (u.bucket, u.key) } catch {
                throw LabError(upload.location, "upload must be s3://bucket/key, not '\(uri)'",
                               ko: "upload는 s3://bucket/key 꼴이어야 합니다: '\(uri)'")
            }
            try await Self.upload(artifact, bucket: parsed.0, key: parsed.1, in: context)
            out["ModelDataUrl"] = .string(uri)
            context.noteArtifact(uri)
        }
        return .object(out)
    }

    /// PutObject, after creating the bucket as the SDK's default_bucket() does.
    static func upload(_ artifact: Data, bucket: String, key: String, in context: StepContext) async throws {
        try await DefaultBucketStep.ensure(bucket, in: context)
        let _: AWSValue = try await context.call("s3", "PutObject", [
            "Bucket": .string(bucket), "Key": .string(key), "Body": .blob(artifact), "ContentType": "application/x-gzip",
        ])
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
