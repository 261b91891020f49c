// SigV4 parity with botocore: requests signed by botocore's SigV4Auth / S3SigV4Auth in
// fixtures/make_sigv4_goldens.py must verify here, byte for byte in the canonical request,
// and any change to what was signed must not.
import AWSShapes
@testable import AWSWire
import Foundation
import XCTest

final class SigV4Tests: XCTestCase {
    struct Golden: Decodable {
        struct Case: Decodable {
            let name, method, target, body, canonicalRequest: String
            let headers: [[String]]
        }
        let secret: String
        let cases: [Case]
    }

    private func goldens() throws -> Golden {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../fixtures/goldens/sigv4.json")
        return try JSONDecoder().decode(Golden.self, from: Data(contentsOf: url))
    }

    private func request(_ c: Golden.Case) -> WireRequest {
        WireRequest(method: c.method, target: c.target, headers: c.headers.map { ($0[0], $0[1]) }, body: Data(c.body.utf8))
    }

    func testBotocoreSignaturesVerify() throws {
        let golden = try goldens()
        let check = SignatureCheck(credentials: [SigV4Credentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: golden.secret)])
        for c in golden.cases {
            let request = request(c)
            let parts = try XCTUnwrap(SigV4.parts(of: request), c.name)
            XCTAssertEqual(SigV4.canonicalRequest(request, parts), c.canonicalRequest, c.name)
            XCTAssertNoThrow(try check.verify(request, family: .json, now: Date()), c.name)
        }
    }

    func testATamperedRequestIsRefusedWithEachFamilysCode() throws {
        let golden = try goldens()
        let check = SignatureCheck(credentials: [SigV4Credentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: golden.secret)])
        for (family, code) in [(SignatureCheck.Family.json, "InvalidSignatureException"), (.query, "SignatureDoesNotMatch"),
                               (.s3, "SignatureDoesNotMatch")] {
            var request = request(golden.cases[0])
            request.body = Data("{\"EndpointName\": \"other\"}".utf8)
            XCTAssertThrowsError(try check.verify(request, family: family, now: Date())) { error in
                XCTAssertEqual((error as? AWSError)?.code, code)
                XCTAssertEqual((error as? AWSError)?.httpStatus, 403)
            }
        }
        let stranger = SignatureCheck(credentials: [SigV4Credentials(accessKeyID: "someone", secretAccessKey: "x")])
        XCTAssertThrowsError(try stranger.verify(request(golden.cases[0]), family: .json, now: Date())) {
            XCTAssertEqual(($0 as? AWSError)?.code, "UnrecognizedClientException")
        }
    }

    func testUnsignedRequestsAreRefused() {
        let check = SignatureCheck(credentials: [SigV4Credentials(accessKeyID: "test", secretAccessKey: "test")])
        let request = WireRequest(method: "GET", target: "/", headers: [("host", "x")], body: Data())
        XCTAssertThrowsError(try check.verify(request, family: .s3, now: Date())) {
            XCTAssertEqual(($0 as? AWSError)?.code, "AccessDenied")
        }
    }
}
