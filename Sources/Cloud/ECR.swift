// Amazon ECR (botocore model ecr/2015-09-21): repositories, repository policies and a
// push that records an image without Docker. An image here is the handler name its
// CMD would run and a directory holding the image's files; its manifest lists each
// file with its size and CRC-32, and the image digest is the SHA-256 of that manifest,
// so pushing changed files yields a new digest, as with real layers.
//
// ECR's error shapes in botocore carry no httpStatusCode, so the JSON protocol's
// default applies: every error below is HTTP 400.
import Foundation
import Serving

public struct ImageManifest: Sendable, Equatable {
    /// The function handler the image's CMD names, e.g. "yolo-lambda".
    public var entryPoint: String
    /// The image's files (weights, labels, configuration) as the handler sees them.
    public var directory: URL

    public init(entryPoint: String, directory: URL) {
        self.entryPoint = entryPoint
        self.directory = directory
    }
}

public struct ECRRepository: Sendable, Equatable {
    public var repositoryArn: String
    public var registryId: String
    public var repositoryName: String
    public var repositoryUri: String
    public var createdAt: Date
    public var imageTagMutability: String
}

public struct ImageIdentifier: Sendable, Equatable {
    public var imageDigest: String
    public var imageTag: String?
}

public struct ECRImage: Sendable, Equatable {
    public var registryId: String
    public var repositoryName: String
    public var imageId: ImageIdentifier
    /// The manifest JSON whose SHA-256 is the digest.
    public var imageManifest: String
    public var manifest: ImageManifest
}

public final class ECR: @unchecked Sendable {
    private struct StoredImage {
        var digest: String
        var manifestJSON: String
        var manifest: ImageManifest
        var tags: [String]
    }

    private struct RepositoryRecord {
        var repository: ECRRepository
        var policyText: String?
        var images: [StoredImage] = []
    }

    public let account: Account
    let clock: VirtualClock
    private let lock = NSLock()
    private var repositories: [String: RepositoryRecord] = [:]

    public init(account: Account, clock: VirtualClock) {
        self.account = account
        self.clock = clock
    }

    public var registryHost: String { "\(account.id).dkr.ecr.\(account.region).amazonaws.com" }

    @discardableResult
    public func createRepository(repositoryName: String) throws -> ECRRepository {
        try Self.validateRepositoryName(repositoryName)
        return try lock.withLock {
            guard repositories[repositoryName] == nil else {
                throw error("RepositoryAlreadyExistsException",
                            "The repository with name '\(repositoryName)' already exists in the registry with id '\(account.id)'")
            }
            let repository = ECRRepository(
                repositoryArn: account.arn(service: "ecr", resource: "repository/\(repositoryName)"),
                registryId: account.id, repositoryName: repositoryName,
                repositoryUri: "\(registryHost)/\(repositoryName)", createdAt: clock.now, imageTagMutability: "MUTABLE")
            repositories[repositoryName] = RepositoryRecord(repository: repository)
            return repository
        }
    }

    /// All repositories when `repositoryNames` is empty; otherwise those named, failing on the first unknown one.
    public func describeRepositories(repositoryNames: [String] = []) throws -> [ECRRepository] {
        try lock.withLock {
            if repositoryNames.isEmpty { return repositories.values.map(\.repository).sorted { $0.repositoryName < $1.repositoryName } }
            return try repositoryNames.map { try record($0).repository }
        }
    }

    public func deleteRepository(repositoryName: String, force: Bool = false) throws {
        try lock.withLock {
            let images = try record(repositoryName).images
            guard force || images.isEmpty else {
                throw error("RepositoryNotEmptyException",
                            "The repository with name '\(repositoryName)' in registry with id '\(account.id)' cannot be deleted because it still contains images")
            }
            repositories[repositoryName] = nil
        }
    }

    public func setRepositoryPolicy(repositoryName: String, policyText: String) throws {
        guard policyText.utf8.count <= 10_240, (try? PolicyDocument(json: policyText, kind: .resource)) != nil else {
            throw error("InvalidParameterException",
                        "Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid repository policy provided'")
        }
        try lock.withLock {
            _ = try record(repositoryName)
            repositories[repositoryName]?.policyText = policyText
        }
    }

    public func getRepositoryPolicy(repositoryName: String) throws -> String {
        try lock.withLock {
            guard let text = try record(repositoryName).policyText else {
                throw error("RepositoryPolicyNotFoundException",
                            "Repository policy does not exist for the repository with name '\(repositoryName)' in the registry with id '\(account.id)'")
            }
            return text
        }
    }

    /// `docker push`: records the image under `tag`, moving the tag off any older image.
    @discardableResult
    public func putImage(repositoryName: String, tag: String, manifest: ImageManifest) throws -> ECRImage {
        guard (1...300).contains(tag.count), !tag.contains(":"), !tag.contains("@") else {
            throw error("InvalidParameterException", "Invalid parameter at 'imageTag' failed to satisfy constraint: '\(tag)' is not a valid tag")
        }
        let manifestJSON = try ImageManifestEncoding.json(for: manifest, failure: { self.error("InvalidParameterException", $0) })
        let digest = "sha256:" + Digest.sha256Hex(Data(manifestJSON.utf8))
        return try lock.withLock {
            var images = try record(repositoryName).images
            if images.contains(where: { $0.digest == digest && $0.tags.contains(tag) }) {
                throw error("ImageAlreadyExistsException",
                            "Image with digest '\(digest)' and tag '\(tag)' already exists in the repository with name '\(repositoryName)' in registry with id '\(account.id)'")
            }
            for index in images.indices { images[index].tags.removeAll { $0 == tag } }
            if let index = images.firstIndex(where: { $0.digest == digest }) {
                images[index].tags.append(tag)
            } else {
                images.append(StoredImage(digest: digest, manifestJSON: manifestJSON, manifest: manifest, tags: [tag]))
            }
            repositories[repositoryName]?.images = images
            return ECRImage(registryId: account.id, repositoryName: repositoryName,
                            imageId: ImageIdentifier(imageDigest: digest, imageTag: tag),
                            imageManifest: manifestJSON, manifest: manifest)
        }
    }

    /// ListImages: one identifier per tag, plus untagged images with no tag.
    public func listImages(repositoryName: String) throws -> [ImageIdentifier] {
        try lock.withLock {
            try record(repositoryName).images.flatMap { image in
                image.tags.isEmpty ? [ImageIdentifier(imageDigest: image.digest, imageTag: nil)]
                    : image.tags.map { ImageIdentifier(imageDigest: image.digest, imageTag: $0) }
            }
        }
    }

    /// Finds the image an image URI (`<registry>/<repo>:<tag>` or `<registry>/<repo>@sha256:...`) names.
    public func resolveImage(uri: String) throws -> ECRImage {
        let reference = try ImageReference(parsing: uri, registryHost: registryHost)
        return try lock.withLock {
            let images = try record(reference.repositoryName).images
            let found = images.first { image in
                reference.digest.map { image.digest == $0 } ?? image.tags.contains(reference.tag ?? "latest")
            }
            guard let image = found else {
                throw error("ImageNotFoundException",
                            "The image with imageId {imageDigest:'\(reference.digest ?? "null")', imageTag:'\(reference.tag ?? "null")'} does not exist within the repository with name '\(reference.repositoryName)' in the registry with id '\(account.id)'")
            }
            return ECRImage(registryId: account.id, repositoryName: reference.repositoryName,
                            imageId: ImageIdentifier(imageDigest: image.digest, imageTag: reference.tag),
                            imageManifest: image.manifestJSON, manifest: image.manifest)
        }
    }

    /// Whether the repository policy lets `service` pull (ecr:BatchGetImage and ecr:GetDownloadUrlForLayer).
    public func allowsPull(repositoryName: String, byService service: String) -> Bool {
        lock.withLock {
            guard let text = repositories[repositoryName]?.policyText,
                  let policy = try? PolicyDocument(json: text, kind: .resource) else { return false }
            return ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"].allSatisfy {
                policy.allows(action: $0, principalType: "Service", principal: service)
            }
        }
    }

    // MARK: Helpers

    private func record(_ name: String) throws -> RepositoryRecord {
        guard let record = repositories[name] else {
            throw error("RepositoryNotFoundException",
                        "The repository with name '\(name)' does not exist in the registry with id '\(account.id)'")
        }
        return record
    }

    private func error(_ code: String, _ message: String) -> AWSError {
        AWSError(service: "ecr", code: code, httpStatus: 400, message: message)
    }

    /// botocore's RepositoryName: 2-256 characters matching its pattern.
    private static func validateRepositoryName(_ name: String) throws {
        let component = #"[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*"#
        let pattern = "^\(component)(/\(component))*$"
        guard (2...256).contains(name.count), name.range(of: pattern, options: .regularExpression) != nil else {
            throw AWSError(service: "ecr", code: "InvalidParameterException", httpStatus: 400,
                           message: "Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '\(pattern.dropFirst().dropLast())' and be 2-256 characters long' (got '\(name)')")
        }
    }
}

/// `<registry>/<repository>:<tag>` or `<registry>/<repository>@sha256:<hex>`.
struct ImageReference: Equatable {
    struct ParseError: Error, CustomStringConvertible {
        var uri: String
        var reason: String
        var description: String { "image URI '\(uri)' is not valid: \(reason)" }
    }

    var repositoryName: String
    var tag: String?
    var digest: String?

    init(parsing uri: String, registryHost: String) throws {
        guard uri.hasPrefix(registryHost + "/") else {
            throw ParseError(uri: uri, reason: "it must start with '\(registryHost)/'")
        }
        let path = String(uri.dropFirst(registryHost.count + 1))
        if let at = path.range(of: "@") {
            repositoryName = String(path[..<at.lowerBound])
            digest = String(path[at.upperBound...])
            guard digest?.hasPrefix("sha256:") == true else { throw ParseError(uri: uri, reason: "the digest must start with 'sha256:'") }
        } else if let colon = path.lastIndex(of: ":") {
            repositoryName = String(path[..<colon])
            tag = String(path[path.index(after: colon)...])
        } else {
            repositoryName = path
            tag = "latest"
        }
        guard !repositoryName.isEmpty, tag?.isEmpty != true else { throw ParseError(uri: uri, reason: "the repository or tag is empty") }
    }
}

/// The manifest JSON of a pushed image: the entry point and every file with its size
/// and CRC-32, in path order. The directory's own location is left out, so the same
/// files pushed from two places give one digest.
enum ImageManifestEncoding {
    static func json(for manifest: ImageManifest, failure: (String) -> AWSError) throws -> String {
        let root = manifest.directory.standardizedFileURL
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw failure("image directory \(root.path) does not exist or is not a directory")
        }
        guard !manifest.entryPoint.isEmpty else { throw failure("the image's entry point (handler name) is empty") }
        let paths = (FileManager.default.enumerator(atPath: root.path)?.allObjects as? [String] ?? []).sorted()
        var files: [[String: Any]] = []
        for path in paths {
            let url = root.appendingPathComponent(path)
            let attributes = try? FileManager.default.attributesOfItem(atPath: url.path)
            guard attributes?[.type] as? FileAttributeType == .typeRegular else { continue }
            guard let data = try? Data(contentsOf: url, options: .alwaysMapped) else {
                throw failure("image file \(url.path) could not be read")
            }
            files.append(["path": path, "size": data.count,
                          "crc32": String(format: "%08x", CRC32.checksum(data))])
        }
        let object: [String: Any] = [
            "schemaVersion": 2,
            "mediaType": "application/vnd.labbook.lambda.image.v1+json",
            "config": ["entryPoint": manifest.entryPoint],
            "files": files,
        ]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }
}
