import Foundation
import Testing
@testable import TribelogServer

@Suite("Tribe feed pages (reused while the feeds model stands still)", .timeLimit(.minutes(1)))
struct FeedPageTests {
    @Test("a repeated read is the same page; a new event shows at once; each viewer gets their own page")
    func reuseAndFreshness() async throws {
        try await TestServer.run { api in
            try await api.register("ann", "bob")
            try await api.command(.post, "/tribes", as: "ann", #"{"id":"makers","name":"Makers","privacy":"open"}"#)
            let launched = try await api.command(.post, "/tribes/makers/partups", as: "ann", #"{"id":"shed","title":"Shed","privacy":"tribe"}"#)
            let first = try await api.get("/tribes/makers/feed?after=\(launched.position)", as: "ann")
            let again = try await api.get("/tribes/makers/feed", as: "ann")
            #expect(again.text == first.text)
            // An anonymous reader does not see the tribe-only part-up; a page cached for ann must not leak it.
            let anonymous = try await api.get("/tribes/makers/feed")
            #expect(!anonymous.text.contains("shed"))
            #expect(first.text.contains("shed"))
            let applied = try await api.command(.post, "/tribes/makers/applications", as: "bob")
            let fresh = try await api.get("/tribes/makers/feed?after=\(applied.position)", as: "ann")
            let types = (fresh.json["entries"] as? [[String: Any]])?.compactMap { $0["type"] as? String } ?? []
            #expect(types.contains("MemberAdmitted"), "\(types)")
            let limited = try await api.get("/tribes/makers/feed?limit=1", as: "ann")
            #expect((limited.json["entries"] as? [Any])?.count == 1)
        }
    }
}
