// The state journal of `labbook serve --state-dir`: lines that keep boto3 types, a torn
// last line dropped, other damage refused, and an account rebuilt by replaying it.
import AWSShapes
import Foundation
import XCTest
@testable import Cloud

final class CloudJournalTests: XCTestCase {
    private let start = Date(timeIntervalSince1970: 1_767_225_600)

    func testRecordsKeepTheirTypesAcrossAReopen() throws {
        let url = try makeTemporaryDirectory(self).appendingPathComponent("journal.jsonl")
        let input: AWSValue = [
            "Name": "x", "Count": 3, "Ratio": .double(2.0), "Flag": true, "Nothing": .null,
            "Body": .blob(Data([0, 255, 10])), "When": .timestamp(Date(timeIntervalSince1970: 1.5)),
            "List": [1, "two"], "Env": ["$dollar": "kept", "plain": "too"], "Tag": ["$float": "not a tag"],
        ]
        let journal = try CloudJournal(url: url, start: start)
        try journal.append(.call(time: start.addingTimeInterval(12.25), service: "sns", operation: "CreateTopic", input: input))
        try journal.append(.event(time: start.addingTimeInterval(13), name: "clock", fields: ["a": "b"]))
        let reopened = try CloudJournal(url: url, start: Date())
        XCTAssertEqual(reopened.start, start)
        XCTAssertEqual(reopened.recorded, [
            .call(time: start.addingTimeInterval(12.25), service: "sns", operation: "CreateTopic", input: input),
            .event(time: start.addingTimeInterval(13), name: "clock", fields: ["a": "b"]),
        ])
    }

    func testATornLastLineIsDroppedAndOverwritten() throws {
        let url = try makeTemporaryDirectory(self).appendingPathComponent("journal.jsonl")
        try CloudJournal(url: url, start: start).append(.event(time: start, name: "clock", fields: [:]))
        let handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"{"t":1767225601,"serv"#.utf8))  // kill -9 mid-write
        try handle.close()
        let reopened = try CloudJournal(url: url, start: start)
        XCTAssertEqual(reopened.recorded.count, 1)
        try reopened.append(.event(time: start, name: "clock", fields: ["after": "restart"]))
        XCTAssertEqual(try CloudJournal(url: url, start: start).recorded.last,
                       .event(time: start, name: "clock", fields: ["after": "restart"]))
    }

    func testBlankLinesAndAFinalLineWithoutItsNewlineKeepTheJournalWhole() throws {
        let url = try makeTemporaryDirectory(self).appendingPathComponent("journal.jsonl")
        try CloudJournal(url: url, start: start).append(.event(time: start, name: "clock", fields: ["n": "1"]))
        var text = try String(contentsOf: url, encoding: .utf8)
        text += "\n" + #"{"event":"clock","fields":{"n":"2"},"t":1767225600}"#  // a blank line, then a line cut before its newline
        try text.write(to: url, atomically: true, encoding: .utf8)
        let reopened = try CloudJournal(url: url, start: start)
        XCTAssertEqual(reopened.recorded, [.event(time: start, name: "clock", fields: ["n": "1"])])
        try reopened.append(.event(time: start, name: "clock", fields: ["n": "3"]))
        XCTAssertEqual(try CloudJournal(url: url, start: start).recorded.map { record -> String? in if case let .event(_, _, f) = record { f["n"] } else { nil } },
                       ["1", "3"])
    }

    func testDamageBeforeTheEndIsRefusedWithItsLine() throws {
        let url = try makeTemporaryDirectory(self).appendingPathComponent("journal.jsonl")
        try CloudJournal(url: url, start: start).append(.event(time: start, name: "clock", fields: [:]))
        var text = try String(contentsOf: url, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"event\"", with: "\"evnt\"") + "{\"t\":1,\"event\":\"clock\"}\n"
        try text.write(to: url, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try CloudJournal(url: url, start: start)) { error in
            XCTAssertEqual("\(error)".contains("is damaged at line 2"), true, "\(error)")
        }
        try Data("not a journal\n".utf8).write(to: url)
        XCTAssertThrowsError(try CloudJournal(url: url, start: start)) { error in
            XCTAssertTrue("\(error)".contains("line 1"), "\(error)")
        }
    }

    func testAReplayRebuildsResourcesAtTheirTimes() throws {
        let directory = try makeTemporaryDirectory(self)
        let url = directory.appendingPathComponent("journal.jsonl")
        let first = try journaledDispatch(directory, url)
        _ = try first.call("sns", "CreateTopic", ["Name": "kept"])
        first.cloud.clock.advance(by: 90)
        _ = try first.call("iam", "CreateRole", ["RoleName": "kept-role", "AssumeRolePolicyDocument": .string(Self.trust)])
        _ = try first.call("sns", "ListTopics")  // a read: not journaled
        XCTAssertEqual(try CloudJournal(url: url, start: start).recorded.count, 2)

        let second = try journaledDispatch(directory, url)
        let topics = try second.call("sns", "ListTopics")["Topics"]?.list ?? []
        XCTAssertEqual(topics.compactMap { $0["TopicArn"]?.string }, ["arn:aws:sns:ap-northeast-2:123456789012:kept"])
        let role = try second.call("iam", "GetRole", ["RoleName": "kept-role"])["Role"]
        XCTAssertEqual(role?["CreateDate"]?.date, start.addingTimeInterval(90))
        _ = try second.call("sns", "CreateTopic", ["Name": "later"])
        XCTAssertEqual(try CloudJournal(url: url, start: start).recorded.count, 3)
    }

    private static let trust = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#

    private func journaledDispatch(_ directory: URL, _ url: URL) throws -> CloudDispatch {
        let journal = try CloudJournal(url: url, start: start)
        let cloud = try CloudEnvironment(stateDirectory: directory, clock: VirtualClock(start: journal.start))
        let dispatch = CloudDispatch(cloud: cloud)
        XCTAssertEqual(dispatch.restore(from: journal), [])
        return dispatch
    }
}
