import Foundation
import Glibc

/// The on-disk layout: `DIR/log` and `DIR/index` (LMDB environments) and `DIR/LOCK`,
/// held with flock by the one process that may write.
struct DataFolder {
    let root: URL
    var log: String { root.appendingPathComponent("log").path }
    var index: String { root.appendingPathComponent("index").path }
    private static let known: Set<String> = ["log", "index", "views", "LOCK", "secrets"]

    /// Checks the folder is empty or Tribelog's; creates what is missing when writing.
    func prepare(readOnly: Bool) throws {
        let fm = FileManager.default
        let hasLog = fm.fileExists(atPath: log + "/data.mdb")
        if readOnly {
            guard hasLog else {
                throw DataFolderError("no Tribelog log in \(root.path): check --data, or create one with `tribelog demo` or `tribelog import`")
            }
            return
        }
        if !hasLog, let entries = try? fm.contentsOfDirectory(atPath: root.path) {
            let foreign = entries.filter { !Self.known.contains($0) && !$0.hasPrefix(".") }
            if !foreign.isEmpty {
                throw DataFolderError("\(root.path) is not a Tribelog data folder (it holds \(foreign.sorted().prefix(3).joined(separator: ", "))): choose an empty or new folder")
            }
        }
        for path in [root.path, log, index] {
            do {
                try fm.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                throw DataFolderError("cannot create \(path): \(Self.reason(error)): check --data and its permissions")
            }
        }
    }

    /// Takes the writer lock, or says which process holds it.
    func lockForWriting() throws -> Int32 {
        let path = root.appendingPathComponent("LOCK").path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let code = errno
            if code == EACCES || code == EROFS || code == EPERM {
                throw DataFolderError("data folder is not writable: \(root.path): give this user write access, or open it read-only")
            }
            throw DataFolderError("cannot open \(path): \(String(cString: strerror(code)))")
        }
        guard Self.lock(fd) else {
            var buffer = [UInt8](repeating: 0, count: 32)
            let n = pread(fd, &buffer, 31, 0)
            let holder = n > 0 ? String(decoding: buffer[..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : "?"
            close(fd)
            throw DataFolderError("\(root.path) is already open for writing by another tribelog process (pid \(holder)): stop it first, or use another --data folder")
        }
        let pid = "\(getpid())\n"
        ftruncate(fd, 0)
        _ = pid.withCString { pwrite(fd, $0, strlen($0), 0) }
        return fd
    }

    /// A writer that has just closed can hold its lock a moment longer: a process it
    /// spawned shares the lock's open file description from fork until exec closes it
    /// (O_CLOEXEC). So a refusal is only believed after a quarter of a second of retries.
    private static func lock(_ fd: Int32) -> Bool {
        for attempt in 0..<25 {
            if flock(fd, LOCK_EX | LOCK_NB) == 0 { return true }
            guard errno == EWOULDBLOCK, attempt < 24 else { return false }
            usleep(10_000)
        }
        return false
    }

    private static func reason(_ error: any Error) -> String {
        if let posix = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError {
            return String(cString: strerror(Int32(posix.code)))
        }
        return error.localizedDescription
    }
}
