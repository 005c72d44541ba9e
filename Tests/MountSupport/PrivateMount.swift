import Foundation
import TribelogSupport
import Glibc

/// A mount that only this test's children see: a private mount namespace (`unshare
/// --mount --propagation private`) held open by a `sleep` child, in which `path` is a
/// size-limited tmpfs or a read-only bind mount of itself. Tools run inside it through
/// `nsenter` (`launcher`); the test itself reaches it through `/proc/PID/root`
/// (`outsidePath`). Nothing leaks to the host: the mount goes when the holder and every
/// process entered into it have exited. Needs root (`isAvailable` says whether this
/// machine allows it); the tests that use it are disabled elsewhere.
public final class PrivateMount: @unchecked Sendable {
    public enum Kind: Sendable {
        /// An empty tmpfs of at most this many bytes: writes past it fail with ENOSPC.
        case tmpfs(bytes: Int)
        /// The folder as it is, read-only: writes fail with EROFS.
        case readOnly
    }

    /// The mount point, as processes inside the namespace name it.
    public let path: String
    private let holder = Process()

    /// Mounts `kind` on the existing folder `path`; throws when the mount failed.
    public init(_ kind: Kind, at path: String) throws {
        self.path = path
        let mount = switch kind {
        case .tmpfs(let bytes): #"mount -t tmpfs -o size=\#(bytes) tmpfs "$1""#
        case .readOnly: #"mount --bind "$1" "$1" && mount -o remount,bind,ro "$1""#
        }
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        // The sleep bounds how long a mount outlives a test that crashed before `remove`.
        holder.arguments = ["--mount", "--propagation", "private", "sh", "-c",
                            mount + #" || exit 97; echo mounted; exec sleep 600"#, "sh", path]
        let output = Pipe()
        holder.standardOutput = output
        holder.standardError = FileHandle.nullDevice
        try Spawn.start(holder)
        var printed = ""
        while !printed.contains("mounted") && holder.isRunning {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            printed += String(decoding: chunk, as: UTF8.self)
        }
        guard printed.contains("mounted") else {
            remove()
            throw MountFailed(description: "could not mount \(kind) on \(path) in a private mount namespace")
        }
    }

    deinit { remove() }

    /// The mount point as this process, outside the namespace, reaches it.
    public var outsidePath: String { "/proc/\(holder.processIdentifier)/root" + path }

    /// Prefix of a command line that runs the rest inside the namespace. `nsenter` execs
    /// the command (no fork), so a launched process's pid is the tool's own.
    public var launcher: [String] {
        ["/usr/bin/nsenter", "--target", "\(holder.processIdentifier)", "--mount", "--"]
    }

    /// Ends the holder; the mount goes once the processes entered into it exit too.
    public func remove() {
        guard holder.isRunning else { return }
        kill(holder.processIdentifier, SIGKILL)
        holder.waitUntilExit()
    }

    public struct MountFailed: Error, CustomStringConvertible {
        public let description: String
    }

    /// Can this process make private mount namespaces (root with CAP_SYS_ADMIN)?
    public static let isAvailable: Bool = {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare"),
              FileManager.default.isExecutableFile(atPath: "/usr/bin/nsenter") else { return false }
        let probe = FileManager.default.temporaryDirectory.appendingPathComponent("tribelog-mount-probe-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: probe) }
        guard (try? FileManager.default.createDirectory(at: probe, withIntermediateDirectories: true)) != nil,
              let mount = try? PrivateMount(.tmpfs(bytes: 1 << 20), at: probe.path) else { return false }
        mount.remove()
        return true
    }()
}
