import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The few file operations Foundation cannot do safely: Foundation creates a file and then
/// changes its mode, which leaves a moment where a secret is readable by others. These create
/// files with their final mode from the start.
enum POSIXFile {
    struct Failure: Error, CustomStringConvertible {
        let operation: String
        let path: String
        let code: Int32

        var description: String { "\(operation) \(path): \(String(cString: strerror(code)))" }
    }

    /// Creates a new file with `mode`, writes `contents` and flushes them to disk. Fails if the
    /// file exists, so two processes never both believe they created it.
    static func createExclusive(_ url: URL, contents: [UInt8], mode: mode_t) throws(Failure) {
        let path = url.path
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw Failure(operation: "create", path: path, code: errno) }
        do throws(Failure) {
            try writeAll(fd, contents, path: path)
            guard fsync(fd) == 0 else { throw Failure(operation: "sync", path: path, code: errno) }
            close(fd)
        } catch {
            close(fd)
            unlink(path)
            throw error
        }
    }

    /// Replaces `url` atomically with a new file of `mode`: readers see the old file or the
    /// whole new one, never a partial file, and the new file is never more open than `mode`.
    static func replace(_ url: URL, contents: [UInt8], mode: mode_t) throws(Failure) {
        let temporary = url.deletingLastPathComponent()
            .appending(path: ".\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: .min ... .max)).tmp")
        try createExclusive(temporary, contents: contents, mode: mode)
        guard rename(temporary.path, url.path) == 0 else {
            let failure = Failure(operation: "rename to", path: url.path, code: errno)
            unlink(temporary.path)
            throw failure
        }
        syncDirectory(of: url)
    }

    /// The permission bits of an existing file.
    static func mode(of url: URL) throws(Failure) -> mode_t {
        var info = stat()
        guard stat(url.path, &info) == 0 else { throw Failure(operation: "stat", path: url.path, code: errno) }
        return info.st_mode & 0o7777
    }

    static func exists(_ url: URL) -> Bool {
        var info = stat()
        return lstat(url.path, &info) == 0
    }

    /// Makes a new directory entry durable; best effort, since not every file system allows it.
    static func syncDirectory(of url: URL) {
        let fd = open(url.deletingLastPathComponent().path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(Failure) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw Failure(operation: "write", path: path, code: errno)
            }
            offset += written
        }
    }
}
