// botocore's ProductionVariantInstanceType enum (sagemaker/2017-07-24/service-2.json),
// grouped by family to keep it readable: "ml.c5" with sizes "large xlarge ..." means
// ml.c5.large, ml.c5.xlarge, ... Regenerate from botocore when the model changes.
import Foundation

public enum SageMakerInstanceTypes {
    static let all: [String] = families.flatMap { family, sizes in
        sizes.split(separator: " ").map { "\(family).\($0)" }
    }

    static let known: Set<String> = Set(all)

    /// vCPUs by AWS's size names: medium 1, large 2, xlarge 4, Nxlarge 4·N.
    static func vCPUs(_ instanceType: String) -> Int? {
        guard let size = instanceType.split(separator: ".").last else { return nil }
        switch size {
        case "medium": return 1
        case "large": return 2
        case "xlarge": return 4
        default:
            guard size.hasSuffix("xlarge"), let n = Int(size.dropLast("xlarge".count)), n > 0 else { return nil }
            return 4 * n
        }
    }

    /// How much longer a model takes on `instanceType` than the time measured here: the
    /// ratio of this machine's cores to the instance's physical cores (vCPUs ÷ 2, with
    /// hyperthreading). An ml.m5.xlarge (4 vCPUs) on a 2-core machine is 1×. Unknown types
    /// (and serverless variants, which have none) keep the measured time. A CPU model of
    /// speed; GPU instances are timed as their CPUs would be.
    public static func computeScale(_ instanceType: String, localCores: Int = ProcessInfo.processInfo.activeProcessorCount) -> Double {
        guard let vCPUs = vCPUs(instanceType), localCores > 0 else { return 1 }
        return Double(localCores) / max(Double(vCPUs) / 2, 1)
    }

    private static let families: [(String, String)] = [
        ("ml.t2", "medium large xlarge 2xlarge"),
        ("ml.m4", "xlarge 2xlarge 4xlarge 10xlarge 16xlarge"),
        ("ml.m5", "large xlarge 2xlarge 4xlarge 12xlarge 24xlarge"),
        ("ml.m5d", "large xlarge 2xlarge 4xlarge 12xlarge 24xlarge"),
        ("ml.c4", "large xlarge 2xlarge 4xlarge 8xlarge"),
        ("ml.p2", "xlarge 8xlarge 16xlarge"),
        ("ml.p3", "2xlarge 8xlarge 16xlarge"),
        ("ml.c5", "large xlarge 2xlarge 4xlarge 9xlarge 18xlarge"),
        ("ml.c5d", "large xlarge 2xlarge 4xlarge 9xlarge 18xlarge"),
        ("ml.g4dn", "xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge"),
        ("ml.r5", "large xlarge 2xlarge 4xlarge 12xlarge 24xlarge"),
        ("ml.r5d", "large xlarge 2xlarge 4xlarge 12xlarge 24xlarge"),
        ("ml.inf1", "xlarge 2xlarge 6xlarge 24xlarge"),
        ("ml.dl1", "24xlarge"),
        ("ml.c6i", "large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 32xlarge"),
        ("ml.m6i", "large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 32xlarge"),
        ("ml.r6i", "large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 32xlarge"),
        ("ml.g5", "xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge"),
        ("ml.g6", "xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge"),
        ("ml.r8g", "medium large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge"),
        ("ml.g6e", "xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge"),
        ("ml.g7e", "2xlarge 4xlarge 8xlarge 12xlarge 24xlarge 48xlarge"),
        ("ml.p4d", "24xlarge"),
        ("ml.c7g", "large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge"),
        ("ml.m6g", "large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge"),
        ("ml.m6gd", "large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge"),
        ("ml.c6g", "large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge"),
        ("ml.c6gd", "large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge"),
        ("ml.c6gn", "large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge"),
        ("ml.r6g", "large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge"),
        ("ml.r6gd", "large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge"),
        ("ml.p4de", "24xlarge"),
        ("ml.trn1", "2xlarge 32xlarge"),
        ("ml.trn1n", "32xlarge"),
        ("ml.trn2", "48xlarge"),
        ("ml.inf2", "xlarge 8xlarge 24xlarge 48xlarge"),
        ("ml.p5", "48xlarge 4xlarge"),
        ("ml.p5e", "48xlarge"),
        ("ml.p5en", "48xlarge"),
        ("ml.m7i", "large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge"),
        ("ml.c7i", "large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge"),
        ("ml.r7i", "large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge"),
        ("ml.c8g", "medium large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge"),
        ("ml.r7gd", "medium large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge"),
        ("ml.m8g", "medium large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge"),
        ("ml.c6in", "large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 32xlarge"),
        ("ml.p6-b200", "48xlarge"),
        ("ml.p6-b300", "48xlarge"),
        ("ml.p6e-gb200", "36xlarge"),
    ]
}
