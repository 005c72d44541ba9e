import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `tribelog serve` on the crash test's data folder and a free port of 127.0.0.1, started
/// as a user would (this same executable), killed with SIGKILL or stopped with SIGTERM.
/// Its log goes to DIR-serve.log, appended round after round.
final class CrashServer: @unchecked Sendable {
    let process = Process()
    let base: URL

    init(data: String) throws {
        process.executableURL = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
        process.arguments = ["serve", "--data", data, "--port", "0"]
        let output = Pipe()
        let logPath = data + "-serve.log"
        if !FileManager.default.fileExists(atPath: logPath) { _ = FileManager.default.createFile(atPath: logPath, contents: nil) }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        log.seekToEndOfFile()
        process.standardOutput = output
        process.standardError = log
        try process.run()
        // The one line serve prints once it listens: "tribelog serving http://127.0.0.1:PORT".
        var printed = ""
        let deadline = Date().addingTimeInterval(120)
        while !printed.contains("\n") && Date() < deadline && process.isRunning {
            printed += String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        }
        guard let address = printed.split(separator: " ").last?.trimmingCharacters(in: .whitespacesAndNewlines),
              address.hasPrefix("http://"), let base = URL(string: address) else {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            throw CLIError("tribelog serve --data \(data) did not print its address (it printed \"\(printed)\"); its log is \(logPath)")
        }
        self.base = base
    }

    deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

    /// SIGKILL: no shutdown, no flush, as when the machine loses power to the process.
    func crash() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM and the exit status, or nil when it did not exit within `timeout`.
    func stop(timeout: Double = 30) async throws -> Int32? {
        kill(process.processIdentifier, SIGTERM)
        let stopBy = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < stopBy { try await Task.sleep(for: .milliseconds(20)) }
        guard !process.isRunning else {
            crash()
            return nil
        }
        return process.terminationStatus
    }

    /// Waits until /health shows every read model following at the log's head; false on timeout.
    func waitUntilModelsCaughtUp(session: URLSession, timeout: Double = 120) async throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            var request = URLRequest(url: base.appendingPathComponent("health"), timeoutInterval: 5)
            request.httpMethod = "GET"
            if let (body, response) = try? await session.data(for: request), (response as? HTTPURLResponse)?.statusCode == 200,
               let health = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
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
