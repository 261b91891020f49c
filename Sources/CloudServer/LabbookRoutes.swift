// The routes of labbook serve's `/_labbook/` API (shapes in LabbookExtensions.swift): each
// reads its query on the event loop, then does its work on the service's queue, touching
// the account only inside `dispatch.synchronized`, as the clock's ticks do.
import AWSWire
import Cloud
import Foundation
import Serving

/// `GET /_labbook/sns/deliveries?TopicArn=<arn>`: a topic's subscribers' inboxes.
enum TopicDeliveries {
    static func work(_ request: WireRequest, _ options: ServerOptions) throws -> LabbookExtensions.Work {
        let arn = try LabbookExtensions.required("TopicArn", in: request, code: "InvalidParameter")
        return { dispatch in
            let deliveries = try dispatch.synchronized {
                // The log keeps nothing per topic that never existed; the topic's lookup
                // says so with SNS's own NotFound (404) and InvalidParameter for a bad ARN.
                _ = try dispatch.cloud.sns.getTopicAttributes(topicArn: arn)
                return dispatch.cloud.sns.deliveries(topicArn: arn)
            }
            return LabbookExtensions.json(200, ["TopicArn": arn, "Deliveries": deliveries.map(object)])
        }
    }

    static func object(_ delivery: SNSDelivery) -> [String: Any] {
        let time = ISO8601DateFormatter()
        time.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var object: [String: Any] = [
            "Type": delivery.kind.rawValue, "SubscriptionArn": delivery.subscriptionArn, "Protocol": delivery.protocol,
            "Endpoint": delivery.endpoint, "MessageId": delivery.messageId, "Message": delivery.message,
            "Timestamp": time.string(from: delivery.timestamp), "Body": delivery.body,
            "MessageAttributes": delivery.messageAttributes.mapValues { value -> [String: Any] in
                var attribute: [String: Any] = ["DataType": value.dataType]
                attribute["StringValue"] = value.stringValue
                attribute["BinaryValue"] = value.binaryValue?.base64EncodedString()
                return attribute
            },
        ]
        object["Subject"] = delivery.subject
        object["Token"] = delivery.token
        return object
    }
}

/// `POST /_labbook/ecr/images?repositoryName=<r>&tag=<t>&handler=<h>`, the image's files
/// as a gzip'd tar: `docker build` and `docker push` in one.
enum ImagePush {
    static func work(_ request: WireRequest, _ options: ServerOptions) throws -> LabbookExtensions.Work {
        let code = "InvalidParameterException"
        let name = try LabbookExtensions.required("repositoryName", in: request, code: code)
        let handler = try LabbookExtensions.required("handler", in: request, code: code)
        let tag = request.queryValue("tag").flatMap { $0.isEmpty ? nil : $0 } ?? "latest"
        let archive = request.body
        return { dispatch in
            // An unknown repository fails before the archive is unpacked for nothing.
            _ = try dispatch.synchronized { try dispatch.cloud.ecr.describeRepositories(repositoryNames: [name]) }
            let images = dispatch.cloud.stateDirectory.appendingPathComponent("ecr/images", isDirectory: true)
            let directory = try unpacked(archive, under: images)
            let image = try dispatch.synchronized {
                let image = try dispatch.cloud.ecr.putImage(repositoryName: name, tag: tag,
                                                            manifest: ImageManifest(entryPoint: handler, directory: directory))
                try dispatch.record(event: CloudDispatch.imagePushedEvent, CloudDispatch.imagePushed(
                    repositoryName: name, tag: tag, handler: handler, directory: directory))
                return image
            }
            return LabbookExtensions.json(200, ["imageUri": "\(dispatch.cloud.ecr.registryHost)/\(name):\(tag)",
                                                "imageDigest": image.imageId.imageDigest])
        }
    }

    /// The archive's files in a folder named by the archive's SHA-256, so pushing the same
    /// bytes again reuses it. Unpacked beside it first and moved in whole: a refused or
    /// half-written archive never becomes an image's files. Links, absolute paths and `..`
    /// are refused before anything is written; inflating past 1 GiB stops the unpacking.
    static func unpacked(_ archive: Data, under root: URL) throws -> URL {
        let directory = root.appendingPathComponent(Digest.sha256Hex(archive), isDirectory: true)
        if FileManager.default.fileExists(atPath: directory.path) { return directory }
        let staging = root.appendingPathComponent(".staging-\(UUID().uuidString)", isDirectory: true)
        do {
            try ModelArtifact.unpack(archive, into: staging, limit: ModelArtifact.maxUnpackedSize, allowingLinks: false)
            try FileManager.default.moveItem(at: staging, to: directory)
        } catch {
            try? FileManager.default.removeItem(at: staging)
            throw error
        }
        return directory
    }
}

/// `GET /_labbook/clock`, and `POST /_labbook/clock?AdvanceSeconds=<s>`: the account's time.
enum ServerTime {
    static let maxAdvance: Double = 7 * 86_400

    static func work(_ request: WireRequest, _ options: ServerOptions) throws -> LabbookExtensions.Work {
        let seconds = request.method == "POST" ? try advance(request) : 0
        let scale = options.timeScale
        return { dispatch in
            let now = try dispatch.synchronized {
                dispatch.cloud.clock.advance(by: seconds)
                if seconds > 0 { try dispatch.record(event: "clock", [:]) }
                return dispatch.cloud.clock.now
            }
            let time = ISO8601DateFormatter()
            time.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            return LabbookExtensions.json(200, ["Now": time.string(from: now), "TimeScale": scale])
        }
    }

    private static func advance(_ request: WireRequest) throws -> Double {
        let text = try LabbookExtensions.required("AdvanceSeconds", in: request, code: "ValidationException")
        guard let value = Double(text), value.isFinite, (0...maxAdvance).contains(value) else {
            throw AWSError(service: "labbook", code: "ValidationException", httpStatus: 400,
                           message: "AdvanceSeconds must be a number of seconds from 0 to \(Int(maxAdvance)), not '\(text)'")
        }
        return value
    }
}
