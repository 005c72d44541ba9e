import EventLog
import EventLogPostgres
import Foundation
import PostgresTestSupport
import Synchronization
import Testing

/// Losing the primary while appends are in flight: the log, given every host of the
/// cluster, finds the promoted standby and goes on, and every append it acknowledged,
/// before, during or after the failover, is on the new primary at the position it was
/// acknowledged with. A cluster of the test's own (the suite's shared one must survive).
@Suite(.timeLimit(.minutes(3)), .enabled(if: Engine.postgresURL != nil, "TRIBELOG_TEST_POSTGRES_URL is not set (Tools/test sets it)"))
struct PostgresFailoverTests {
    @Test func acknowledgedAppendsSurviveLosingThePrimary() async throws {
        let cluster = try await TestCluster.start()
        do {
            try await run(on: cluster)
        } catch {
            await cluster.down()
            throw error
        }
        await cluster.down()
    }

    private func run(on cluster: TestCluster) async throws {
        let url = try await cluster.url("all")
        var logger = Engine.quietLogger
        logger.logLevel = .notice  // what the failover did, in the test's output
        let log = try await PostgresEventLog.connect(url: url, logger: logger)
        let ledger = Ledger()
        let writers = Task {
            await withTaskGroup(of: Void.self) { group in
                for writer in 0..<4 {
                    group.addTask {
                        var n = 0
                        while !ledger.stop.withLock({ $0 }) {
                            let event = Fixtures.event(tags: ["writer:\(writer)"], note: "\(writer)-\(n)")
                            // An append that fails is sent again with the same id, as a client would.
                            for _ in 0..<200 {
                                if let result = try? await log.append([event], to: "w\(writer)", expected: .any, condition: nil) {
                                    ledger.acknowledged.withLock { $0[event.id] = result.positions[0] }
                                    break
                                }
                                try? await Task.sleep(for: .milliseconds(50))
                            }
                            n += 1
                        }
                    }
                }
            }
        }
        func waitForAcknowledged(_ count: Int, seconds: Double) async throws {
            let deadline = ContinuousClock.now + .seconds(seconds)
            while ledger.acknowledged.withLock({ $0.count }) < count {
                guard ContinuousClock.now < deadline else {
                    ledger.stop.withLock { $0 = true }
                    await writers.value
                    throw TestSetupError("only \(ledger.acknowledged.withLock { $0.count }) appends acknowledged within \(seconds) s (wanted \(count))")
                }
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        try await waitForAcknowledged(40, seconds: 30)
        try await cluster.failover()
        let before = ledger.acknowledged.withLock { $0.count }
        try await waitForAcknowledged(before + 40, seconds: 90)
        ledger.stop.withLock { $0 = true }
        await writers.value

        let events = try await log.events(from: 1, limit: .max)
        #expect(events.map(\.position) == Array(1...Position(events.count)), "gapless on the new primary")
        let stored = Dictionary(events.map { ($0.id, $0.position) }, uniquingKeysWith: { first, _ in first })
        let acks = ledger.acknowledged.withLock { $0 }
        let lost = acks.filter { stored[$0.key] != $0.value }
        #expect(lost.isEmpty, "\(lost.count) of \(acks.count) acknowledged appends are not where they were acknowledged")
        #expect(stored.count == events.count, "no event stored twice")
        #expect(try await log.verifyLog().isIntact)
        await log.shutdown()
    }
}

/// What the writers share with the test: the acknowledged appends, and when to stop.
private final class Ledger: Sendable {
    let acknowledged = Mutex<[UUID: Position]>([:])
    let stop = Mutex(false)
}
