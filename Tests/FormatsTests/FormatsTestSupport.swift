import Foundation

/// fixtures/ of this repository, found from this source file (Tests/FormatsTests/...).
func fixture(_ relativePath: String) -> URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures").appendingPathComponent(relativePath)
}

/// A safetensors file from a header object and a buffer.
func safetensorsFile(header: String, buffer: [UInt8]) -> Data {
    var data = Data()
    let json = Data(header.utf8)
    withUnsafeBytes(of: UInt64(json.count).littleEndian) { data.append(contentsOf: $0) }
    data.append(json)
    data.append(contentsOf: buffer)
    return data
}
