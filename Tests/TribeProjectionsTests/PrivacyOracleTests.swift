import EventLog
import Logging
import ProjectionKit
import Testing
import TribeDomain

@testable import TribeProjections

/// On random valid histories: nothing of a closed tribe reaches anyone who never had to do
/// with it (never a member, applicant or invitee), through matching, feeds or notifications.
@Suite struct PrivacyOracleTests {
    @Test(arguments: [7, 19, 31] as [UInt64]) func closedTribesStayInvisibleToOutsiders(seed: UInt64) async throws {
        let scenario = try Scenario(TribelogProjections.all())
        var logger = Logger(label: "privacy")
        logger.logLevel = .warning
        _ = try await DemoGenerator(size: DemoSize(tribes: 8, members: 90, partups: 40, seed: seed), logger: logger).run(into: scenario.store)
        try scenario.host.catchUp()
        let events = try scenario.store.read(from: 1, limit: .max).map { try DomainEvent(recorded: $0) }
        var related: [String: Set<String>] = [:]
        var closed: Set<String> = []
        var partupTribe: [String: String] = [:]
        for event in events {
            switch event {
            case .tribeCreated(let e):
                related[e.tribe.rawValue, default: []].insert(e.founder.rawValue)
                if e.privacy == .closed { closed.insert(e.tribe.rawValue) }
            case .memberAdmitted(let e): related[e.tribe.rawValue, default: []].insert(e.member.rawValue)
            // Applicants and invitees know the tribe (and hear about their own application).
            case .memberApplied(let e): related[e.tribe.rawValue, default: []].insert(e.member.rawValue)
            case .memberInvited(let e): related[e.tribe.rawValue, default: []].insert(e.member.rawValue)
            case .partupLaunched(let e): partupTribe[e.partup.rawValue] = e.tribe.rawValue
            default: break
            }
        }
        try #require(!closed.isEmpty, "the history has no closed tribe to test with")
        let members = Set(events.compactMap { if case .memberRegistered(let e) = $0 { e.member.rawValue } else { nil } })
        var checked = 0
        for tribe in closed {
            for outsider in members.subtracting(related[tribe] ?? []) {
                let id = try MemberID(outsider)
                let matches = try scenario.host.read("matching") { try MatchingModel.partups($0, member: id, limit: .max) }
                #expect(!matches.contains { $0.tribe == tribe }, "\(outsider) is offered a part-up of closed tribe \(tribe)")
                let feed = try scenario.host.read(FeedsModel.projection) { try FeedsModel.memberFeed($0, member: id, limit: .max) }
                #expect(!feed.entries.contains { $0.tribe == tribe }, "\(outsider) sees closed tribe \(tribe) in their feed")
                let notes = try scenario.host.read(FeedsModel.projection) { try FeedsModel.notifications($0, member: id, limit: .max) }
                let about = notes.notifications.filter { $0.event.tribe == tribe }
                #expect(about.isEmpty, "\(outsider) is notified about closed tribe \(tribe): \(about.map { "\($0.kind): \($0.event.summary)" })")
                checked += 1
            }
            for (partup, owner) in partupTribe where owner == tribe {
                let candidates = try scenario.host.read("matching") { try MatchingModel.candidates($0, partup: PartupID(partup), limit: .max) } ?? []
                let strangers = Set(candidates.map(\.member)).subtracting(related[tribe] ?? [])
                #expect(strangers.isEmpty, "outsiders \(strangers) proposed for \(partup) of closed tribe \(tribe)")
            }
        }
        #expect(checked > 0)
    }
}
