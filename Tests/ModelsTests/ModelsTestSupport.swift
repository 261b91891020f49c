import Foundation
@testable import Models

/// Reads a JSON golden under fixtures/goldens.
func golden(_ name: String) throws -> [String: Any] {
    let url = try TinyModels.fixture("goldens/\(name)")
    let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
    return object as? [String: Any] ?? [:]
}

func ints(_ value: Any?) -> [Int] { (value as? [Any])?.compactMap { ($0 as? NSNumber)?.intValue } ?? [] }
func floats(_ value: Any?) -> [Float] { (value as? [Any])?.compactMap { ($0 as? NSNumber)?.floatValue } ?? [] }
