// What a local-mode endpoint answered, as a step output. Local mode
// (`model.deploy(instance_type="local")`) runs the serving container on this machine: a
// ModelContainer (the /ping and /invocations contract) kept for the rest of the book.
import Foundation
import Serving

enum LocalReply {
    static func shape(_ reply: ModelContainer.Reply, endpoint: Arg<String>, context: StepContext) throws -> LabValue {
        guard reply.status == 200 else {
            let message = String(data: reply.body, encoding: .utf8) ?? ByteSize.text(reply.body.count)
            throw LabError(endpoint.location, "the local endpoint answered \(reply.status): \(message)",
                           ko: "로컬 엔드포인트가 HTTP \(reply.status) 상태로 응답했습니다: \(message)")
        }
        var out = LabObject([("ContentType", .string(reply.contentType))])
        for (key, value) in try RequestBody.readable(reply.body, contentType: reply.contentType, context: context) { out[key] = value }
        return .object(out)
    }
}
