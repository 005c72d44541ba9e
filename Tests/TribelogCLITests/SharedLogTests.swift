import EventLog
import Foundation
import PostgresTestSupport
import Testing
import TribeDomain
import TribelogServer
@testable import tribelog

/// Two `tribelog serve` processes on one PostgreSQL log (TRIBELOG_LOG_URL), each with read
/// models of its own: what one appends the other decides on at once (the write side reads
/// the log, not its lagging read models) and shows once its follower has it (`?after=`).
@Suite(.timeLimit(.minutes(2)), .enabled(if: TestDatabase.serverURL != nil, "TRIBELOG_TEST_POSTGRES_URL is not set (Tools/test starts PostgreSQL and sets it)"))
struct SharedLogTests {
    @Test func twoServersShareOneLog() async throws {
        let database = try await TestDatabase.create(serverURL: try #require(TestDatabase.serverURL))
        let scratch = try Scratch()
        defer { scratch.remove() }
        let secret = (0..<4).map { _ in UUID().uuidString }.joined()
        let environment = ["TRIBELOG_LOG_URL": database.url, "TRIBELOG_JWT_SECRET": secret]
        let a = try await ServeChild.start(data: scratch.path("a"), environment: environment)
        let b = try await ServeChild.start(data: scratch.path("b"), environment: environment)
        let token = try await TokenAuthority(secret: Array(secret.utf8)).issue(member: try MemberID("ann"), lifetime: 600)

        // Registered on A, creating a tribe on B: B's command reads the registration from the log.
        #expect(await a.send("POST", "/members", json: #"{"id":"ann","name":"Ann"}"#)?.status == 201)
        let created = await b.send("POST", "/tribes", json: #"{"id":"makers","name":"Makers","privacy":"open"}"#, token: token)
        #expect(created?.status == 201, "\(created?.body ?? "no answer")")
        // Launched on A; B shows it once its read models have reached A's answer.
        let launched = try #require(await a.send("POST", "/tribes/makers/partups", json: #"{"id":"p-lamp","title":"A lamp"}"#, token: token))
        #expect(launched.status == 201, "\(launched.body)")
        let position = try #require(Self.position(in: launched.body))
        let partups = await b.send("GET", "/tribes/makers/partups?after=\(position)", token: token)
        #expect(partups?.status == 200 && partups?.body.contains("p-lamp") == true, "\(partups?.body ?? "no answer")")
        // Past the shared log's head is still the client's mistake, on either server.
        let past = await b.send("GET", "/tribes/makers/partups?after=\(position + 1_000)", token: token)
        #expect(past?.status == 400 && past?.body.contains("position_not_in_log") == true, "\(past?.body ?? "no answer")")
        // The same id appended twice, once on each server: the second is refused by the log.
        let again = await b.send("POST", "/tribes/makers/partups", json: #"{"id":"p-lamp","title":"Another lamp"}"#, token: token)
        #expect(again?.status == 409, "\(again?.body ?? "no answer")")

        // The shared log verifies with the same command as a data folder's.
        let verified = try await CLI.run(["verify", "--log", database.url, "--json"])
        #expect(verified.status == 0 && verified.stdout.contains(#""intact":true"#), "\(verified.stdout) \(verified.stderr)")

        #expect(try await a.terminate(), "serve A did not stop within 10 s of SIGTERM")
        #expect(try await b.terminate(), "serve B did not stop within 10 s of SIGTERM")
        #expect(a.process.terminationStatus == 0 && b.process.terminationStatus == 0)
        await database.drop()
    }

    @Test func aFolderWithAnEmbeddedLogIsRefusedForASharedOne() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = scratch.path("data")
        try #require(try await CLI.run(["demo", "--data", data, "--tribes", "2", "--members", "20", "--partups", "4"]).status == 0)
        let refused = try await CLI.run(["serve", "--data", data, "--port", "0", "--log", "postgres://nobody@127.0.0.1:1/none"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("holds an embedded log"), "\(refused.stderr)")
        let notAURL = try await CLI.run(["serve", "--data", scratch.path("other"), "--port", "0", "--log", "mysql://x"])
        #expect(notAURL.status != 0 && notAURL.stderr.contains("is not a postgres:// URL"), "\(notAURL.stderr)")
    }

    private static func position(in body: String) -> Position? {
        guard let data = body.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return (object["position"] as? Int).map { Position($0) }
    }
}
