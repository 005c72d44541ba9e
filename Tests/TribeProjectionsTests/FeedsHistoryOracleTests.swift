import EventLog
import Logging
import ProjectionKit
import Testing
import TribeDomain

@testable import TribeProjections

/// Feeds and history on random valid histories, against recomputations from the events.
@Suite struct FeedsHistoryOracleTests {
    static let seeds: [UInt64] = [5, 17, 29]

    private func history(seed: UInt64) async throws -> (Scenario, [RecordedEvent]) {
        let scenario = try Scenario(TribelogProjections.all())
        var logger = Logger(label: "oracle")
        logger.logLevel = .warning
        _ = try await DemoGenerator(size: DemoSize(tribes: 5, members: 60, partups: 25, seed: seed), logger: logger).run(into: scenario.store)
        try scenario.host.catchUp()
        return (scenario, try scenario.store.read(from: 1, limit: .max))
    }

    struct Notice: Hashable, CustomStringConvertible {
        let member: String, position: Position, kind: String
        var description: String { "\(member)@\(position):\(kind)" }
    }

    /// Who must be told what, by the rules the feeds promise: skill matches among the
    /// tribe's current members (admins only for partners-only part-ups); partners of a
    /// part-up when someone joins it; the member an admission, invitation, rejection or
    /// removal is about; the admins of a closed or invite-only tribe when someone applies.
    /// Never the actor, never someone outside the tribe (or part-up) at that moment.
    static func expectedNotices(_ events: [RecordedEvent]) throws -> Set<Notice> {
        var skills: [String: Set<String>] = [:]
        var members: [String: Set<String>] = [:], admins: [String: Set<String>] = [:], privacy: [String: TribePrivacy] = [:]
        var partners: [String: Set<String>] = [:], launcher: [String: String] = [:]
        var notices = Set<Notice>()
        for recorded in events {
            let actor = recorded.metadata.actor
            func tell(_ people: some Sequence<String>, _ kind: NotificationKind) {
                for person in people where person != actor { notices.insert(Notice(member: person, position: recorded.position, kind: kind.name)) }
            }
            switch try DomainEvent(recorded: recorded) {
            case .memberProfileUpdated(let e): skills[e.member.rawValue] = Set(e.skills.map { $0.lowercased() })
            case .tribeCreated(let e):
                members[e.tribe.rawValue] = [e.founder.rawValue]
                admins[e.tribe.rawValue] = [e.founder.rawValue]
                privacy[e.tribe.rawValue] = e.privacy
            case .tribePrivacyChanged(let e): privacy[e.tribe.rawValue] = e.privacy
            case .memberApplied(let e):
                if privacy[e.tribe.rawValue] != .open { tell((admins[e.tribe.rawValue] ?? []).subtracting([e.member.rawValue]), .applicationToYourTribe) }
            case .memberAdmitted(let e):
                members[e.tribe.rawValue, default: []].insert(e.member.rawValue)
                tell([e.member.rawValue], .youWereAdmitted)
            case .memberInvited(let e): tell([e.member.rawValue], .youWereInvited)
            case .memberRejected(let e): tell([e.member.rawValue], .yourApplicationWasRejected)
            case .memberLeft(let e):
                members[e.tribe.rawValue]?.remove(e.member.rawValue)
                admins[e.tribe.rawValue]?.remove(e.member.rawValue)
            case .memberRemoved(let e):
                members[e.tribe.rawValue]?.remove(e.member.rawValue)
                admins[e.tribe.rawValue]?.remove(e.member.rawValue)
                tell([e.member.rawValue], .youWereRemoved)
            case .roleGranted(let e): admins[e.tribe.rawValue, default: []].insert(e.member.rawValue)
            case .roleRevoked(let e): admins[e.tribe.rawValue]?.remove(e.member.rawValue)
            case .partupLaunched(let e):
                partners[e.partup.rawValue] = [e.launcher.rawValue]
                launcher[e.partup.rawValue] = e.launcher.rawValue
                let audience = e.privacy == .partnersOnly ? admins[e.tribe.rawValue] ?? [] : members[e.tribe.rawValue] ?? []
                let wanted = Set(e.wantedSkills.map { $0.lowercased() })
                tell(audience.filter { !(skills[$0] ?? []).isDisjoint(with: wanted) }, .partupWantsYourSkills)
            case .partnerJoined(let e):
                var told = (partners[e.partup.rawValue] ?? []).subtracting([e.member.rawValue])
                if let first = launcher[e.partup.rawValue], members[e.tribe.rawValue]?.contains(first) == true { told.insert(first) }
                tell(told, .partnerJoinedYourPartup)
                partners[e.partup.rawValue, default: []].insert(e.member.rawValue)
            case .partnerLeft(let e): partners[e.partup.rawValue]?.remove(e.member.rawValue)
            default: break
            }
        }
        return notices
    }

    @Test(arguments: seeds) func notificationsAreExactlyTheOnesTheRulesGive(seed: UInt64) async throws {
        let (s, events) = try await history(seed: seed)
        let people = Set(events.compactMap { if case .memberRegistered(let e) = try? DomainEvent(recorded: $0) { e.member.rawValue } else { nil } })
        var found: [Notice] = []
        try s.host.read(FeedsModel.projection) { model in
            for person in people {
                let page = try FeedsModel.notifications(model, member: MemberID(person), limit: .max)
                found += page.notifications.map { Notice(member: person, position: $0.event.position, kind: $0.kind) }
            }
        }
        #expect(found.count == Set(found).count, "duplicate notifications")
        let expected = try Self.expectedNotices(events)
        #expect(Set(expected.map(\.kind)).count >= 4, "the history exercises several kinds of notification")
        #expect(Set(found).subtracting(expected).sorted { $0.description < $1.description }.prefix(5).isEmpty, "unexpected")
        #expect(expected.subtracting(found).sorted { $0.description < $1.description }.prefix(5).isEmpty, "missing")
    }

    @Test(arguments: seeds) func timelinesAndFeedsHoldEveryEventOfTheirTribe(seed: UInt64) async throws {
        let (s, events) = try await history(seed: seed)
        let tribes = Set(events.flatMap(\.tags).filter { $0.hasPrefix("tribe:") }.map { String($0.dropFirst(6)) })
        for tribe in tribes {
            let id = try TribeID(tribe)
            let expected = events.filter { $0.tags.contains("tribe:\(tribe)") }.map(\.position)
            let timeline = try s.host.read(TribeHistoryModel.projection) { try TribeHistoryModel.timeline($0, tribe: id, limit: .max) }
            #expect(timeline.entries.map(\.position) == expected, "timeline of \(tribe)")
            let feed = try s.host.read(FeedsModel.projection) { try FeedsModel.tribeFeed($0, tribe: id, limit: .max) }
            #expect(feed.entries.map(\.position) == expected.reversed(), "feed of \(tribe)")
        }
    }

    @Test(arguments: seeds) func theStateNowIsTheOracleWorlds(seed: UInt64) async throws {
        let (s, events) = try await history(seed: seed)
        let world = try OracleWorld(events)
        for (tribe, expected) in world.tribes {
            let state = try #require(try s.host.read(TribeHistoryModel.projection) { try TribeHistoryModel.state($0, tribe: TribeID(tribe)) })
            #expect(Set(state.members) == expected.members && Set(state.admins) == expected.admins, "tribe \(tribe)")
            for partup in state.partups {
                #expect(Set(partup.partners) == world.partups[partup.partup]?.partners, "part-up \(partup.partup)")
            }
        }
    }
}
