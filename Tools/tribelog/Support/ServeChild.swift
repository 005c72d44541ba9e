import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `tribelog serve` on a data folder and a free port of 127.0.0.1, started as a child the
/// way a user starts it: the address comes from the line it prints once it listens. Its
/// log goes to a file, since under load it logs more than a pipe holds unread.
final class ServeChild {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let process = Process()
    let base: String
    let logFile: URL

    init(data: URL, logFile: URL, startTimeout: Double = 60) throws {
        self.logFile = logFile
        process.executableURL = try ChildProcess.tribelog()
        process.arguments = ["serve", "--data", data.path, "--port", "0"]
        let output = Pipe()
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: logFile)
        try process.run()
        var printed = ""
        let deadline = Date().addingTimeInterval(startTimeout)
        while !printed.contains("\n") && Date() < deadline && process.isRunning {
            printed += String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        }
        guard let address = printed.split(separator: " ").last?.trimmingCharacters(in: .whitespacesAndNewlines),
              address.hasPrefix("http://") else {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            let logged = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
            throw Failure(description: "tribelog serve did not start on \(data.path): \(logged.suffix(600))")
        }
        base = address
    }

    deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

    /// GET `path` as JSON (with a bearer token when given).
    func getJSON(_ path: String, token: String? = nil) async throws -> Any {
        var request = URLRequest(url: URL(string: base + path)!, timeoutInterval: 30)
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let (body, response) = try await URLSession.shared.data(for: request)
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

    /// Waits until every read model follows the log with nothing left to apply.
    func waitUntilCaughtUp(timeout: Double) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let health = try? await getJSON("/health") as? [String: Any],
               let projections = health["projections"] as? [[String: Any]],
               projections.allSatisfy({ ($0["lagEvents"] as? Int) == 0 && ($0["state"] as? String) == "following" }) {
                return
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw Failure(description: "the read models did not catch up with the log within \(Int(timeout)) s")
    }

    /// SIGTERM, then waits for the exit; true when it exited with status 0.
    func stop(timeout: Double = 30) async throws -> Bool {
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            return false
        }
        return process.terminationReason == .exit && process.terminationStatus == 0
    }
}
