// S3 request bodies as sent by current clients: `aws-chunked` framing (signed chunks
// chained from the seed signature, or unsigned chunks with a checksum trailer), and the
// integrity headers S3 checks: Content-MD5 and x-amz-checksum-crc32/crc32c/sha256/sha1.
import AWSShapes
import CZlib
import Crypto
import Foundation

public enum PayloadIntegrity {
    /// The decoded body and its trailing headers; the body as is when not aws-chunked.
    public static func unframe(_ request: WireRequest, parts: SignatureParts?, secret: String?) throws -> (Data, [(String, String)]) {
        let declared = request.header("x-amz-content-sha256") ?? ""
        let encoding = request.header("content-encoding") ?? ""
        guard declared.hasPrefix("STREAMING-") || encoding.contains("aws-chunked") else { return (request.body, []) }
        let signed = declared == "STREAMING-AWS4-HMAC-SHA256-PAYLOAD" || declared == "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
        var chain = signed ? parts?.signature : nil
        var body = Data(), trailers: [(String, String)] = []
        var cursor = request.body.startIndex
        let data = request.body
        func line() throws -> String {
            guard let end = data[cursor...].firstRange(of: Data("\r\n".utf8)) else { throw incomplete() }
            defer { cursor = end.upperBound }
            return String(decoding: data[cursor..<end.lowerBound], as: UTF8.self)
        }
        while true {
            let header = try line()
            let fields = header.split(separator: ";")
            guard let size = Int(fields.first.map(String.init) ?? "", radix: 16), size >= 0,
                  size <= data.endIndex - cursor else { throw incomplete() }
            let chunk = data[cursor..<(cursor + size)]
            if let previous = chain, let parts, let secret {
                let given = fields.dropFirst().first { $0.hasPrefix("chunk-signature=") }.map { String($0.dropFirst(16)) } ?? ""
                let expected = chunkSignature(chunk, previous: previous, parts, secret: secret)
                guard given == expected else {
                    throw AWSError(service: "s3", code: "SignatureDoesNotMatch", httpStatus: 403,
                                   message: "The request signature we calculated does not match the signature you provided.")
                }
                chain = expected
            }
            body += chunk
            cursor += size
            if size == 0 { break }
            guard try line().isEmpty else { throw incomplete() }
        }
        while cursor < data.endIndex, case let text = try line(), !text.isEmpty {
            let kv = text.split(separator: ":", maxSplits: 1)
            if kv.count == 2 { trailers.append((String(kv[0]).lowercased(), kv[1].trimmingCharacters(in: .whitespaces))) }
        }
        if let decoded = request.header("x-amz-decoded-content-length"), Int(decoded) != body.count { throw incomplete() }
        return (body, trailers)
    }

    private static func incomplete() -> AWSError {
        AWSError(service: "s3", code: "IncompleteBody", httpStatus: 400,
                 message: "The request body terminated unexpectedly or its aws-chunked framing is malformed.")
    }

    static func chunkSignature(_ chunk: Data, previous: String, _ parts: SignatureParts, secret: String) -> String {
        let empty = SigV4.hex(SHA256.hash(data: Data()))
        let toSign = ["AWS4-HMAC-SHA256-PAYLOAD", parts.amzDate, parts.scope, previous, empty,
                      SigV4.hex(SHA256.hash(data: chunk))].joined(separator: "\n")
        return SigV4.hex(HMAC<SHA256>.authenticationCode(for: Data(toSign.utf8), using: SigV4.signingKey(secret, parts)))
    }

    /// Checks Content-MD5 and any x-amz-checksum-* header or trailer against `body`.
    public static func verify(_ body: Data, request: WireRequest, trailers: [(String, String)]) throws {
        if let md5 = request.header("content-md5") {
            guard Data(base64Encoded: md5)?.count == 16 else {
                throw AWSError(service: "s3", code: "InvalidDigest", httpStatus: 400, message: "The Content-MD5 you specified was invalid.")
            }
            guard Data(Insecure.MD5.hash(data: body)).base64EncodedString() == md5 else {
                throw AWSError(service: "s3", code: "BadDigest", httpStatus: 400,
                               message: "The Content-MD5 you specified did not match what we received.")
            }
        }
        let sent = request.headers.map { ($0.name.lowercased(), $0.value) } + trailers
        for (name, value) in sent where name.hasPrefix("x-amz-checksum-") && name != "x-amz-checksum-type" {
            let algorithm = String(name.dropFirst("x-amz-checksum-".count))
            guard let computed = checksum(algorithm, body) else { continue }
            guard computed == value else {
                throw AWSError(service: "s3", code: "BadDigest", httpStatus: 400,
                               message: "The \(algorithm.uppercased()) you specified did not match the calculated checksum.")
            }
        }
    }

    /// base64 of the big-endian checksum, as the x-amz-checksum-* headers carry it.
    static func checksum(_ algorithm: String, _ body: Data) -> String? {
        switch algorithm {
        case "crc32":
            let crc = body.withUnsafeBytes { raw -> UInt32 in
                UInt32(crc32(0, raw.bindMemory(to: Bytef.self).baseAddress, uInt(raw.count)))
            }
            return withUnsafeBytes(of: crc.bigEndian) { Data($0) }.base64EncodedString()
        case "sha256": return Data(SHA256.hash(data: body)).base64EncodedString()
        case "sha1": return Data(Insecure.SHA1.hash(data: body)).base64EncodedString()
        default: return nil  // crc32c and crc64nvme are accepted unchecked
        }
    }
}
