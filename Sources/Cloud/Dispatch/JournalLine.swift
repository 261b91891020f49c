// The journal's line format. JSON keeps it readable with `jq`; boto3 values keep their
// type (a float that happens to be whole, bytes, datetimes) through tagged objects, so a
// replayed call is the call that was made:
//   {"labbookJournal":1,"start":1767225600}
//   {"t":1767225612.5,"service":"sagemaker","operation":"CreateModel","input":{...}}
//   {"t":1767225900,"event":"sagemaker.async.completed","fields":{...}}
import Foundation

enum JournalLine {
    static let version = 1

    private struct Header: Codable {
        var labbookJournal: Int
        var start: Double
    }

    private struct Line: Codable {
        var t: Double
        var service: String?
        var operation: String?
        var input: TaggedValue?
        var event: String?
        var fields: [String: String]?
    }

    static func header(start: Date) throws -> Data {
        try JSONEncoder().encode(Header(labbookJournal: version, start: start.timeIntervalSince1970)) + Data("\n".utf8)
    }

    static func encode(_ record: CloudJournal.Record) throws -> Data {
        let line = switch record {
        case let .call(time, service, operation, input):
            Line(t: time.timeIntervalSince1970, service: service, operation: operation, input: TaggedValue(input))
        case let .event(time, name, fields):
            Line(t: time.timeIntervalSince1970, event: name, fields: fields)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(line) + Data("\n".utf8)
    }

    /// The start time, the records, and how many leading bytes are whole lines.
    static func parse(_ data: Data, path: String) throws -> (Date, [CloudJournal.Record], Int) {
        let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        let decoder = JSONDecoder()
        guard let first = lines.first, let header = try? decoder.decode(Header.self, from: Data(first)),
              header.labbookJournal == version, header.start.isFinite else {
            throw CloudJournal.Failure.corrupt(path: path, line: 1,
                                               reason: "it does not start with a labbook journal header of version \(version)")
        }
        var records: [CloudJournal.Record] = []
        var intact = first.count + 1
        for (index, bytes) in lines.enumerated().dropFirst() {
            // After the last newline: a write cut short (even if it parses, its newline is
            // missing), dropped so the next record starts on a line of its own.
            if index == lines.count - 1 { break }
            if !bytes.isEmpty {
                do { records.append(try record(try decoder.decode(Line.self, from: Data(bytes)))) } catch {
                    throw CloudJournal.Failure.corrupt(path: path, line: index + 1, reason: "\(error)")
                }
            }
            intact += bytes.count + 1
        }
        return (Date(timeIntervalSince1970: header.start), records, min(intact, data.count))
    }

    private static func record(_ line: Line) throws -> CloudJournal.Record {
        guard line.t.isFinite else { throw TaggedValue.Problem.invalid("a time that is not a number") }
        let time = Date(timeIntervalSince1970: line.t)
        if let service = line.service, let operation = line.operation, let input = line.input {
            return .call(time: time, service: service, operation: operation, input: input.value)
        }
        if let event = line.event {
            return .event(time: time, name: event, fields: line.fields ?? [:])
        }
        throw TaggedValue.Problem.invalid("a line that is neither a call nor an event")
    }
}
