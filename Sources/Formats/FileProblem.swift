// What went wrong with a file, in words: Foundation's own errors read "The operation could
// not be completed. (NSCocoaErrorDomain error 256.)" on Linux, naming neither the file nor
// the reason.
import Foundation

public enum FileProblem {
    /// Why `url` could not be read or written, e.g. "no such file" or "permission denied".
    public static func reason(_ error: Error?, at url: URL) -> String {
        // The error's own code first: a folder on the way that cannot be searched makes the
        // file look absent to FileManager, and that is "permission denied", not "no such file".
        if let code = (error as NSError?).flatMap(posixCode) {
            switch code {
            case ENOENT: return "no such file or folder"
            case EACCES, EPERM: return "permission denied"
            case EISDIR: return "is a folder, not a file"
            case ENOTDIR: return "a part of the path is a file, not a folder"
            default: return String(cString: strerror(code)).lowercased()
            }
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            let parent = url.deletingLastPathComponent()
            return FileManager.default.fileExists(atPath: parent.path) ? "no such file" : "no such folder: \(parent.path)"
        }
        if isDirectory.boolValue { return "is a folder, not a file" }
        if !FileManager.default.isReadableFile(atPath: url.path) { return "permission denied" }
        return "cannot be read (I/O error)"
    }

    /// A Foundation error as "path: reason", or nil when it is not about a file.
    public static func describe(_ error: Error) -> String? {
        let error = error as NSError
        guard error.domain == NSCocoaErrorDomain || error.domain == NSPOSIXErrorDomain else { return nil }
        guard let path = error.userInfo[NSFilePathErrorKey] as? String ?? (error.userInfo[NSURLErrorKey] as? URL)?.path else {
            return posixCode(error).map { String(cString: strerror($0)) }
        }
        if let code = posixCode(error) { return "\(path): \(String(cString: strerror(code)).lowercased())" }
        return "\(path): \(reason(error, at: URL(fileURLWithPath: path)))"
    }

    private static func posixCode(_ error: NSError) -> Int32? {
        if error.domain == NSPOSIXErrorDomain { return Int32(error.code) }
        return (error.userInfo[NSUnderlyingErrorKey] as? NSError).flatMap(posixCode)
    }
}
