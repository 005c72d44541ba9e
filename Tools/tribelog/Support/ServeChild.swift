import Foundation
import TribelogSupport
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `tribelog serve` on a data folder and a free port of 127.0.0.1, started as a child the
/// way a user starts it (this same executable): the address comes from the line it prints
/// once it listens. Its log is appended to a file, since under load it logs more than a
/// pipe holds unread. Stopped with SIGTERM, or killed with SIGKILL by the crash test.
final class ServeChild: @unchecked Sendable {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let process: Process
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    let base: String
    let logFile: URL

    /// `tribelog serve` as this executable runs it.
    static func start(data: URL, logFile: URL, startTimeout: Double = 120) async throws -> ServeChild {
        try await start(data: data.path, logFile: logFile, executable: try ChildProcess.tribelog(), startTimeout: startTimeout)
    }

    /// `executable leading… serve --data DATA --port 0`: `leading` are the arguments before
    /// `serve` (a launcher such as a mount-namespace wrapper puts tribelog's path there), and
    /// `environment` is added to this process's. Returns once it printed its address.
    static func start(data: String, logFile: URL, executable: URL, leading: [String] = [], environment: [String: String] = [:],
                      startTimeout: Double = 120) async throws -> ServeChild {
        let process = Process()
        process.executableURL = executable
        process.arguments = leading + ["serve", "--data", data, "--port", "0"]
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let output = Pipe()
        if !FileManager.default.fileExists(atPath: logFile.path) { _ = FileManager.default.createFile(atPath: logFile.path, contents: nil) }
        let log = try FileHandle(forWritingTo: logFile)
        log.seekToEndOfFile()
        process.standardOutput = output
        process.standardError = log
        try Spawn.start(process)
        // The one line serve prints once it listens: "tribelog serving http://127.0.0.1:PORT".
        // Read on a thread of its own (the read blocks); a server that never prints is
        // killed at the deadline, which ends the read with end of file.
        let reading = Task { await BlockingWorker(label: "tribelog.serve-child.address").run { Self.firstLine(of: output.fileHandleForReading) } }
        let watchdog = Task {
            try await Task.sleep(for: .seconds(startTimeout))
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        let printed = await reading.value
        watchdog.cancel()
        guard let address = printed.split(separator: " ").last?.trimmingCharacters(in: .whitespacesAndNewlines),
              address.hasPrefix("http://") else {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            await Spawn.exit(of: process)
            throw Failure(description: "tribelog serve --data \(data) did not print its address within \(startTimeout) s (it printed \"\(printed)\"); its log is \(logFile.path)")
        }
        return ServeChild(process: process, base: address, logFile: logFile)
    }

    private init(process: Process, base: String, logFile: URL) {
        self.process = process
        self.base = base
        self.logFile = logFile
    }

    /// Reads until the first newline or end of file.
    private static func firstLine(of handle: FileHandle) -> String {
        var printed = ""
        while !printed.contains("\n") {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            printed += String(decoding: chunk, as: UTF8.self)
        }
        return printed
    }

    deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

    /// SIGKILL: no shutdown, no flush, as when the machine loses power to the process.
    func crash() async {
        kill(process.processIdentifier, SIGKILL)
        await Spawn.exit(of: process)
    }

    /// SIGTERM and the exit status, or nil when it did not exit within `timeout` (then
    /// `beforeKill` runs while it still does, and it is killed).
    func stop(timeout: Double = 30, beforeKill: () async -> Void = {}) async throws -> Int32? {
        kill(process.processIdentifier, SIGTERM)
        guard await Spawn.exit(of: process, timeout: .seconds(timeout)) else {
            await beforeKill()
            await crash()
            return nil
        }
        return process.terminationReason == .exit ? process.terminationStatus : 128 + process.terminationStatus
    }

    /// GET `path` as JSON (with a bearer token when given).
    func getJSON(_ path: String, token: String? = nil, session: URLSession = .shared) async throws -> Any {
        var request = URLRequest(url: URL(string: base + path)!, timeoutInterval: 30)
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let (body, response) = try await session.data(for: request)
        guard let status = (response as? HTTPURLResponse)?.statusCode, status == 200 else {
            throw Failure(description: "GET \(path) answered \((response as? HTTPURLResponse)?.statusCode ?? 0): \(String(decoding: body.prefix(300), as: UTF8.self))")
        }
        return try JSONSerialization.jsonObject(with: body)
    }

    /// GET `path` as text.
    func getText(_ path: String) async throws -> String {
        let (body, _) = try await URLSession.shared.data(from: URL(string: base + path)!)
        return String(decoding: body, as: UTF8.self)
    }

    /// Waits until /health shows every read model following at the log's head with nothing
    /// left to apply; false on timeout.
    func waitUntilModelsCaughtUp(timeout: Double, session: URLSession = .shared) async throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let health = try? await getJSON("/health", session: session) as? [String: Any],
               let head = (health["head"] as? NSNumber)?.uint64Value,
               let projections = health["projections"] as? [[String: Any]], !projections.isEmpty,
               projections.allSatisfy({
                   $0["state"] as? String == "following" && ($0["position"] as? NSNumber)?.uint64Value == head
                       && ($0["lagEvents"] as? NSNumber)?.uint64Value == 0
               }) {
                return true
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }
}
