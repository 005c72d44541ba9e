import EventLog
import EventLogPostgres
import Foundation
import PostgresTestSupport
import Testing

/// Throughput of the PostgreSQL engine, for the design notes; not a check, so off unless
/// TRIBELOG_MEASURE_POSTGRES=1 (measure with a release build:
/// `TRIBELOG_MEASURE_POSTGRES=1 swift test -c release --filter PostgresThroughput`).
@Suite(.enabled(if: Engine.postgresURL != nil && ProcessInfo.processInfo.environment["TRIBELOG_MEASURE_POSTGRES"] == "1"))
struct PostgresThroughput {
    @Test func batchedAndConcurrentAppends() async throws {
        let database = try await TestDatabase.create(serverURL: try #require(Engine.postgresURL))
        let log = try await PostgresEventLog.connect(url: database.url, logger: Engine.quietLogger)
        do {
            let clock = ContinuousClock()
            let batches = 30
            let batched = try await clock.measure {
                for batch in 0..<batches {
                    try await log.add((0..<1_000).map { Fixtures.event(tags: ["tribe:t\($0 % 50)", "member:m\($0)"], note: "\(batch)") },
                                      to: "bulk-\(batch)")
                }
            }
            let afterBatched = log.appendStatistics
            print(String(format: "postgres: %d appends of 1 000 events: %.0f events/s (%d transactions)",
                         batches, Double(batches * 1_000) / seconds(batched), afterBatched.transactions))

            let (writers, each) = (64, 40)
            let concurrent = try await clock.measure {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for writer in 0..<writers {
                        group.addTask {
                            for n in 0..<each {
                                try await log.add([Fixtures.event(tags: ["member:w\(writer)"], note: "\(n)")], to: "w-\(writer)")
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            let stats = log.appendStatistics
            let transactions = stats.transactions - afterBatched.transactions
            let requests = stats.requests - afterBatched.requests
            print(String(format: "postgres: %d writers × %d single-event appends: %.0f appends/s, %.1f appends per transaction (%d transactions)",
                         writers, each, Double(writers * each) / seconds(concurrent), Double(requests) / Double(transactions), transactions))
        } catch {
            Issue.record(error)
        }
        await log.shutdown()
        await database.drop()
    }

    private func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
