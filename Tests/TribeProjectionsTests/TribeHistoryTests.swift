import EventLog
import ProjectionKit
import Testing
import TribeDomain

@testable import TribeProjections

@Suite struct TribeHistoryTests {
    typealias S = TribeStory

    private func state(_ story: TribeStory, _ tribe: TribeID = S.designers, at moment: HistoryMoment) throws -> TribeSnapshot? {
        try story.read(TribeHistoryModel.projection) { try TribeHistoryModel.state($0, tribe: tribe, at: moment) }
    }

    private func justBefore(_ story: TribeStory, _ step: String) -> HistoryMoment { .position(story.position(step) - 1) }
    private func after(_ story: TribeStory, _ step: String) -> HistoryMoment { .position(story.position(step)) }

    @Test func timelineSaysWhoDidWhatWhenInOrder() async throws {
        // Given the story
        let story = try await S.told()
        // When Designers' timeline is read oldest first
        let page = try story.read(TribeHistoryModel.projection) { try TribeHistoryModel.timeline($0, tribe: S.designers, limit: 6) }
        // Then its first events read as an audit, with their positions
        #expect(page.entries.map(\.summary) == [
            "Ann founded the tribe as closed", "Bob applied", "Ann admitted Bob", "Ann invited Cat", "Cat applied", "Ann admitted Cat",
        ])
        #expect(page.entries.map(\.position) == ["designers created", "bob applied", "bob admitted", "cat invited", "cat applied",
                                                "cat admitted"].map(story.position))
        // Commands run an hour apart from 2023-11-14 22:13:20 UTC; the founding is the 11th
        #expect(page.entries[0].line == "2023-11-15 09:13 · Ann founded the tribe as closed")
        #expect(page.entries[0].time == "2023-11-15T09:13:20.000000Z")
        #expect(page.next == story.position("cat admitted"))
    }

    @Test func timelinePagesBothWays() async throws {
        let story = try await S.told()
        let (forward, backward) = try story.read(TribeHistoryModel.projection) { model in
            var forward: [EventItem] = [], backward: [EventItem] = []
            var cursor: Position? = 0
            while let after = cursor {
                let page = try TribeHistoryModel.timeline(model, tribe: S.designers, from: .after(after), limit: 5)
                forward += page.entries
                cursor = page.next
            }
            cursor = .max
            while let before = cursor {
                let page = try TribeHistoryModel.timeline(model, tribe: S.designers, from: .before(before), limit: 5)
                backward += page.entries
                cursor = page.next
            }
            return (forward, backward)
        }
        #expect(forward.count == 17)
        #expect(forward == backward.reversed())
        #expect(forward.last?.summary == "Ann made the tribe invite-only")
    }

    @Test func stateAsOfPositionsAroundAnAdmissionARemovalAndADissolution() async throws {
        let story = try await S.told()
        // Before and after Bob's admission
        let beforeAdmission = try #require(try state(story, at: justBefore(story, "bob admitted")))
        #expect(beforeAdmission.members == ["ann"])
        #expect(beforeAdmission.pendingApplications == ["bob"])
        let afterAdmission = try #require(try state(story, at: after(story, "bob admitted")))
        #expect(afterAdmission.members == ["ann", "bob"])
        #expect(afterAdmission.pendingApplications.isEmpty)
        #expect((afterAdmission.name, afterAdmission.privacy, afterAdmission.rules) == ("Designers", "closed", "Be kind"))
        // Cat invited, not yet in
        #expect(try state(story, at: after(story, "cat invited"))?.pendingInvitations == ["cat"])
        // Before and after Cat's removal: her Logo partnership ends with it
        let beforeRemoval = try #require(try state(story, at: justBefore(story, "cat removed")))
        #expect(beforeRemoval.members == ["ann", "bob", "cat"])
        #expect(beforeRemoval.partups.first { $0.partup == "logo" }?.partners == ["bob", "cat"])
        #expect(beforeRemoval.rules == "Be kind and brief")
        let afterRemoval = try #require(try state(story, at: .position(story.position("cat removed") + 1)))
        #expect(afterRemoval.members == ["ann", "bob"])
        #expect(afterRemoval.partups.first { $0.partup == "logo" }?.partners == ["bob"])
        // Before and after Logo's dissolution
        let active = try #require(try state(story, at: justBefore(story, "logo dissolved")).flatMap { $0.partups.first { $0.partup == "logo" } })
        #expect(!active.dissolved && active.outcome == nil)
        let dissolved = try #require(try state(story, at: after(story, "logo dissolved")).flatMap { $0.partups.first { $0.partup == "logo" } })
        #expect(dissolved.dissolved && dissolved.outcome == "completed" && dissolved.title == "Logo")
        // Now: every part-up of the tribe with its privacy, in launch order
        let now = try #require(try state(story, at: .now))
        #expect(now.partups.map { "\($0.partup):\($0.privacy)" } == ["logo:public", "secret:partners", "api:public"])
        #expect(now.privacy == "invite" && now.admins == ["ann"])
        // Before the tribe existed there is no state
        #expect(try state(story, at: justBefore(story, "designers created")) == nil)
    }

    @Test func stateAsOfATime() async throws {
        let story = try await S.told()
        // The event right after Dan applied, an hour later, is the rejection
        let applied = try story.read(TribeHistoryModel.projection) { model in
            try TribeHistoryModel.timeline(model, tribe: S.designers, from: .after(story.position("dan applied") - 1), limit: 1).entries[0]
        }
        #expect(applied.type == "MemberApplied")
        let appliedAt = try #require(try state(story, at: after(story, "dan applied"))?.time)
        #expect(appliedAt == applied.time)
        let microseconds = Int64(1_700_000_000_000_000) + Int64(17) * 3_600_000_000
        let halfHourLater = Timestamp(microseconds: microseconds + 1_800_000_000)
        let snapshot = try #require(try state(story, at: .time(halfHourLater)))
        #expect(snapshot.position == story.position("dan applied"))
        #expect(snapshot.pendingApplications == ["dan"])
        #expect(try state(story, at: .time(Timestamp(microseconds: microseconds + 3_600_000_000)))?.pendingApplications == [])
    }

    @Test func memberTimelineCoversWhatTheyDidAndHadDoneAcrossTribes() async throws {
        let story = try await S.told()
        let bob = try story.read(TribeHistoryModel.projection) { try TribeHistoryModel.memberTimeline($0, member: S.bob, limit: 1000) }
        #expect(Set(bob.entries.compactMap(\.tribe)) == [S.designers.rawValue, S.makers.rawValue])
        #expect(bob.entries.map(\.summary) == [
            "Bob registered", "Bob updated their skills and regions", "Bob applied to Designers", "Ann admitted Bob to Designers",
            "Bob applied to Makers", "Bob joined Makers", "Bob launched “Logo” in Designers", "Bob launched “API” in Designers",
            "Bob dissolved “Logo” as completed", "Bob supports “App”", "Bob left Makers",
        ])
    }

    @Test func historyRebuiltEqualsFollowed() async throws {
        let story = try await S.told()
        let (followed, rebuilt) = try story.scenario.rebuildAndRead(TribeHistoryModel.projection) {
            try modelDump($0, spaces: ["timeline", "member-timeline", "names"])
        }
        #expect(!followed.isEmpty)
        #expect(followed == rebuilt)
    }
}
