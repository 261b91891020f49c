// Amazon ECR's operations as boto3 calls them (botocore model ecr/2015-09-21), onto `ECR`.
import AWSShapes
import Foundation

enum ECROperations {
    static let handlers: [String: OperationHandler] = [
        "CreateRepository": { cloud, input in try createRepository(cloud.ecr, Parameters(input, service: "ecr")) },
        "DescribeRepositories": { cloud, input in
            try describeRepositories(cloud.ecr, Parameters(input, service: "ecr"))
        },
        "DeleteRepository": { cloud, input in
            let p = Parameters(input, service: "ecr")
            let name = try p.string("repositoryName")
            let repository = try cloud.ecr.describeRepositories(repositoryNames: [name])[0]
            try cloud.ecr.deleteRepository(repositoryName: name, force: p.optionalBool("force") ?? false)
            return ["repository": ECROperations.repository(repository)]
        },
        "SetRepositoryPolicy": { cloud, input in
            let p = Parameters(input, service: "ecr")
            let name = try p.string("repositoryName"), text = try p.string("policyText")
            try cloud.ecr.setRepositoryPolicy(repositoryName: name, policyText: text)
            return policy(cloud.ecr, name, text)
        },
        "GetRepositoryPolicy": { cloud, input in
            let name = try Parameters(input, service: "ecr").string("repositoryName")
            return policy(cloud.ecr, name, try cloud.ecr.getRepositoryPolicy(repositoryName: name))
        },
        "ListImages": { cloud, input in try listImages(cloud.ecr, Parameters(input, service: "ecr")) },
        "GetAuthorizationToken": { cloud, input in
            let data = cloud.ecr.getAuthorizationToken(registryIds: Parameters(input, service: "ecr").strings("registryIds"))
            return ["authorizationData": .list(data.map { d in
                ["authorizationToken": .string(d.authorizationToken), "expiresAt": .timestamp(d.expiresAt),
                 "proxyEndpoint": .string(d.proxyEndpoint)]
            })]
        },
    ]

    /// `ECR` keeps tags as mutable; an immutable repository would refuse to move a tag on
    /// push, which the emulation does not do, so asking for one is refused, not ignored.
    private static func createRepository(_ ecr: ECR, _ p: Parameters) throws -> AWSValue {
        if let mutability = p.optionalString("imageTagMutability"), mutability != "MUTABLE" {
            throw invalidParameter("Invalid parameter at 'imageTagMutability' failed to satisfy constraint: '\(mutability) repositories are not emulated; use MUTABLE'")
        }
        let created = try ecr.createRepository(repositoryName: try p.string("repositoryName"))
        return ["repository": repository(created)]
    }

    /// Up to 100 a page; `maxResults` pages only the listing of every repository, as on AWS.
    private static func describeRepositories(_ ecr: ECR, _ p: Parameters) throws -> AWSValue {
        let names = p.strings("repositoryNames")
        if !names.isEmpty && (p.optionalInt("maxResults") != nil || p.optionalString("nextToken") != nil) {
            throw invalidParameter("Invalid parameter: maxResults and nextToken cannot be used with repositoryNames")
        }
        let page = try p.page(of: try ecr.describeRepositories(repositoryNames: names), tokenKey: "nextToken",
                              limit: p.optionalInt("maxResults") ?? 100, invalidToken: invalidParameter)
        return .structure([("repositories", .list(page.items.map(repository))), ("nextToken", .optional(page.nextToken))])
    }

    private static func listImages(_ ecr: ECR, _ p: Parameters) throws -> AWSValue {
        let status = p.structure("filter")?.optionalString("tagStatus") ?? "ANY"
        let images = try ecr.listImages(repositoryName: try p.string("repositoryName")).filter {
            status == "ANY" || (status == "TAGGED") == ($0.imageTag != nil)
        }
        let page = try p.page(of: images, tokenKey: "nextToken", limit: p.optionalInt("maxResults") ?? 100,
                              invalidToken: invalidParameter)
        let ids = page.items.map { AWSValue.structure([("imageDigest", .string($0.imageDigest)), ("imageTag", .optional($0.imageTag))]) }
        return .structure([("imageIds", .list(ids)), ("nextToken", .optional(page.nextToken))])
    }

    static func repository(_ r: ECRRepository) -> AWSValue {
        ["repositoryArn": .string(r.repositoryArn), "registryId": .string(r.registryId),
         "repositoryName": .string(r.repositoryName), "repositoryUri": .string(r.repositoryUri),
         "createdAt": .timestamp(r.createdAt), "imageTagMutability": .string(r.imageTagMutability)]
    }

    private static func policy(_ ecr: ECR, _ name: String, _ text: String) -> AWSValue {
        ["registryId": .string(ecr.account.id), "repositoryName": .string(name), "policyText": .string(text)]
    }

    private static func invalidParameter(_ message: String) -> AWSError {
        AWSError(service: "ecr", code: "InvalidParameterException", httpStatus: 400, message: message)
    }
}
