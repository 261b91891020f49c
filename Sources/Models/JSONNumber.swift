// JSONSerialization on Linux hands back `true` and `false` as NSNumbers, and the numbers 0
// and 1 also pass `is Bool`: only the boxed type ("c", a char) tells a boolean from a number.
import Foundation

enum JSONNumber {
    /// `value` as a number, or nil when it is not a JSON number (booleans included).
    static func number(_ value: Any?) -> NSNumber? {
        guard let number = value as? NSNumber else { return nil }
        return String(cString: number.objCType) == "c" ? nil : number
    }
}
