import Foundation
import Testing
@testable import tribelog

/// `tribelog serve` and `tribelog token` as a user runs them: the server on a new folder,
/// a token from the CLI, a command over HTTP, and SIGTERM closing everything cleanly.
@Suite struct ServeCommandTests {
    @Test(.timeLimit(.minutes(1))) func serveTokenAndGracefulShutdown() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = scratch.path("data")
        let server = try await ServeChild.start(data: data)
        #expect(server.base.hasPrefix("http://127.0.0.1:"))
        let mode = try FileManager.default.attributesOfItem(atPath: data + "/secrets/jwt.key")[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)

        let token = try await CLI.run(["token", "--member", "ann", "--expires", "10m", "--data", data]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let registered = await server.send("POST", "/members", json: #"{"id":"ann","name":"Ann"}"#)
        #expect(registered?.status == 201)
        let created = await server.send("POST", "/tribes", json: #"{"id":"makers","name":"Makers","privacy":"open"}"#, token: token)
        #expect(created?.status == 201, "\(created?.body ?? "no answer")")
        let health = await server.send("GET", "/health")
        #expect(health?.body.contains(#""head":2"#) == true)

        #expect(try await server.terminate(), "serve did not stop within 10 s of SIGTERM")
        #expect(server.process.terminationStatus == 0)
        let logged = server.logged
        #expect(logged.contains("log closed"))
        #expect(logged.contains("route=/tribes status=201"))
    }
}
