import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// `tribelog serve` and `tribelog token` as a user runs them: the server on a new folder,
/// a token from the CLI, a command over HTTP, and SIGTERM closing everything cleanly.
@Suite struct ServeCommandTests {
    @Test(.timeLimit(.minutes(1))) func serveTokenAndGracefulShutdown() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = scratch.path("data")
        let process = Process()
        process.executableURL = try CLI.executable()
        process.arguments = ["serve", "--data", data, "--port", "0"]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        var printed = ""
        let deadline = Date().addingTimeInterval(20)
        while !printed.contains("\n") && Date() < deadline && process.isRunning {
            printed += String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        }
        let base = try #require(printed.split(separator: " ").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) },
                                "serve printed \(printed)")
        #expect(base.hasPrefix("http://127.0.0.1:"))
        let mode = try FileManager.default.attributesOfItem(atPath: data + "/secrets/jwt.key")[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)

        let token = try CLI.run(["token", "--member", "ann", "--expires", "10m", "--data", data]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        var register = URLRequest(url: URL(string: base + "/members")!)
        register.httpMethod = "POST"
        register.httpBody = Data(#"{"id":"ann","name":"Ann"}"#.utf8)
        let (_, registered) = try await URLSession.shared.data(for: register)
        #expect((registered as? HTTPURLResponse)?.statusCode == 201)
        var create = URLRequest(url: URL(string: base + "/tribes")!)
        create.httpMethod = "POST"
        create.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        create.httpBody = Data(#"{"id":"makers","name":"Makers","privacy":"open"}"#.utf8)
        let (body, created) = try await URLSession.shared.data(for: create)
        #expect((created as? HTTPURLResponse)?.statusCode == 201, "\(String(decoding: body, as: UTF8.self))")
        let (health, _) = try await URLSession.shared.data(from: URL(string: base + "/health")!)
        #expect(String(decoding: health, as: UTF8.self).contains(#""head":2"#))

        kill(process.processIdentifier, SIGTERM)
        let stopBy = Date().addingTimeInterval(10)
        while process.isRunning && Date() < stopBy { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!process.isRunning, "serve did not stop within 10 s of SIGTERM")
        #expect(process.terminationStatus == 0)
        let logged = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(logged.contains("log closed"))
        #expect(logged.contains("route=/tribes status=201"))
    }
}
