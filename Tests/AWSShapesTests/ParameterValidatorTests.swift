// The two checks a call meets, from botocore's generated models: the client's
// ParamValidator messages and the service's "failed to satisfy constraint" ones.
@testable import AWSShapes
import XCTest

final class ParameterValidatorTests: XCTestCase {
    let sagemaker = ParameterValidator(.sagemaker)

    func testClientSideProblemsReadLikeBotocore() {
        let problems = sagemaker.clientProblems(["EndpointConfigName": 3, "Tagz": []], shape: "CreateEndpointInput")
        XCTAssertEqual(problems, [
            "Missing required parameter in input: \"EndpointName\"",
            "Invalid type for parameter EndpointConfigName, value: 3, type: <class 'int'>, valid types: <class 'str'>",
            "Unknown parameter in input: \"Tagz\", must be one of: EndpointName, EndpointConfigName, DeploymentConfig, Tags",
        ])
    }

    func testServiceConstraintsUseAWSPathsAndWords() {
        let variant: AWSValue = ["VariantName": "All Traffic", "ModelName": "m", "InstanceType": "ml.nope", "InitialInstanceCount": 0]
        let problems = sagemaker.serviceProblems(["EndpointConfigName": "c", "ProductionVariants": [variant]],
                                                 shape: "CreateEndpointConfigInput")
        XCTAssertTrue(problems.contains("Value 'All Traffic' at 'productionVariants.1.member.variantName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}"), "\(problems)")
        XCTAssertTrue(problems.contains { $0.hasPrefix("Value 'ml.nope' at 'productionVariants.1.member.instanceType' failed to satisfy constraint: Member must satisfy enum value set: [") })
        XCTAssertTrue(problems.contains("Value '0' at 'productionVariants.1.member.initialInstanceCount' failed to satisfy constraint: Member must have value greater than or equal to 1"))
        XCTAssertEqual(ParameterValidator.serviceMessage(["a", "b"]), "2 validation errors detected: a; b")
    }

    func testJavaPatternsReadAsJavaReadsThem() {
        // Java's \p{Print} is printable ASCII; ICU's would take Hangul.
        XCTAssertTrue(JavaPattern.matches("abc-1", "\\A\\S[\\p{Print}]*\\z"))
        XCTAssertFalse(JavaPattern.matches("한글", "\\A\\S[\\p{Print}]*\\z"))
        XCTAssertFalse(JavaPattern.matches("ab", "a"))  // whole-value match
    }
}
