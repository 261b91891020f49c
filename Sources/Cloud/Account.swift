// The one account and region the emulated cloud lives in.

public struct Account: Sendable, Equatable {
    /// A fixed, obviously fake account id, so ARNs in handouts repeat from run to run.
    public var id: String
    public var region: String

    public init(id: String = "123456789012", region: String = "ap-northeast-2") {
        self.id = id
        self.region = region
    }

    public func arn(service: String, resource: String, regional: Bool = true) -> String {
        "arn:aws:\(service):\(regional ? region : ""):\(id):\(resource)"
    }
}
