// AWS STS's operations as boto3 calls them (botocore model sts/2011-06-15), onto `STS`.
import AWSShapes

enum STSOperations {
    static let handlers: [String: OperationHandler] = [
        "GetCallerIdentity": { cloud, _ in
            let identity = cloud.sts.getCallerIdentity()
            return ["UserId": .string(identity.userId), "Account": .string(identity.account), "Arn": .string(identity.arn)]
        },
    ]
}
