// The result caches are bounded by bytes, not only by entry count.
import XCTest
import Serving
@testable import Cloud

final class SageMakerInvocationCacheTests: XCTestCase {
    private func entry(_ bytes: Int) -> InvocationCache.Entry {
        InvocationCache.Entry(response: InvocationResponse(body: Data(count: bytes), contentType: "application/octet-stream"),
                              latency: 0.01)
    }

    func testCacheIsBoundedByBytes() {
        let mib = 1 << 20
        // (label, body sizes stored in order, entries kept, bytes kept, keys that must be gone)
        let cases: [(String, [Int], Int, Int, [Int])] = [
            ("70 bodies of 1 MiB keep the newest 64", Array(repeating: mib, count: 70), 64, 64 * mib, Array(0..<6)),
            ("a body over 1 MiB is not cached", [mib + 1], 0, 0, [0]),
            ("6 MB responses are never held", Array(repeating: 6_000_000, count: 256), 0, 0, [0, 255]),
            ("300 small bodies keep the newest 256", Array(repeating: 10, count: 300), 256, 2_560, Array(0..<44)),
        ]
        for (label, sizes, kept, bytes, gone) in cases {
            var cache = InvocationCache.realTime()
            for (index, size) in sizes.enumerated() { cache.store(entry(size), for: "k\(index)") }
            XCTAssertEqual(cache.count, kept, label)
            XCTAssertEqual(cache.totalBytes, bytes, label)
            XCTAssertLessThanOrEqual(cache.totalBytes, cache.maxTotalBytes, label)
            for index in gone { XCTAssertNil(cache.lookup("k\(index)"), "\(label): k\(index)") }
        }
        var cache = InvocationCache.realTime()
        cache.store(entry(100), for: "k")
        cache.store(entry(40), for: "k")
        XCTAssertEqual(cache.totalBytes, 40, "replacing an entry releases the old body's bytes")
    }

    /// A video model's 200 MB reply is kept for the async burst, but only five of them at once.
    func testAsynchronousCacheHoldsLargeReplies() {
        var cache = InvocationCache.asynchronous()
        for index in 0..<7 { cache.store(entry(200 << 20), for: "v\(index)") }
        XCTAssertEqual(cache.count, 5)
        XCTAssertNil(cache.lookup("v0"))
        XCTAssertNotNil(cache.lookup("v6"))
        cache.store(entry((512 << 20) + 1), for: "huge")
        XCTAssertNil(cache.lookup("huge"), "a reply over 512 MB is not cached")
    }
}
