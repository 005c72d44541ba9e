import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// `tribelog serve` on a data folder and an ephemeral port of 127.0.0.1, as a user starts
/// it: the base URL comes from the line it prints once it listens. Unchecked Sendable:
/// its properties never change after init, and client tasks only send requests.
final class ServeProcess: @unchecked Sendable {
    let process = Process()
    let base: String
    /// The server's log, in a file: under load it logs more than a pipe holds unread.
    let logFile: URL

    /// `launcher` prefixes the command line (e.g. `PrivateMount.launcher`).
    init(data: String, environment: [String: String] = [:], launcher: [String] = []) throws {
        (process.executableURL, process.arguments) = try CLI.commandLine(["serve", "--data", data, "--port", "0"], launcher: launcher)
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let output = Pipe()
        logFile = URL(fileURLWithPath: data + "-serve.log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: logFile)
        try process.run()
        var printed = ""
        let deadline = Date().addingTimeInterval(20)
        while !printed.contains("\n") && Date() < deadline && process.isRunning {
            printed += String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        }
        guard let base = printed.split(separator: " ").last.map({ $0.trimmingCharacters(in: .whitespacesAndNewlines) }),
              base.hasPrefix("http://") else {
            kill(process.processIdentifier, SIGKILL)
            throw CLI.CLIMissing(description: "serve did not print its address: \(printed)")
        }
        self.base = base
    }

    deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

    /// Sends SIGTERM and waits up to `timeout` for the exit; true when it exited.
    func terminate(timeout: Double = 10) async throws -> Bool {
        kill(process.processIdentifier, SIGTERM)
        let stopBy = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < stopBy { try await Task.sleep(for: .milliseconds(20)) }
        return !process.isRunning
    }

    /// What the server logged (read once it has exited).
    var logged: String { String(decoding: (try? Data(contentsOf: logFile)) ?? Data(), as: UTF8.self) }

    /// Sends one JSON request; the status and body, or nil when no answer came.
    func send(_ method: String, _ path: String, json: String? = nil, token: String? = nil,
              headers: [String: String] = [:], timeout: Double = 5) async -> (status: Int, body: String)? {
        await exchange(method, path, json: json, token: token, headers: headers, timeout: timeout).map { ($0.status, $0.body) }
    }

    /// Like `send`, with the response's headers.
    func exchange(_ method: String, _ path: String, json: String? = nil, token: String? = nil, headers: [String: String] = [:],
                  timeout: Double = 5) async -> (status: Int, body: String, headers: [AnyHashable: Any])? {
        var request = URLRequest(url: URL(string: base + path)!, timeoutInterval: timeout)
        request.httpMethod = method
        request.httpBody = json.map { Data($0.utf8) }
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        guard let (body, response) = try? await URLSession.shared.data(for: request),
              let response = response as? HTTPURLResponse else { return nil }
        return (response.statusCode, String(decoding: body, as: UTF8.self), response.allHeaderFields)
    }
}
