import EventLog
import EventLogPostgres
import Foundation
import PostgresTestSupport
import Testing

/// What only the PostgreSQL engine has: connecting (and refusing what it cannot use), and
/// several servers sharing one log.
@Suite(.timeLimit(.minutes(1)), .enabled(if: Engine.postgresURL != nil, "TRIBELOG_TEST_POSTGRES_URL is not set (Tools/test sets it)"))
struct PostgresEngineTests {
    private func refusal(_ url: String) async -> String {
        do {
            let log = try await PostgresEventLog.connect(url: url, logger: Engine.quietLogger)
            await log.shutdown()
            return "connected"
        } catch {
            return "\(error)"
        }
    }

    @Test func aStandbyIsRefusedWithWhatToDo() async throws {
        let replica = try #require(ProcessInfo.processInfo.environment["TRIBELOG_TEST_POSTGRES_REPLICA_URL"])
        let message = await refusal(replica)
        #expect(message.contains("is a standby (pg_is_in_recovery): give the primary's address"), "\(message)")
    }

    @Test func unusableURLsAreRefusedWithWhatToDo() async throws {
        let message = await refusal("postgres://tribelog:tribelog@127.0.0.1:1/tribelog?sslmode=disable")
        #expect(message.contains("cannot connect") && message.contains("Tools/postgres up"), "\(message)")
        #expect(!message.contains("tribelog:tribelog@"), "the password stays out of messages")

        let server = try #require(Engine.postgresURL)
        let wrongPassword = server.replacingOccurrences(of: "tribelog:tribelog@", with: "tribelog:wrong@")
        let denied = await refusal(wrongPassword)
        #expect(denied.contains("password authentication failed"), "\(denied)")

        #expect(await refusal("mysql://a:b@127.0.0.1/x").contains("is not a PostgreSQL URL"))
        #expect(await refusal("postgres://tribelog@127.0.0.1:5432").contains("names no database"))
        let none = await refusal("postgres://a:b@127.0.0.1:1,127.0.0.1:2/x")
        #expect(none.contains("no primary among") && none.contains("127.0.0.1:2"), "\(none)")
    }

    @Test func anotherSchemaVersionIsRefused() async throws {
        let database = try await TestDatabase.create(serverURL: try #require(Engine.postgresURL))
        let log = try await PostgresEventLog.connect(url: database.url, logger: Engine.quietLogger)
        await log.shutdown()
        try await database.execute("UPDATE tribelog_head SET schema_version = 99")
        let message = await refusal(database.url)
        await database.drop()
        #expect(message.contains("schema version 99"), "\(message)")
    }

    /// Two servers on one database: one global order, gapless, conditions decided across
    /// both, and each hears of the other's commits (NOTIFY, or the poll).
    @Test func twoServersShareOneLog() async throws {
        let database = try await TestDatabase.create(serverURL: try #require(Engine.postgresURL))
        let a = try await PostgresEventLog.connect(url: database.url, logger: Engine.quietLogger)
        let b = try await PostgresEventLog.connect(url: database.url, logger: Engine.quietLogger)
        do {
            let wake = Task { await b.waitForCommit(after: 0) }
            try await a.add([Fixtures.event(tags: ["tribe:t1"])], to: "from-a")
            #expect(await wake.value)
            #expect(b.head == 1)

            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, log) in [a, b, a, b].enumerated() {
                    group.addTask {
                        for n in 0..<20 { try await log.add([Fixtures.event(note: "\(index)-\(n)")], to: "writer-\(index)") }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await b.all().map(\.position) == Array(1...81))

            let condition = AppendCondition(failIfEventsMatch: .tags("seat:1"), after: 81)
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for racer in 0..<8 {
                    let log = racer % 2 == 0 ? a : b
                    group.addTask { (try? await log.add([Fixtures.event(tags: ["seat:1"])], to: "r\(racer)", condition: condition)) != nil }
                }
                return await group.reduce(into: 0) { $0 += $1 ? 1 : 0 }
            }
            #expect(outcomes == 1)
            let report = try await a.verifyLog()
            #expect(report.isIntact && report.events == 82, "\(report)")
        } catch {
            Issue.record(error)
        }
        await a.shutdown()
        await b.shutdown()
        await database.drop()
    }
}
