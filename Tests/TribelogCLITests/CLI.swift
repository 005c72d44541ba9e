import Foundation
import Testing
import TribelogSupport

/// Runs the built `tribelog` (next to the test bundle, in the build folder) and captures
/// what it printed. Bounded in time: a hung command fails the test instead of the suite.
struct CLI {
    struct Run {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static func executable() throws -> URL {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent(),
            Bundle.main.bundleURL.deletingLastPathComponent(),
        ].map { $0.appendingPathComponent("tribelog") }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw CLIMissing(description: "the built tribelog is not in \(candidates.map(\.path)): run swift build --build-tests first")
        }
        return found
    }

    struct CLIMissing: Error, CustomStringConvertible { let description: String }

    /// The executable and arguments that run `tribelog arguments…`, after `launcher` when
    /// one is given (a command that runs the rest, e.g. in a private mount namespace).
    static func commandLine(_ arguments: [String], launcher: [String] = []) throws -> (URL, [String]) {
        guard let first = launcher.first else { return (try executable(), arguments) }
        return (URL(fileURLWithPath: first), launcher.dropFirst() + [try executable().path] + arguments)
    }

    /// Runs `tribelog arguments…`, standard output to `stdoutFile` when given (for large
    /// exports), else captured as text. The test's task is suspended while the command
    /// runs (no cooperative thread is held), and the command is killed after `timeout`.
    @discardableResult
    static func run(_ arguments: [String], stdin: String? = nil, stdoutFile: URL? = nil, timeout: Double = 120,
                    launcher: [String] = []) async throws -> Run {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("tribelog-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = stdoutFile ?? scratch.appendingPathComponent("out")
        let errURL = scratch.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let process = Process()
        (process.executableURL, process.arguments) = try commandLine(arguments, launcher: launcher)
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        if let stdin {
            let inURL = scratch.appendingPathComponent("in")
            try Data(stdin.utf8).write(to: inURL)
            process.standardInput = try FileHandle(forReadingFrom: inURL)
        }
        try Spawn.start(process)
        if await !Spawn.exit(of: process, killingAfter: .seconds(timeout)) {
            Issue.record("tribelog \(arguments.joined(separator: " ")) did not finish within \(timeout) s")
        }
        let out = stdoutFile == nil ? String(decoding: (try? Data(contentsOf: outURL)) ?? Data(), as: UTF8.self) : ""
        return Run(status: process.terminationStatus, stdout: out, stderr: String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self))
    }
}

/// A scratch folder removed at the end of the test.
struct Scratch {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("tribelog-cli-test-\(UUID().uuidString)")

    init() throws { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    func remove() { try? FileManager.default.removeItem(at: url) }
}
