// botocore's SageMaker waiters (sagemaker/2017-07-24/waiters-2.json), polling
// DescribeEndpoint on the virtual clock:
// - EndpointInService: delay 30 s, 120 attempts; success on InService, failure on Failed
//   and on ValidationException.
// - EndpointDeleted: delay 30 s, 60 attempts; success on ValidationException (gone),
//   failure on Failed.
import Foundation

/// botocore's WaiterError: "Waiter <name> failed: <reason>".
public struct WaiterError: Error, Sendable, Equatable, CustomStringConvertible {
    public var name: String
    public var reason: String
    public var description: String { "Waiter \(name) failed: \(reason)" }
}

extension SageMaker {
    static let waiterDelay: TimeInterval = 30

    /// Polls until the endpoint is InService, advancing the virtual clock 30 s between polls.
    @discardableResult
    public func waitUntilEndpointInService(endpointName: String) throws -> DescribeEndpointOutput {
        let name = "EndpointInService"
        for attempt in 1...120 {
            let output: DescribeEndpointOutput
            do { output = try describeEndpoint(endpointName: endpointName) } catch let error as AWSError {
                guard error.code == "ValidationException" else {
                    throw WaiterError(name: name, reason: "An error occurred (\(error.code)): \(error.message)")
                }
                throw WaiterError(name: name, reason: "Waiter encountered a terminal failure state: Matched expected service error code: ValidationException")
            }
            switch output.endpointStatus {
            case .inService: return output
            case .failed:
                throw WaiterError(name: name, reason: "Waiter encountered a terminal failure state: For expression \"EndpointStatus\" we matched expected path: \"Failed\"")
            default:
                if attempt < 120 { clock.advance(by: Self.waiterDelay) }
            }
        }
        throw WaiterError(name: name, reason: "Max attempts exceeded")
    }

    /// Polls until DescribeEndpoint says the endpoint does not exist.
    public func waitUntilEndpointDeleted(endpointName: String) throws {
        let name = "EndpointDeleted"
        for attempt in 1...60 {
            do {
                let output = try describeEndpoint(endpointName: endpointName)
                if output.endpointStatus == .failed {
                    throw WaiterError(name: name, reason: "Waiter encountered a terminal failure state: For expression \"EndpointStatus\" we matched expected path: \"Failed\"")
                }
            } catch let error as AWSError {
                if error.code == "ValidationException" { return }
                throw WaiterError(name: name, reason: "An error occurred (\(error.code)): \(error.message)")
            }
            if attempt < 60 { clock.advance(by: Self.waiterDelay) }
        }
        throw WaiterError(name: name, reason: "Max attempts exceeded")
    }
}
