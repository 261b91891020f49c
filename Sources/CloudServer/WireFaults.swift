// What a client hears when the wire layer, not a service, refuses a request: each
// protocol's code for an unreadable body and for an operation nobody answers.
import AWSWire
import Cloud
import Foundation

enum WireFaults {
    static func awsError(_ error: Error, proto: WireProtocol?, service: String) -> AWSError {
        if let aws = error as? AWSError { return aws }
        guard let wire = error as? WireError else {
            return AWSError(service: service, code: "InternalFailure", httpStatus: 500, message: "\(error)")
        }
        switch (wire, proto) {
        case (.serialization(let m), .restXML?), (.malformed(let m), .restXML?):
            return AWSError(service: service, code: "MalformedXML", httpStatus: 400, message: m)
        case (.serialization(let m), .query?), (.malformed(let m), .query?):
            return AWSError(service: service, code: "MalformedQueryString", httpStatus: 400, message: m)
        case (.serialization(let m), _), (.malformed(let m), _):
            return AWSError(service: service, code: "SerializationException", httpStatus: 400, message: m)
        case (.unknownOperation(let m), .query?):
            return AWSError(service: service, code: "InvalidAction", httpStatus: 400, message: m)
        case (.unknownOperation(let m), .restXML?):
            return AWSError(service: service, code: "MethodNotAllowed", httpStatus: 405, message: m)
        case (.unknownOperation(let m), _):
            return AWSError(service: service, code: "UnknownOperationException", httpStatus: 400, message: m)
        }
    }
}
