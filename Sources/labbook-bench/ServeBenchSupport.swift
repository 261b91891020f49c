// The pieces of `labbook-bench serve`: moto_server as a child process, the endpoints
// created through each server's own API, and wrk's report read back.
import AWSShapes
import AWSWire
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Serving

struct MotoServer {
    let process: Process
    let url: URL

    static func start(executable: String) async throws -> MotoServer {
        let port = 45_000 + Int.random(in: 0..<5_000)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-H", "127.0.0.1", "-p", String(port)]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let url = URL(string: "http://127.0.0.1:\(port)")!
        for _ in 0..<100 {
            try await Task.sleep(for: .milliseconds(100))
            if (try? await URLSession.shared.data(from: url.appendingPathComponent("moto-api/"))) != nil { return MotoServer(process: process, url: url) }
        }
        process.terminate()
        throw AWSError(service: "", code: "MotoDidNotStart", httpStatus: 0, message: "moto_server did not answer on \(url)")
    }

    /// Ctrl-C, as werkzeug expects; SIGKILL if it is still there a few seconds later.
    func stop() {
        process.interrupt()
        for _ in 0..<30 where process.isRunning { usleep(100_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}

enum BenchEndpoints {
    static let image = "763104351884.dkr.ecr.ap-northeast-2.amazonaws.com/pytorch-inference:1.8.1-cpu-py36-ubuntu18.04"

    /// Uploads a model archive per handler and deploys `bench-<handler>` through the API.
    static func deploy(on url: URL, handlers: [String], modelRoot: URL) async throws {
        let aws = WireClient(endpoint: url, credentials: ClientCredentials(accessKeyID: "test", secretAccessKey: "test", source: "bench"),
                             region: "ap-northeast-2")
        _ = try await aws.call("s3", "CreateBucket", ["Bucket": "bench-models",
                                                      "CreateBucketConfiguration": ["LocationConstraint": "ap-northeast-2"]])
        for handler in handlers {
            let archive = try ModelArtifact.pack(directory: try folder(for: handler, under: modelRoot))
            _ = try await aws.call("s3", "PutObject", ["Bucket": "bench-models", "Key": .string("\(handler).tar.gz"), "Body": .blob(archive)])
            _ = try await aws.call("sagemaker", "CreateModel", [
                "ModelName": .string("bench-\(handler)"), "ExecutionRoleArn": "arn:aws:iam::123456789012:role/SageMakerExecutionRole",
                "PrimaryContainer": ["Image": .string(image), "ModelDataUrl": .string("s3://bench-models/\(handler).tar.gz"),
                                     "Environment": ["SAGEMAKER_PROGRAM": .string(handler)]]])
            _ = try await aws.call("sagemaker", "CreateEndpointConfig", [
                "EndpointConfigName": .string("bench-\(handler)"), "ProductionVariants": [[
                    "VariantName": "AllTraffic", "ModelName": .string("bench-\(handler)"),
                    "InstanceType": "ml.c5.xlarge", "InitialInstanceCount": 1]]])
            _ = try await aws.call("sagemaker", "CreateEndpoint", ["EndpointName": .string("bench-\(handler)"),
                                                                  "EndpointConfigName": .string("bench-\(handler)")])
            for _ in 0..<600 {
                let described = try await aws.call("sagemaker", "DescribeEndpoint", ["EndpointName": .string("bench-\(handler)")])
                if described["EndpointStatus"] == "InService" { break }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    private static func folder(for handler: String, under root: URL) throws -> URL {
        if handler == "nsmc" {
            return URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../fixtures/models/nsmc-demo")
        }
        let folder = root.appendingPathComponent("echo-model")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: folder.appendingPathComponent("config.json"))
        return folder
    }
}

struct WrkResult {
    var requestsPerSecond: Double
    var p50: Double
    var p99: Double
    var errors: Int

    /// A distinct JSON Lines body per request across wrk's threads, so no cache can answer.
    /// The Authorization header is unsigned: moto routes by its credential scope (and never
    /// checks signatures), labbook runs with --no-auth.
    static let script = """
        local threads = 0
        function setup(thread)
          thread:set("id", threads)
          threads = threads + 1
        end
        counter = 0
        request = function()
          counter = counter + 1
          local body = '{"text": ["리뷰 ' .. id .. '-' .. counter .. ' 배우들 연기가 좋아서 시간 가는 줄 몰랐어요"]}'
          return wrk.format("POST", nil, {["Content-Type"] = "application/jsonlines", ["Accept"] = "application/jsonlines",
            ["Authorization"] = "AWS4-HMAC-SHA256 Credential=test/20261205/ap-northeast-2/sagemaker/aws4_request, SignedHeaders=host, Signature=00"}, body)
        end
        """

    static func run(wrk: String, url: URL, connections: Int, seconds: Int) throws -> WrkResult {
        let scriptFile = FileManager.default.temporaryDirectory.appendingPathComponent("labbook-bench-\(UUID()).lua")
        try script.write(to: scriptFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: scriptFile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: wrk)
        process.arguments = ["-t", String(min(2, connections)), "-c", String(connections), "-d", "\(seconds)s",
                             "--latency", "-s", scriptFile.path, url.absoluteString]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return parse(output)
    }

    static func parse(_ output: String) -> WrkResult {
        var result = WrkResult(requestsPerSecond: 0, p50: .nan, p99: .nan, errors: 0)
        for line in output.split(separator: "\n") {
            let words = line.split(separator: " ", omittingEmptySubsequences: true)
            if line.hasPrefix("Requests/sec:"), let v = words.last.flatMap({ Double($0) }) { result.requestsPerSecond = v }
            if words.count == 2, words[0] == "50%" { result.p50 = milliseconds(String(words[1])) }
            if words.count == 2, words[0] == "99%" { result.p99 = milliseconds(String(words[1])) }
            if line.contains("Non-2xx or 3xx responses:"), let v = words.last.flatMap({ Int($0) }) { result.errors = v }
        }
        return result
    }

    /// wrk prints `812.00us`, `1.23ms` or `2.01s`.
    static func milliseconds(_ text: String) -> Double {
        for (unit, scale) in [("us", 0.001), ("ms", 1.0), ("s", 1000.0)] where text.hasSuffix(unit) {
            return (Double(text.dropLast(unit.count)) ?? .nan) * scale
        }
        return .nan
    }
}
