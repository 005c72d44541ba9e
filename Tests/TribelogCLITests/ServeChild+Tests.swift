import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
@testable import tribelog
import TribelogSupport

/// Tests start `tribelog serve` with the tool's own `ServeChild` (a data folder, an
/// ephemeral port of 127.0.0.1, the address read from the line it prints), from the built
/// executable, with the server's log in `DATA-serve.log`; these are the test's extras.
extension ServeChild {
    /// `launcher` prefixes the command line (e.g. `PrivateMount.launcher`).
    static func start(data: String, environment: [String: String] = [:], launcher: [String] = []) async throws -> ServeChild {
        let (executable, leading) = try CLI.commandLine([], launcher: launcher)
        let logFile = URL(fileURLWithPath: data + "-serve.log")
        return try await start(data: data, logFile: logFile, executable: executable, leading: leading,
                               environment: environment, startTimeout: 60)
    }

    /// A server on a fresh folder with `member` registered, and a token of theirs.
    static func startWithMember(data: String, _ member: String) async throws -> (ServeChild, String) {
        let server = try await start(data: data)
        let registered = await server.send("POST", "/members", json: #"{"id":"\#(member)","name":"\#(member.capitalized)"}"#)
        guard registered?.status == 201 else {
            throw Failure(description: "registering \(member) answered \(registered.map { "\($0.status) \($0.body)" } ?? "nothing")")
        }
        let token = try await CLI.run(["token", "--member", member, "--expires", "10m", "--data", data]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return (server, token)
    }

    /// SIGTERM; true when it exited within `timeout`. Else its threads' stacks go to the
    /// test's standard error (when gdb is installed), so that a server that did not stop
    /// can be diagnosed from the test run's output, and it is killed.
    func terminate(timeout: Double = 10) async throws -> Bool {
        try await stop(timeout: timeout) {
            let stacks = await ThreadStacks.of(pid: process.processIdentifier)
            FileHandle.standardError.write(Data("tribelog serve (pid \(process.processIdentifier)) did not stop within \(timeout) s of SIGTERM; its threads:\n\(stacks)\n".utf8))
        } != nil
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
