// The SNS message SageMaker publishes when an asynchronous inference finishes, in the
// shape AWS's "Check prediction results" page shows: awsRegion, eventTime, receivedTime,
// invocationStatus, requestParameters, responseParameters, inferenceId, eventVersion,
// eventSource, eventName (plus failureReason on failure).
import Foundation
import Serving

enum AsyncNotification {
    static func success(_ request: QueuedInvocation, response: InvocationResponse, endpoint: String,
                        region: String, now: Date) -> String {
        var message = common(request, endpoint: endpoint, region: region, now: now, status: "Completed")
        message["responseParameters"] = ["contentType": response.contentType, "outputLocation": request.outputLocation]
        return json(message)
    }

    static func failure(_ request: QueuedInvocation, reason: String, endpoint: String, region: String,
                        now: Date) -> String {
        var message = common(request, endpoint: endpoint, region: region, now: now, status: "Failed")
        message["failureReason"] = reason
        if let failure = request.failureLocation { message["responseParameters"] = ["failureLocation": failure] }
        return json(message)
    }

    private static func common(_ request: QueuedInvocation, endpoint: String, region: String, now: Date,
                               status: String) -> [String: Any] {
        var parameters = ["endpointName": endpoint, "inputLocation": request.inputLocation]
        if let contentType = request.contentType { parameters["contentType"] = contentType }
        if let accept = request.accept { parameters["accept"] = accept }
        return [
            "awsRegion": region,
            "eventTime": timestamp(now),
            "receivedTime": timestamp(request.receivedTime),
            "invocationStatus": status,
            "requestParameters": parameters,
            "inferenceId": request.inferenceId,
            "eventVersion": "1.0",
            "eventSource": "aws:sagemaker",
            "eventName": "InferenceResult",
        ]
    }

    /// ISO 8601 with milliseconds, UTC, as in AWS's example ("2022-01-25T22:46:00.608Z").
    static func timestamp(_ date: Date) -> String { formatter.string(from: date) }

    private static let formatter: ISO8601DateFormatter = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter
    }()

    private static func json(_ object: [String: Any]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
