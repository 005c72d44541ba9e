import Foundation
import Glibc

/// One file that takes (nearly) all the room of its filesystem, as a full disk does.
struct DiskFiller {
    let path: String
    /// Bytes the file holds.
    let size: Int

    /// Writes `path` until the filesystem refuses (ENOSPC), then gives `room` bytes back.
    static func fill(_ path: String, leaving room: Int) throws -> DiskFiller {
        let fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0o644)
        guard fd >= 0 else { throw FillFailed(description: "cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let chunk = [UInt8](repeating: 0x5A, count: 64 << 10)
        var written = 0
        while true {
            let count = chunk.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                written += count
                continue
            }
            guard errno == ENOSPC else { throw FillFailed(description: "writing \(path) failed: \(String(cString: strerror(errno)))") }
            break
        }
        let size = max(0, written - room)
        guard ftruncate(fd, off_t(size)) == 0 else { throw FillFailed(description: "cannot shrink \(path)") }
        return DiskFiller(path: path, size: size)
    }

    /// Free bytes on the filesystem that holds `path`.
    static func freeBytes(_ path: String) -> Int {
        var disk = statvfs()
        guard statvfs(path, &disk) == 0 else { return -1 }
        return Int(disk.f_bavail) * Int(disk.f_frsize)
    }

    func remove() throws { try FileManager.default.removeItem(atPath: path) }

    struct FillFailed: Error, CustomStringConvertible { let description: String }
}
