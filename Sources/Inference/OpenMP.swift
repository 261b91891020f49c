// OpenMP's thread count, looked up at run time: libgomp arrives through libdnnl and has no
// Swift module.
import Foundation
#if canImport(Glibc)
import Glibc
#endif

public enum OpenMP {
    private typealias SetThreads = @convention(c) (Int32) -> Void
    private typealias GetThreads = @convention(c) () -> Int32
    private static let setter = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "omp_set_num_threads")
        .map { unsafeBitCast($0, to: SetThreads.self) }
    private static let getter = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "omp_get_max_threads")
        .map { unsafeBitCast($0, to: GetThreads.self) }

    /// Sets the calling thread's OpenMP thread count (a per-thread setting); nothing without libgomp.
    public static func setThreads(_ count: Int) { setter?(Int32(count)) }

    /// The calling thread's OpenMP thread count, or nil without libgomp.
    public static var maxThreads: Int? { getter.map { Int($0()) } }
}
