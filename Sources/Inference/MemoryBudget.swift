// How much memory a model's inputs and feature maps may take. A network file can ask for
// any input size; checking the plan against this budget before allocating turns an
// 8192×8192 darknet input (9 GB of maps) into a typed error instead of swapping for minutes.
// `--max-memory` raises it for the process.
import Foundation

public enum MemoryBudget {
    /// 2 GiB: every model labbook ships peaks far below (YOLOv3 at 608×608: about 250 MB).
    public static let defaultBytes = 2 << 30

    private static let lock = NSLock()
    nonisolated(unsafe) private static var current = defaultBytes

    public static var bytes: Int {
        get { lock.withLock { current } }
        set { lock.withLock { current = max(1, newValue) } }
    }

    /// Throws `InferenceError.overBudget` when `needed` bytes for `what` exceed the budget.
    public static func check(_ needed: Int, for what: String) throws {
        let budget = bytes
        guard needed > budget else { return }
        throw InferenceError.overBudget(what: what, needed: needed, budget: budget)
    }

    /// `4G`, `512M`, `1.5G`, `2048K` or plain bytes; nil for anything else.
    public static func parse(_ text: String) -> Int? {
        let units: [Character: Double] = ["K": 1024, "M": 1_048_576, "G": 1_073_741_824, "T": 1_099_511_627_776]
        var number = text.trimmingCharacters(in: .whitespaces).uppercased()
        if number.hasSuffix("B") { number.removeLast() }
        var scale = 1.0
        if let last = number.last, let unit = units[last] { scale = unit; number.removeLast() }
        guard let value = Double(number), value.isFinite, value > 0, value * scale < 9e18 else { return nil }
        return Int(value * scale)
    }

    /// 9.2 GB, 512 MB: a size as a person reads it.
    public static func describe(_ bytes: Int) -> String {
        let value = Double(bytes)
        if value >= 1_073_741_824 { return String(format: "%.1f GB", value / 1_073_741_824) }
        if value >= 1_048_576 { return String(format: "%.0f MB", value / 1_048_576) }
        return "\(bytes) bytes"
    }
}
