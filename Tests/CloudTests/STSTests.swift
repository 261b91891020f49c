import Foundation
import XCTest
@testable import Cloud

final class STSTests: XCTestCase {
    func testCallerIdentityIsTheNotebookRoleSession() {
        let identity = STS(account: Account()).getCallerIdentity()
        XCTAssertEqual(identity.account, "123456789012")
        XCTAssertEqual(identity.arn, "arn:aws:sts::123456789012:assumed-role/SageMakerExecutionRole/SageMaker")
        XCTAssertTrue(identity.userId.hasPrefix("AROA"))
        XCTAssertTrue(identity.userId.hasSuffix(":SageMaker"))
        XCTAssertEqual(identity, STS(account: Account()).getCallerIdentity(), "ids repeat from run to run")
    }
}
