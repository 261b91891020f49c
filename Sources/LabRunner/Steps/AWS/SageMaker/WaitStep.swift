// `sagemaker.wait`: A boto3 waiter: endpoint_in_service or endpoint_deleted, polling on the simulated clock.
import Cloud
import Foundation

/// botocore's SageMaker waiters (sagemaker/2017-07-24/waiters-2.json), polling DescribeEndpoint
/// through the run's AWS calls: every 30 s on the embedded account's virtual clock, or in
/// real seconds over the wire (the step's timeout still cuts a long wait short).
struct WaitStep: LabStep {
    static let kind = "sagemaker.wait"
    static let summary = "A boto3 waiter: endpoint_in_service or endpoint_deleted, polling on the simulated clock."
    static let declaration = StepDeclaration(
        keys: [
            StepKey("Waiter", .choice(waiters), required: true, "The boto3 waiter, as sagemaker.get_waiter(name)."),
            StepKey("EndpointName", .string, required: true, "The endpoint."),
        ],
        output: [
            OutputField("EndpointStatus", "endpoint_in_service: the final DescribeEndpoint answer's fields, as sagemaker.describe_endpoint."),
            OutputField("WaitedSeconds", "How long, on the account's clock."),
            OutputField("Deleted", "endpoint_deleted: true."),
        ],
        touchesState: true,
        example: """
            Waiter: endpoint_in_service
            EndpointName: nsmc
            """)
    static let waiters = ["endpoint_in_service", "endpoint_deleted"]
    static let delay: Double = 30
    let waiter: Arg<String>, name: Arg<String>

    init(arguments: inout StepArguments) throws {
        waiter = try arguments.required("Waiter")
        if let w = waiter.literal, !Self.waiters.contains(w) { throw LabError.unknown("waiter", w, at: waiter.location, known: Self.waiters) }
        name = try arguments.required("EndpointName")
    }

    func run(in context: StepContext) async throws -> LabValue {
        let endpoint = try context.resolve(name)
        let started = context.awsNow
        let chosen = try context.resolve(waiter)
        context.showBoto3("sagemaker", Boto3Snippet.invocation("sagemaker.get_waiter(\(PythonLiteral.string(chosen))).wait",
                                                               [("EndpointName", .string(endpoint))]))
        switch chosen {
        case "endpoint_in_service":
            // Success on InService; failure on Failed and on ValidationException (no such endpoint).
            let described = try await Self.poll(endpoint, "EndpointInService", attempts: 120, in: context) { answer in
                guard let answer else { return .failure("Matched expected service error code: ValidationException") }
                switch answer["EndpointStatus"]?.string {
                case "InService": return .success
                case "Failed": return .failure(Self.failedState)
                default: return .retry
                }
            }
            var out = DescribeEndpointStep.shape(described ?? .empty).object ?? LabObject()
            out["WaitedSeconds"] = .number(context.awsNow.timeIntervalSince(started))
            return .object(out)
        case "endpoint_deleted":
            // Success on ValidationException (gone); failure on Failed.
            _ = try await Self.poll(endpoint, "EndpointDeleted", attempts: 60, in: context) { answer in
                guard let answer else { return .success }
                return answer["EndpointStatus"]?.string == "Failed" ? .failure(Self.failedState) : .retry
            }
            return Shape.object([("EndpointName", .string(endpoint)), ("Deleted", .bool(true)),
                                 ("WaitedSeconds", .number(context.awsNow.timeIntervalSince(started)))])
        case let other:
            throw LabError.unknown("waiter", other, at: waiter.location, known: Self.waiters, koWhat: "웨이터")
        }
    }

    enum Acceptor { case success, retry, failure(String) }

    static let failedState = "For expression \"EndpointStatus\" we matched expected path: \"Failed\""

    /// DescribeEndpoint until `accept` settles it (nil answer: ValidationException), pausing
    /// `delay` between attempts; returns the last answer. Other service errors end the wait
    /// as botocore's do; parameter and connection errors propagate as they are.
    static func poll(_ endpoint: String, _ name: String, attempts: Int, in context: StepContext,
                     accept: (AWSValue?) -> Acceptor) async throws -> AWSValue? {
        for attempt in 1...attempts {
            var answer: AWSValue?
            do {
                answer = try await context.call("sagemaker", "DescribeEndpoint", ["EndpointName": .string(endpoint)])
            } catch let error as AWSError where error.code == "ValidationException" {
                answer = nil
            } catch let error as AWSError where error.httpStatus >= 400 && error.code != "ParamValidationError" {
                throw WaiterFailure(name: name, reason: "An error occurred (\(error.code)): \(error.message)",
                                    ko: "\(error.code) 오류가 났습니다. AWS의 메시지 그대로: \(error.message)")
            }
            switch accept(answer) {
            case .success: return answer
            case .failure(let reason):
                // botocore stops at the matched path; a reader needs the endpoint's own reason too.
                let failureReason = answer?["FailureReason"]?.string
                let why = failureReason.map { ". The endpoint's FailureReason: \($0)" } ?? ""
                let whyKo = failureReason.map { ". 엔드포인트의 FailureReason: \($0)" } ?? ""
                throw WaiterFailure(name: name, reason: "Waiter encountered a terminal failure state: \(reason)\(why)",
                                    ko: "더 기다려도 성공할 수 없는 상태입니다: \(reason)\(whyKo)")
            case .retry: if attempt < attempts { try await context.pause(seconds: delay) }
            }
        }
        throw WaiterFailure(name: name, reason: "Max attempts exceeded",
                            ko: "최대 시도 횟수(\(attempts)번, \(Terminal.seconds(delay)) 간격)를 넘었습니다")
    }
}

/// botocore's WaiterError: "Waiter <name> failed: <reason>".
struct WaiterFailure: Error, CustomStringConvertible, KoreanDescribed {
    var name: String
    var reason: String
    /// `reason` in Korean, for a Korean handout.
    var ko: String
    var description: String { "Waiter \(name) failed: \(reason)" }
    var koreanDescription: String { "\(name) 웨이터가 실패했습니다: \(ko)" }
}
