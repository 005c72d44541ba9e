import EventLog
import ProjectionKit
import Testing
import TribeDomain

@testable import TribeProjections

@Suite struct FeedsTests {
    typealias S = TribeStory

    /// Every page of a feed, following `next` cursors.
    private func allPages(limit: Int, _ page: (Position?) throws -> FeedPage) throws -> [[EventItem]] {
        var pages: [[EventItem]] = []
        var cursor: Position?
        repeat {
            let next = try page(cursor)
            pages.append(next.entries)
            cursor = next.next
        } while cursor != nil
        return pages
    }

    @Test func tribeFeedIsNewestFirstAndPagesWithCursors() async throws {
        // Given the story
        let story = try await S.told()
        // When the Designers feed is read whole, and in pages of 4
        let whole = try story.read(FeedsModel.projection) { try FeedsModel.tribeFeed($0, tribe: S.designers, limit: 1000) }
        let pages = try story.read(FeedsModel.projection) { model in
            try allPages(limit: 4) { try FeedsModel.tribeFeed(model, tribe: S.designers, before: $0, limit: 4) }
        }
        // Then the pages are the whole feed, newest first, each full but the last
        #expect(whole.next == nil)
        #expect(pages.flatMap { $0 } == whole.entries)
        #expect(pages.dropLast().allSatisfy { $0.count == 4 } && pages.last!.count <= 4)
        let positions = whole.entries.map(\.position)
        #expect(positions == positions.sorted(by: >))
        #expect(positions.first == story.position("designers private"))
        #expect(positions.last == story.position("designers created"))
        // And entries say in words what happened, with who, about whom and the part-up's privacy
        let admitted = try #require(whole.entries.first { $0.position == story.position("bob admitted") })
        #expect(admitted.summary == "Ann admitted Bob to Designers")
        #expect((admitted.type, admitted.actor, admitted.member, admitted.tribe) == ("MemberAdmitted", "ann", "bob", "designers"))
        let secret = try #require(whole.entries.first { $0.position == story.position("secret launched") })
        #expect(secret.summary == "Ann launched “Secret” in Designers")
        #expect(secret.partupPrivacy == "partners")
        #expect(whole.entries.contains { $0.summary == "Ann removed Cat from Designers (inactive)" })
        #expect(whole.entries.contains { $0.summary == "Cat left “Logo” on removal from Designers" })
    }

    @Test func tribeFeedForAViewerLeavesOutPartupsTheyMayNotSee() async throws {
        let story = try await S.told()
        // When Bob, a plain member, and Ann, an admin, read the Designers feed
        let (forBob, forAnn) = try story.read(FeedsModel.projection) { model in
            (try FeedsModel.tribeFeed(model, tribe: S.designers, limit: 1000, viewer: S.bob),
             try FeedsModel.tribeFeed(model, tribe: S.designers, limit: 1000, viewer: S.ann))
        }
        // Then only Ann sees the partners-only part-up
        #expect(!forBob.entries.contains { $0.partup == S.secret.rawValue })
        #expect(forAnn.entries.contains { $0.partup == S.secret.rawValue })
    }

    @Test func memberFeedMergesTheMembersTribesAndHidesPartnersOnlyPartups() async throws {
        let story = try await S.told()
        let feed = { (member: MemberID) in
            try story.read(FeedsModel.projection) { try FeedsModel.memberFeed($0, member: member, limit: 1000) }
        }
        // Bob left Makers: he sees Designers only, without the partners-only part-up
        let bob = try feed(S.bob)
        #expect(Set(bob.entries.compactMap(\.tribe)) == [S.designers.rawValue])
        #expect(!bob.entries.contains { $0.partup == S.secret.rawValue })
        #expect(bob.entries.map(\.position) == bob.entries.map(\.position).sorted(by: >))
        // Ann, partner and admin, sees it
        #expect(try feed(S.ann).entries.contains { $0.partup == S.secret.rawValue })
        // Cat was removed from Designers, her one tribe: nothing of it any more
        #expect(try feed(S.cat).entries.isEmpty)
        // Dan is in no tribe but partners App from outside: he sees App's events only
        #expect(try feed(S.dan).entries.map(\.position)
            == [story.position("bob supports app"), story.position("dan joined app"), story.position("app launched")])

        // When Bob joins the partners-only part-up, he sees it, its launch included
        try await story.scenario.run(JoinPartup(tribe: S.designers, partup: S.secret), as: S.bob)
        #expect(try feed(S.bob).entries.contains { $0.position == story.position("secret launched") })
    }

    @Test func memberFeedPagesWithCursorsAcrossMergedTribes() async throws {
        let story = try await S.told()
        // Given Ann joins Makers too, so her feed merges two tribes
        try await story.scenario.run(ApplyToTribe(tribe: S.makers), as: S.ann)
        let (whole, pages) = try story.read(FeedsModel.projection) { model in
            (try FeedsModel.memberFeed(model, member: S.ann, limit: 1000),
             try allPages(limit: 3) { try FeedsModel.memberFeed(model, member: S.ann, before: $0, limit: 3) })
        }
        #expect(Set(whole.entries.compactMap(\.tribe)) == [S.designers.rawValue, S.makers.rawValue])
        #expect(pages.flatMap { $0 } == whole.entries)
        #expect(Set(whole.entries.map(\.position)).count == whole.entries.count)
    }

    @Test func feedsRebuiltEqualFollowed() async throws {
        let story = try await S.told()
        let (followed, rebuilt) = try story.scenario.rebuildAndRead(FeedsModel.projection) {
            try modelDump($0, spaces: ["tribe-feed", "partup-feed", "notifications", "member", "tribe", "partup", "skill", "names"])
        }
        #expect(!followed.isEmpty)
        #expect(followed == rebuilt)
    }
}
