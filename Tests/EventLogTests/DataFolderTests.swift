import Foundation
import Glibc
import MountSupport
import Testing

@testable import EventLog

/// Opening folders that are not (usable) Tribelog logs: a clear error, nothing changed.
///
/// Read-only folders: the tests run as root in CI, where permission bits are not enforced,
/// so `chmod 0555` proves nothing there. As root, the read-only case runs `tribelog` in a
/// private mount namespace (`unshare --mount`) on a read-only bind mount or tmpfs, which no
/// other process sees and which disappears with the child; where that is impossible the
/// test is disabled. As any other user, the chmod variant runs instead. The error path
/// "a file where the folder should be" is tested everywhere.
@Suite struct DataFolderTests {
    private static func contents(_ url: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).sorted()
    }

    private static func openError(_ url: URL, readOnly: Bool = false) -> (any Error)? {
        var options = Fixtures.options(autoIndex: false)
        options.readOnly = readOnly
        do {
            let store = try EventStore.open(directory: url, options: options)
            store.close()
            return nil
        } catch {
            return error
        }
    }

    private static func makeLog(_ url: URL, events: Int = 3) async throws {
        let store = try EventStore.open(directory: url, options: Fixtures.options(autoIndex: false))
        defer { store.close() }
        for _ in 0..<events { try await store.put() }
    }

    @Test func folderWithOtherFilesIsRefusedAndLeftAlone() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        try FileManager.default.createDirectory(at: folder.url.appendingPathComponent("photos"), withIntermediateDirectories: true)
        try Data("mine".utf8).write(to: folder.url.appendingPathComponent("notes.txt"))
        let before = Self.contents(folder.url)

        let error = Self.openError(folder.url)
        #expect(error is DataFolderError)
        #expect("\(error!)".contains("is not a Tribelog data folder"), "\(error!)")
        #expect("\(error!)".contains("notes.txt"))
        #expect(Self.contents(folder.url) == before, "no log, index or LOCK created")
        #expect(try Data(contentsOf: folder.url.appendingPathComponent("notes.txt")) == Data("mine".utf8))

        let readOnly = Self.openError(folder.url, readOnly: true)
        #expect(readOnly is DataFolderError)
        #expect("\(readOnly!)".contains("no Tribelog log"))
        #expect(Self.contents(folder.url) == before)
    }

    @Test func fileWhereTheFolderShouldBeIsRefused() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        try FileManager.default.createDirectory(at: folder.url, withIntermediateDirectories: true)
        let file = folder.url.appendingPathComponent("data")
        try Data("not a folder".utf8).write(to: file)

        for target in [file, file.appendingPathComponent("inside")] {
            let error = Self.openError(target)
            #expect(error is DataFolderError, "\(String(describing: error))")
            #expect("\(error!)".contains("cannot create \(target.path)"), "\(error!)")
        }
        #expect(try Data(contentsOf: file) == Data("not a folder".utf8))
        #expect(Self.contents(folder.url) == ["data"])
    }

    @Test(.enabled(if: getuid() != 0, "root ignores permission bits"))
    func folderWithoutWritePermissionIsRefused() async throws {
        let folder = TemporaryFolder()
        defer {
            chmod(folder.url.path, 0o755)
            folder.remove()
        }
        try await Self.makeLog(folder.url)
        chmod(folder.url.path, 0o555)
        let error = Self.openError(folder.url)
        #expect(error is DataFolderError)
        #expect("\(error!)".contains("not writable"), "\(error!)")
    }

    /// Can this process make a private mount namespace (root with CAP_SYS_ADMIN)?
    static let canMountPrivately = PrivateMount.isAvailable

    /// Runs `tribelog ARGS` in a private mount namespace in which `folder` is read-only.
    private static func tribelogOnReadOnlyMount(_ folder: URL, fresh: Bool, _ arguments: [String]) async throws -> ToolRun {
        let mount = fresh ? #"mount -t tmpfs -o ro tmpfs "$1""# : #"mount --bind "$1" "$1" && mount -o remount,bind,ro "$1""#
        return try await runChild(URL(fileURLWithPath: "/usr/bin/unshare"),
                            ["--mount", "--propagation", "private", "sh", "-c", mount + #" || exit 97; shift; exec "$@""#,
                             "sh", folder.path, try TribelogTool.executable().path] + arguments, seconds: 8)
    }

    @Test(.enabled(if: DataFolderTests.canMountPrivately, "needs root and mount namespaces"))
    func logOnReadOnlyFileSystemCannotBeWrittenButVerifies() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        try await Self.makeLog(folder.url)

        let write = try await Self.tribelogOnReadOnlyMount(folder.url, fresh: false, ["append-loop", "--data", folder.url.path])
        #expect(!write.timedOut, "append-loop ran on a read-only folder")
        #expect(write.status != 0 && write.status != 97)
        #expect(write.stderr.contains("data folder is not writable: \(folder.url.path)"), "\(write.stderr)")

        let verify = try await Self.tribelogOnReadOnlyMount(folder.url, fresh: false, ["verify", "--data", folder.url.path])
        #expect(verify.status == 0, "\(verify.stdout) \(verify.stderr)")
        #expect(verify.stdout.contains("intact: 3 events"))
    }

    @Test(.enabled(if: DataFolderTests.canMountPrivately, "needs root and mount namespaces"))
    func emptyReadOnlyFileSystemCannotHoldANewLog() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        try FileManager.default.createDirectory(at: folder.url, withIntermediateDirectories: true)
        let run = try await Self.tribelogOnReadOnlyMount(folder.url, fresh: true, ["append-loop", "--data", folder.url.path])
        #expect(!run.timedOut)
        #expect(run.status != 0 && run.status != 97)
        #expect(run.stderr.contains("cannot create \(folder.url.path)/log"), "\(run.stderr)")
        #expect(Self.contents(folder.url).isEmpty)
    }

    @Test func unknownFormatVersionIsRefused() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        try await Self.makeLog(folder.url)
        let logPath = folder.url.appendingPathComponent("log").path
        func format() throws -> [UInt8]? {
            let env = try LMDBEnvironment(path: logPath, options: .init(), logger: Fixtures.options().logger)
            let dbs = try LogDatabases(env, create: false)
            return try env.read { try $0.get(dbs.meta, key: MetaKey.format).map(Array.init) }
        }
        do {
            let env = try LMDBEnvironment(path: logPath, options: .init(), logger: Fixtures.options().logger)
            let dbs = try LogDatabases(env, create: false)
            try env.write { try $0.put(dbs.meta, key: MetaKey.format, value: [99]) }
        }

        for readOnly in [false, true] {
            let error = Self.openError(folder.url, readOnly: readOnly)
            #expect(error is DataFolderError)
            #expect("\(error!)".contains("log format 99"), "\(error!)")
            #expect("\(error!)".contains("reads format \(MetaKey.currentFormat)"))
        }
        #expect(try format() == [99], "the mark is left as found")

        let run = try await runChild(try TribelogTool.executable(), ["verify", "--data", folder.url.path])
        #expect(run.status != 0)
        #expect(run.stderr.contains("log format 99"), "\(run.stderr)")
    }

    @Test func garbageWhereTheLogShouldBeIsRefused() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let log = folder.url.appendingPathComponent("log")
        try FileManager.default.createDirectory(at: log, withIntermediateDirectories: true)
        let garbage = Data((0..<16_384).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        try garbage.write(to: log.appendingPathComponent("data.mdb"))

        let error = try #require(Self.openError(folder.url))
        #expect("\(error)".contains("not a Tribelog data folder"), "\(error)")
        #expect(try Data(contentsOf: log.appendingPathComponent("data.mdb")) == garbage)
    }

    /// The writer lock is flock on DIR/LOCK, per open file description: a second open for
    /// writing conflicts in this process as in any other.
    @Test func secondWriterIsRefusedUntilTheFirstCloses() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let first = try EventStore.open(directory: folder.url, options: Fixtures.options())
        try await first.put()

        let error = Self.openError(folder.url)
        #expect(error is DataFolderError)
        #expect("\(error!)".contains("already open for writing"), "\(error!)")
        #expect("\(error!)".contains("pid \(getpid())"))

        let other = try await runChild(try TribelogTool.executable(), ["append-loop", "--data", folder.url.path], seconds: 8)
        #expect(!other.timedOut, "a second process appended next to the writer")
        #expect(other.stderr.contains("already open for writing by another tribelog process (pid \(getpid()))"), "\(other.stderr)")

        try await first.put()  // the refused opens took nothing from the first writer
        first.close()

        let second = try EventStore.open(directory: folder.url, options: Fixtures.options())
        defer { second.close() }
        #expect(second.head == 2)
        try await second.put()
        #expect(second.head == 3)
    }
}
