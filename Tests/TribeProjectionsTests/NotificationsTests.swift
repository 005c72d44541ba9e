import EventLog
import ProjectionKit
import Testing
import TribeDomain

@testable import TribeProjections

@Suite struct NotificationsTests {
    typealias S = TribeStory

    private func notifications(_ story: TribeStory, _ member: MemberID, unreadOnly: Bool = false) throws -> NotificationPage {
        try story.read(FeedsModel.projection) {
            try FeedsModel.notifications($0, member: member, limit: 1000, unreadOnly: unreadOnly)
        }
    }

    /// (kind, step) pairs, newest first.
    private func received(_ story: TribeStory, _ member: MemberID) throws -> [String] {
        try notifications(story, member).notifications.map { "\($0.kind) @\($0.event.position)" }
    }

    private func expected(_ story: TribeStory, _ pairs: [(NotificationKind, String)]) -> [String] {
        pairs.map { "\($0.0.name) @\(story.position($0.1))" }.reversed()
    }

    @Test func eachKindReachesWhoItConcernsExactlyOnce() async throws {
        // Given the story
        let story = try await S.told()
        // Then admins of the closed tribe hear of applications, and skills match ignoring case
        #expect(try received(story, S.ann) == expected(story, [
            (.applicationToYourTribe, "bob applied"), (.applicationToYourTribe, "cat applied"), (.applicationToYourTribe, "dan applied"),
            (.partupWantsYourSkills, "logo launched"), (.partupWantsYourSkills, "api launched"),
        ]))
        // Bob: admitted by Ann (not for joining open Makers himself), Cat joined his Logo,
        // App wants his skill; not Secret (partners only, he is no admin), not Site (he left Makers)
        #expect(try received(story, S.bob) == expected(story, [
            (.youWereAdmitted, "bob admitted"), (.partnerJoinedYourPartup, "cat joined logo"), (.partupWantsYourSkills, "app launched"),
        ]))
        // Cat: invited, admitted, Logo wants design, removed; nothing after the removal (API wants design)
        #expect(try received(story, S.cat) == expected(story, [
            (.youWereInvited, "cat invited"), (.youWereAdmitted, "cat admitted"), (.partupWantsYourSkills, "logo launched"),
            (.youWereRemoved, "cat removed"),
        ]))
        #expect(try received(story, S.dan) == expected(story, [(.yourApplicationWasRejected, "dan rejected")]))
        #expect(try received(story, S.eve) == expected(story, [(.partnerJoinedYourPartup, "dan joined app")]))
        // And each says what happened
        let rejected = try #require(notifications(story, S.dan).notifications.first)
        #expect(rejected.event.summary == "Ann turned down Dan’s application to Designers (not now)")
    }

    @Test func aMemberWhoLeftHearsNothingMoreFromTheTribe() async throws {
        let story = try await S.told()
        // Given Bob left Makers; When Eve launches another part-up there wanting his skill
        try await story.scenario.run(LaunchPartup(tribe: S.makers, partup: "later", title: "Later", wantedSkills: ["swift"]), as: S.eve)
        // Then Bob is not told, and was not told of Site either
        let bob = try received(story, S.bob)
        #expect(bob.count == 3)
        #expect(!bob.contains { $0.hasSuffix("@\(story.position("site launched"))") })
    }

    @Test func rebuildingDoesNotDuplicateNotifications() async throws {
        let story = try await S.told()
        let members = [S.ann, S.bob, S.cat, S.dan, S.eve]
        let (followed, rebuilt) = try story.scenario.rebuildAndRead(FeedsModel.projection) { model in
            try members.map { try FeedsModel.notifications(model, member: $0, limit: 1000) }
        }
        #expect(followed.map(\.notifications.count) == [5, 3, 4, 1, 1])
        #expect(followed == rebuilt)
    }

    @Test func readMarksComeFromTheLogAndCountUnread() async throws {
        let story = try await S.told()
        #expect(try notifications(story, S.ann).unread == 5)
        // When Ann marks her notifications read up to Logo's launch
        try await story.scenario.run(MarkNotificationsRead(upTo: story.position("logo launched")), as: S.ann)
        // Then the four up to it are read, the API one is not
        let page = try notifications(story, S.ann)
        #expect(page.unread == 1)
        #expect(page.notifications.map(\.read) == [false, true, true, true, true])
        #expect(try notifications(story, S.ann, unreadOnly: true).notifications.map(\.event.position) == [story.position("api launched")])
        // And an older mark does not make them unread again
        try await story.scenario.run(MarkNotificationsRead(upTo: 1), as: S.ann)
        #expect(try notifications(story, S.ann).unread == 1)
        // And the marks survive a rebuild
        let (followed, rebuilt) = try story.scenario.rebuildAndRead(FeedsModel.projection) {
            try FeedsModel.notifications($0, member: S.ann, limit: 2)
        }
        #expect(followed == rebuilt)
        #expect(followed.notifications.count == 2 && followed.next == followed.notifications.last?.event.position)
    }
}
