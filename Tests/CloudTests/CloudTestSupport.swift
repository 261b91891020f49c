// Helpers shared by the Cloud service tests.
import Foundation
import XCTest
@testable import Cloud

/// A fresh directory under the system temporary directory, removed by the test's teardown.
func makeTemporaryDirectory(_ testCase: XCTestCase, file: StaticString = #filePath, line: UInt = #line) throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("cloudtests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    testCase.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
}

/// Asserts that `body` throws an AWSError with this code and HTTP status.
func expectAWSError<T>(_ code: String, _ status: Int, _ label: String = "",
                       file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> T) {
    do {
        _ = try body()
        XCTFail("\(label): expected \(code) (\(status)), but the call succeeded", file: file, line: line)
    } catch let error as AWSError {
        XCTAssertEqual(error.code, code, "\(label): \(error)", file: file, line: line)
        XCTAssertEqual(error.httpStatus, status, "\(label): \(error)", file: file, line: line)
        XCTAssertFalse(error.message.isEmpty, "\(label): empty message", file: file, line: line)
    } catch {
        XCTFail("\(label): expected AWSError \(code), got \(error)", file: file, line: line)
    }
}
