// Application Auto Scaling's request checks and errors (botocore model
// application-autoscaling/2016-02-06; no error has an httpStatusCode, so all are 400).
import Foundation

extension ApplicationAutoScaling {
    static let namespaces = ["ecs", "elasticmapreduce", "ec2", "appstream", "dynamodb", "rds", "sagemaker",
                             "custom-resource", "comprehend", "lambda", "cassandra", "kafka", "elasticache",
                             "neptune", "workspaces"]

    static func checkNamespace(_ namespace: String) throws {
        guard namespaces.contains(namespace) else {
            throw validation("1 validation error detected: Value '\(namespace)' at 'serviceNamespace' failed to satisfy constraint: Member must satisfy enum value set: [\(namespaces.joined(separator: ", "))]")
        }
        guard namespace == "sagemaker" else {
            throw validation("Service namespace \(namespace) is not emulated; only sagemaker is.")
        }
    }

    /// `endpoint/<endpoint>/variant/<variant>` with dimension sagemaker:variant:DesiredInstanceCount.
    static func parse(_ namespace: String, _ resourceId: String, _ dimension: String) throws -> (String, String) {
        try checkNamespace(namespace)
        guard dimension == sagemakerDimension else {
            throw validation("Unsupported scalable dimension \(dimension) for service namespace sagemaker; the emulator supports \(sagemakerDimension).")
        }
        let parts = resourceId.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 4, parts[0] == "endpoint", parts[2] == "variant", !parts[1].isEmpty, !parts[3].isEmpty else {
            throw validation("Unsupported resource ID \(resourceId); expected endpoint/<endpoint-name>/variant/<variant-name>.")
        }
        return (parts[1], parts[3])
    }

    static func check(_ config: TargetTrackingScalingPolicyConfiguration) throws {
        guard (config.predefinedMetricSpecification == nil) != (config.customizedMetricSpecification == nil) else {
            throw validation("Exactly one of PredefinedMetricSpecification and CustomizedMetricSpecification must be specified.")
        }
        if let predefined = config.predefinedMetricSpecification, predefined.predefinedMetricType != "SageMakerVariantInvocationsPerInstance" {
            throw validation("Predefined metric type \(predefined.predefinedMetricType) is not emulated; use SageMakerVariantInvocationsPerInstance or a CustomizedMetricSpecification.")
        }
        guard config.targetValue.isFinite, config.targetValue > 0 else {
            throw validation("The target value \(config.targetValue) must be greater than 0.")
        }
        for (value, name) in [(config.scaleInCooldown, "scaleInCooldown"), (config.scaleOutCooldown, "scaleOutCooldown")] {
            if let value, value < 0 {
                throw validation("1 validation error detected: Value '\(value)' at '\(name)' failed to satisfy constraint: Member must have value greater than or equal to 0")
            }
        }
    }

    static func validation(_ message: String) -> AWSError {
        AWSError(service: "application-autoscaling", code: "ValidationException", httpStatus: 400, message: message)
    }

    static func notFound(_ message: String) -> AWSError {
        AWSError(service: "application-autoscaling", code: "ObjectNotFoundException", httpStatus: 400, message: message)
    }
}
