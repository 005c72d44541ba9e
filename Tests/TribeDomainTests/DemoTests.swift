import EventLog
import Foundation
import Logging
import Testing
import TribeDomain

@Suite struct DemoTests {
    static let small = DemoSize(tribes: 12, members: 300, partups: 80, seed: 42)

    /// Runs the small demo into a fresh store; returns the report and every event's
    /// (type, tags, time), which is what "the same history" means.
    private func demo(_ size: DemoSize = small) async throws -> (DemoReport, [String]) {
        let folder = TemporaryFolder("demo")
        defer { folder.remove() }
        let store = try EventStore.open(directory: folder.url, options: Stores.options)
        defer { store.close() }
        let report = try await DemoGenerator(size: size, logger: Logger(label: "demo")).run(into: store)
        let history = try store.read(from: 1, limit: .max).map { "\($0.type) \($0.tags) \($0.recordedAt.microseconds) \($0.id)" }
        return (report, history)
    }

    @Test func theSameSeedGivesTheSameHistory() async throws {
        let (first, firstHistory) = try await demo()
        let (second, secondHistory) = try await demo()
        #expect(first.events == second.events && first.refused == second.refused)
        #expect(firstHistory == secondHistory)
        let (other, _) = try await demo(DemoSize(tribes: 12, members: 300, partups: 80, seed: 43))
        #expect(other.events != first.events)
    }

    @Test func theHistoryHasEveryKindOfActionAndFollowsTheRules() async throws {
        let (report, history) = try await demo()
        for type in ["MemberRegistered", "TribeCreated", "MemberApplied", "MemberAdmitted", "MemberInvited", "MemberRejected",
                     "PartupLaunched", "PartnerJoined", "PartupDissolved", "SupporterJoined"] {
            #expect(report.events[type, default: 0] > 0, "no \(type) in the demo")
        }
        #expect(report.events["MemberRegistered"] == 300 && report.events["TribeCreated"] == 12)
        // The plan is checked against the rules: refusals stay rare.
        #expect(report.refused.values.reduce(0, +) * 50 < report.commands)
        #expect(history.count == report.eventCount)
    }

    @Test func runningTheSameDemoAgainAppendsNothing() async throws {
        let folder = TemporaryFolder("demo")
        defer { folder.remove() }
        let store = try EventStore.open(directory: folder.url, options: Stores.options)
        defer { store.close() }
        let size = DemoSize(tribes: 4, members: 60, partups: 15, seed: 9)
        let first = try await DemoGenerator(size: size, logger: Logger(label: "demo")).run(into: store)
        let head = store.head
        let again = try await DemoGenerator(size: size, logger: Logger(label: "demo")).run(into: store)
        #expect(store.head == head && again.eventCount == 0)
        #expect(again.alreadyApplied == first.commands - first.refused.values.reduce(0, +))
    }
}
