import Foundation
import Glibc

/// A server's own folder when its log lives elsewhere (on PostgreSQL): its read models
/// (`DIR/views`) and secrets, held with the same writer lock (`DIR/LOCK`) as a data folder
/// with an embedded log, so that two servers never follow the log into one set of read
/// models.
public final class ReadModelFolder: Sendable {
    public let root: URL
    private let lock: Int32

    /// Creates the folder when new and takes its writer lock, or says which process has it.
    public init(root: URL) throws {
        do {
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        } catch {
            throw DataFolderError("cannot create \(root.path): \(error.localizedDescription): check --data and its permissions")
        }
        if FileManager.default.fileExists(atPath: root.appendingPathComponent("log/data.mdb").path) {
            throw DataFolderError("\(root.path) holds an embedded log: a server on a shared log keeps only its read models in --data; give it another folder, or serve this one without --log")
        }
        self.root = root
        lock = try DataFolder(root: root).lockForWriting()
    }

    public var viewsDirectory: URL { root.appendingPathComponent("views") }

    deinit {
        Glibc.close(lock)
    }
}
