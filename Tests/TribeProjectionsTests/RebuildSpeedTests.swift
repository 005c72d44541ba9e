import EventLog
import Foundation
import ProjectionKit
import Testing
import TribeDomain

@testable import TribeProjections

/// How fast the feeds and history models rebuild over a demo-shaped log. A measurement,
/// not a timed test: it runs only with TRIBELOG_BENCH=1 (best in release:
/// `swift test -c release -Xswiftc -enable-testing --filter RebuildSpeed`) and prints
/// events per second.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["TRIBELOG_BENCH"] == "1"))
struct RebuildSpeedTests {
    /// A projection that decodes each event and writes nothing: what the host costs alone.
    struct DecodeOnly: DomainProjection {
        let name = "decode-only"
        let version: UInt32 = 1
        let eventTypes: Set<String>? = Set(DomainEvent.typeNames)
        func apply(_ event: DomainEvent, at recorded: RecordedEvent, to model: ModelWriter) throws {}
    }

    @Test(arguments: ["decode-only", "feeds", "history", "feeds,history"])
    func rebuildSpeed(of projections: String) async throws {
        let all: [any Projection] = [DecodeOnly(), FeedsProjection(), HistoryProjection()]
        let names = projections.split(separator: ",").map(String.init)
        let scenario = try Scenario(all.filter { names.contains($0.name) })
        var events: [DomainEvent] = []
        var seed: UInt64 = 42
        func next(_ bound: Int) -> Int {
            // A fixed sequence (SplitMix64 step), so every run measures the same log.
            seed &+= 0x9E37_79B9_7F4A_7C15
            var z = seed
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(bound))
        }
        let skills = ["swift", "design", "marketing", "rust", "writing", "sales", "research", "ops"]
        let (tribeCount, memberCount, partupCount) = (800, 20_000, 8_000)
        let members = (0..<memberCount).map { try! MemberID("m\($0)") }
        let tribes = (0..<tribeCount).map { try! TribeID("t\($0)") }
        var membersOf: [[MemberID]] = Array(repeating: [], count: tribeCount)
        for member in members {
            events.append(MemberRegistered(member: member, name: "Member \(member)").event)
            events.append(MemberProfileUpdated(member: member, skills: [skills[next(8)], skills[next(8)]], regions: ["Utrecht"]).event)
        }
        for (index, tribe) in tribes.enumerated() {
            let founder = members[next(memberCount)]
            membersOf[index].append(founder)
            events.append(TribeCreated(tribe: tribe, name: "Tribe \(index)", founder: founder, privacy: .open, rules: "", onlyAdminsLaunch: false).event)
        }
        for member in members {
            for _ in 0..<3 {
                let index = next(tribeCount)
                guard !membersOf[index].contains(member) else { continue }
                membersOf[index].append(member)
                events.append(MemberApplied(tribe: tribes[index], member: member, motivation: "").event)
                events.append(MemberAdmitted(MembershipDecision(tribe: tribes[index], member: member, by: member)).event)
            }
        }
        for number in 0..<partupCount {
            let index = next(tribeCount)
            let partup = try PartupID("p\(number)")
            let launcher = membersOf[index][next(membersOf[index].count)]
            events.append(PartupLaunched(partup: partup, tribe: tribes[index], launcher: launcher, title: "Part-up \(number)", goal: "",
                                         wantedSkills: [skills[next(8)]], privacy: .public, endDate: nil).event)
            for partner in Set((0..<5).map { _ in membersOf[index][next(membersOf[index].count)] }) where partner != launcher {
                events.append(PartnerJoined(Participation(partup: partup, tribe: tribes[index], member: partner)).event)
            }
            if next(2) == 0 {
                events.append(PartupDissolved(partup: partup, tribe: tribes[index], outcome: .completed, by: launcher).event)
            }
        }
        for batch in stride(from: 0, to: events.count, by: 2_000) {
            let slice = events[batch..<min(batch + 2_000, events.count)].map { event in
                NewEvent(type: event.typeName, tags: event.tags, payload: event.payload.encoded,
                         metadata: EventMetadata(actor: event.subjects.member?.rawValue ?? ""), recordedAt: Timestamp(microseconds: 1_700_000_000_000_000))
            }
            _ = try await scenario.store.append(slice, to: "bench")
        }
        let clock = ContinuousClock()
        let elapsed = try clock.measure { try scenario.host.rebuild(names) }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("\(projections) rebuild: \(events.count) events in \(seconds) s = \(Int(Double(events.count) / seconds)) events/s")
    }
}
