// The account-level instance quota for endpoints ("<type> for endpoint usage" in Service
// Quotas): every instance of a type, across all endpoints, counts against one limit.
// Requests past it fail with ResourceLimitExceeded (botocore models no httpStatusCode for
// it, so 400) in AWS's wording.
import Foundation

extension SageMaker {
    /// Instances of one type all endpoints together may use. One figure for every type;
    /// AWS's defaults vary by type and account.
    public static let endpointInstanceQuota = 20

    /// Throws ResourceLimitExceeded when adding `delta` instances of `type` passes the quota.
    /// `excluding` leaves one endpoint's own instances out of the utilization (UpdateEndpoint
    /// replaces them). Compared as a difference, so a huge delta cannot overflow.
    func checkInstanceQuota(type: String, delta: Int, excluding: HostedEndpoint? = nil) throws {
        guard delta > 0 else { return }
        let quota = Self.endpointInstanceQuota
        let utilization = instanceUtilization(type: type, excluding: excluding)
        guard delta > quota - utilization else { return }
        throw AWSError(
            service: "sagemaker", code: "ResourceLimitExceeded", httpStatus: 400,
            message: "The account-level service limit '\(type) for endpoint usage' is \(quota) Instances, with current "
                + "utilization of \(utilization) Instances and a request delta of \(delta) Instances. "
                + "Please use AWS Service Quotas to request an increase for this quota.")
    }

    /// Instances per type a configuration asks for, summed without overflow.
    static func requestedInstances(_ config: CreateEndpointConfigInput) -> [String: Int] {
        var counts: [String: Int] = [:]
        for variant in config.productionVariants where variant.serverlessConfig == nil {
            guard let type = variant.instanceType, let count = variant.initialInstanceCount else { continue }
            counts[type] = saturatingSum(counts[type] ?? 0, count)
        }
        return counts
    }

    /// Instances of `type` that endpoints hold or are bringing up (desired counts); a Failed
    /// endpoint holds none.
    private func instanceUtilization(type: String, excluding: HostedEndpoint?) -> Int {
        endpoints.values.filter { $0 !== excluding && $0.status != .failed }.reduce(0) { total, endpoint in
            let held: Int
            if endpoint.variants.isEmpty {
                held = Self.requestedInstances(endpoint.config.input)[type] ?? 0
            } else {
                held = endpoint.variants.filter { $0.serverless == nil && $0.variant.instanceType == type }
                    .reduce(0) { saturatingSum($0, $1.desiredInstanceCount) }
            }
            return saturatingSum(total, held)
        }
    }
}

func saturatingSum(_ a: Int, _ b: Int) -> Int {
    let (sum, overflow) = a.addingReportingOverflow(b)
    return overflow ? (b > 0 ? Int.max : Int.min) : sum
}
