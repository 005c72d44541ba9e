import Dispatch
import Foundation
import Glibc
import Synchronization
import Testing
import TribelogSupport

@testable import EventLog

// Helpers shared by the log's test files: time bounds, the built `tribelog` executable,
// a reference implementation of query matching, and small append shorthands.

struct TimedOut: Error, CustomStringConvertible {
    let seconds: Double
    var description: String { "did not finish within \(seconds) s" }
}

/// Runs `body`, cancelling it and throwing `TimedOut` if it takes longer than `seconds`.
/// `body` must honour cancellation (the log's waits do).
func withTimeout<T: Sendable>(seconds: Double, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else { throw TimedOut(seconds: seconds) }
        return value
    }
}

// MARK: Reference semantics

/// The query rules restated independently of the implementation: an item matches when the
/// type is one of its types (or it names none) and every one of its tags is present; items
/// are OR-ed; a query without items matches everything.
func referenceMatches(_ query: Query, _ event: RecordedEvent) -> Bool {
    if query.items.isEmpty { return true }
    return query.items.contains { item in
        (item.types.isEmpty || item.types.contains(event.type)) && item.tags.allSatisfy { event.tags.contains($0) }
    }
}

func referencePositions(_ query: Query, in events: [RecordedEvent], after: Position = 0) -> [Position] {
    events.filter { $0.position > after && referenceMatches(query, $0) }.map(\.position)
}

extension EventStore {
    /// Every event in the log (tests keep logs small).
    func all() throws -> [RecordedEvent] { try read(from: 1, limit: .max) }

    /// Appends one fixture event; returns its position.
    @discardableResult
    func put(_ type: String = "MemberJoined", tags: [String] = [], stream: String = "s") async throws -> Position {
        try await append([Fixtures.event(type, tags: tags)], to: stream).positions[0]
    }

    /// Appends a probe (type `Probe`, no tags: no test query matches it) under `condition`.
    /// Returns the conflict, or nil when the append went through.
    func probe(_ condition: AppendCondition, stream: String = "probes") async throws -> AppendConflict? {
        do {
            _ = try await append([Fixtures.event("Probe")], to: stream, condition: condition)
            return nil
        } catch let conflict as AppendConflict {
            return conflict
        }
    }
}

extension AppendConflict {
    var conditionMatch: Position? {
        if case .condition(_, let position) = reason { return position }
        return nil
    }
}

// MARK: The built executable

enum TribelogTool {
    /// `tribelog`, built next to the test bundle (`.build-…/debug/`).
    static func executable() throws -> URL {
        var folders: [URL] = []
        folders.append(URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent())
        if let main = Bundle.main.executableURL { folders.append(main.resolvingSymlinksInPath().deletingLastPathComponent()) }
        folders.append(Bundle.main.bundleURL.deletingLastPathComponent())
        for folder in folders {
            let candidate = folder.appendingPathComponent("tribelog")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw ToolNotFound(searched: folders.map(\.path))
    }

    struct ToolNotFound: Error, CustomStringConvertible {
        let searched: [String]
        var description: String { "the built tribelog executable is not in \(searched): run swift build --build-tests first" }
    }
}

/// Reads one pipe on its own thread until end of file.
final class PipeCollector: Sendable {
    let readEnd: Int32
    private let bytes = Mutex<[UInt8]>([])
    private let finished = DispatchSemaphore(value: 0)

    init(readEnd: Int32) {
        self.readEnd = readEnd
        Thread.detachNewThread { [self] in
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let n = buffer.withUnsafeMutableBytes { Glibc.read(readEnd, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                bytes.withLock { $0.append(contentsOf: buffer[..<n]) }
            }
            Glibc.close(readEnd)
            finished.signal()
        }
    }

    var text: String { String(decoding: bytes.withLock { $0 }, as: UTF8.self) }

    /// Waits for end of file (every write end closed); false on timeout. The semaphore is
    /// waited for on a thread of its own, not on the test's cooperative thread.
    func waitForEnd(seconds: Double) async -> Bool {
        await BlockingWorker(label: "tribelog.tests.pipe-end").run { [finished] in
            finished.wait(timeout: .now() + seconds) == .success
        }
    }
}

/// A child process whose stdout and stderr are read as they come. The pipes are made
/// close-on-exec, so children other tests start at the same time never hold their write
/// ends (which would keep end of file from arriving).
struct ChildProcess {
    let process: Process
    let stdout: PipeCollector
    let stderr: PipeCollector

    init(_ executable: URL, _ arguments: [String]) throws {
        func makePipe() throws -> (read: Int32, write: Int32) {
            var fds: [Int32] = [0, 0]
            guard pipe(&fds) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            // (pipe2 is not visible from Swift's Glibc module; the window until these
            // calls is a few instructions.)
            _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
            _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
            return (fds[0], fds[1])
        }
        let out = try makePipe()
        let err = try makePipe()
        process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle(fileDescriptor: out.write, closeOnDealloc: false)
        process.standardError = FileHandle(fileDescriptor: err.write, closeOnDealloc: false)
        defer {
            // The child has its own copies now (or never started); ours would block end of file.
            Glibc.close(out.write)
            Glibc.close(err.write)
        }
        do {
            try Spawn.start(process)
        } catch {
            Glibc.close(out.read)
            Glibc.close(err.read)
            throw error
        }
        stdout = PipeCollector(readEnd: out.read)
        stderr = PipeCollector(readEnd: err.read)
    }

    var pid: Int32 { process.processIdentifier }

    func kill() { _ = Glibc.kill(pid, SIGKILL) }

    /// Waits for the child to exit, killing it after `seconds`; returns its exit status
    /// (the signal number if killed) and whether the time ran out.
    func wait(seconds: Double) async -> (status: Int32, timedOut: Bool) {
        let exited = await Spawn.exit(of: process, killingAfter: .seconds(seconds))
        _ = await stdout.waitForEnd(seconds: 2)
        _ = await stderr.waitForEnd(seconds: 2)
        return (process.terminationStatus, !exited)
    }
}

struct ToolRun {
    var status: Int32
    var timedOut: Bool
    var stdout: String
    var stderr: String
}

/// Runs `executable arguments` to completion (killed after `seconds`).
func runChild(_ executable: URL, _ arguments: [String], seconds: Double = 8) async throws -> ToolRun {
    let child = try ChildProcess(executable, arguments)
    let (status, timedOut) = await child.wait(seconds: seconds)
    return ToolRun(status: status, timedOut: timedOut, stdout: child.stdout.text, stderr: child.stderr.text)
}
