import CLMDB
import Glibc

/// An LMDB call failed. The message says what happened to which folder and what to do.
public struct LMDBError: Error, CustomStringConvertible, Sendable {
    /// LMDB's (or errno's) result code.
    public let code: Int32
    /// The C call that failed, e.g. `mdb_env_open`.
    public let operation: String
    /// The environment's folder.
    public let path: String

    public var isMapFull: Bool { code == MDB_MAP_FULL }
    public var isMapResized: Bool { code == MDB_MAP_RESIZED }
    /// The disk (or the user's quota) had no room for the write.
    public var isDiskFull: Bool { code == ENOSPC || code == EDQUOT }

    public var description: String {
        "\(summary) [\(operation): \(String(cString: mdb_strerror(code)))]"
    }

    private var summary: String {
        switch code {
        case EACCES, EROFS, EPERM:
            return "data folder is not writable: \(path): give this user write access or choose another --data folder"
        case ENOENT:
            return "data folder does not exist: \(path): create it or choose another --data folder"
        case ENOSPC, EDQUOT:
            return "disk full while writing \(path): free space on that disk; events acknowledged before are safe"
        case MDB_INVALID:
            return "\(path) is not a Tribelog data folder (its files are not an LMDB database): choose an empty folder or a Tribelog one"
        case MDB_VERSION_MISMATCH:
            return "\(path) was written by an incompatible LMDB version: open it with the tribelog that wrote it"
        case MDB_CORRUPTED, MDB_PAGE_NOTFOUND:
            return "\(path) is damaged (LMDB page corruption): restore it from a backup or an export; run `tribelog verify` to see what is readable"
        case MDB_READERS_FULL:
            return "too many readers have \(path) open: close other tribelog processes or stale readers"
        case MDB_MAP_FULL:
            return "\(path) reached its map size and could not grow: free memory address space or disk"
        case EAGAIN, EBUSY:
            return "\(path) is locked by another process: stop the other tribelog process first"
        default:
            return "storage error in \(path)"
        }
    }
}

/// Turns an LMDB result code into a thrown `LMDBError`; success is 0.
@inline(__always)
func check(_ code: Int32, _ operation: @autoclosure () -> String, path: String) throws(LMDBError) {
    if code != 0 { throw LMDBError(code: code, operation: operation(), path: path) }
}
