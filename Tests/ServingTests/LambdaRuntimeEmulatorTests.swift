// The runtime interface emulator's route: a cold start then warm ones, and every failure
// as the RIE reports it (HTTP 200 with the runtime's error object, or the timeout text).
import Foundation
import XCTest
@testable import Serving

final class LambdaRuntimeEmulatorTests: XCTestCase {
    private struct Echo: LambdaFunctionHandler {
        func handle(event: Data, context: LambdaContext) throws -> Data {
            if event == Data("\"fail\"".utf8) { throw HandlerError(statusCode: 500, "asked to fail") }
            if event == Data("\"text\"".utf8) { return Data("plain words".utf8) }
            if event == Data("\"slow\"".utf8) { Thread.sleep(forTimeInterval: 1.2) }
            return Data("{\"memory\": \(context.memoryLimitInMB), \"event\": \(String(decoding: event, as: UTF8.self))}".utf8)
        }
    }

    private func emulator(timeout: Double = 300, loads: Bool = true) -> LambdaRuntimeEmulator {
        var registry = HandlerRegistry()
        registry.register(function: "echo") { _ in
            guard loads else { throw HandlerError(statusCode: 500, "weights missing") }
            return Echo()
        }
        var configuration = LambdaRuntimeEmulator.Configuration(entryPoint: "echo", directory: URL(fileURLWithPath: "/tmp"))
        configuration.timeout = timeout
        return LambdaRuntimeEmulator(configuration, registry: registry)
    }

    private func post(_ emulator: LambdaRuntimeEmulator, _ body: String) -> LambdaRuntimeEmulator.Reply {
        emulator.respond(method: "POST", path: LambdaRuntimeEmulator.invocationsPath, body: Data(body.utf8), requestId: "r-1")
    }

    private func object(_ reply: LambdaRuntimeEmulator.Reply) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: reply.body) as? [String: Any])
    }

    func testTheFirstCallIsColdAndTheNextWarm() throws {
        let rie = emulator()
        let first = post(rie, #"{"a": 1}"#), second = post(rie, "")
        XCTAssertEqual(first.status, 200)
        XCTAssertNotNil(first.initDuration)
        XCTAssertNil(second.initDuration)
        XCTAssertEqual(try object(first)["memory"] as? Int, 3008)
        XCTAssertEqual(try object(second)["event"] as? [String: Int], [:], "an empty body is the event {}")
        XCTAssertTrue(first.log.hasPrefix("START RequestId: r-1 Version: $LATEST\nEND RequestId: r-1\nREPORT RequestId: r-1\t"))
        XCTAssertTrue(first.log.contains("Init Duration:"))
        XCTAssertFalse(second.log.contains("Init Duration:"))
    }

    func testFailuresAreTheRuntimesErrorObjectsWithStatus200() throws {
        let rie = emulator()
        let thrown = post(rie, "\"fail\"")
        XCTAssertEqual(thrown.status, 200)
        XCTAssertEqual(try object(thrown)["errorType"] as? String, "HandlerError")
        XCTAssertEqual(try object(thrown)["requestId"] as? String, "r-1")
        XCTAssertEqual(try object(thrown)["stackTrace"] as? [String], [])
        XCTAssertEqual(try object(post(rie, "\"text\""))["errorType"] as? String, "Runtime.MarshalError")
        let bad = post(rie, "{nope")
        XCTAssertEqual(try object(bad)["errorType"] as? String, "Runtime.UnmarshalError")
        XCTAssertTrue((try object(bad)["errorMessage"] as? String ?? "").contains(#"starting "{nope""#))
        XCTAssertEqual(try object(post(emulator(loads: false), "{}"))["errorType"] as? String, "Runtime.InitError")
    }

    func testATimeoutAnswersWithTheRIEsTextAndRestartsTheRuntime() {
        let rie = emulator(timeout: 1)
        let slow = post(rie, "\"slow\"")
        XCTAssertEqual(slow.status, 200)
        XCTAssertEqual(String(decoding: slow.body, as: UTF8.self), "Task timed out after 1.00 seconds")
        XCTAssertNotNil(post(rie, "{}").initDuration, "a timed-out runtime starts cold again")
    }

    func testOnlyTheInvocationsRouteIsServed() {
        let rie = emulator()
        XCTAssertEqual(rie.respond(method: "POST", path: "/2015-03-31/functions/x/invocations", body: Data()).status, 404)
        XCTAssertEqual(rie.respond(method: "GET", path: LambdaRuntimeEmulator.invocationsPath, body: Data()).status, 405)
    }
}
