import EventLog
import Foundation
import HTTPTypes
import Testing
@testable import TribelogServer

/// One bad request and what the answer must be: a 4xx (the given one when set) whose
/// JSON error names `field` when the fault is in one field.
struct BadRequestCase: CustomStringConvertible, Sendable {
    var method: HTTPRequest.Method
    var path: String
    var body: String
    var status: Int?
    var field: String?

    init(_ method: HTTPRequest.Method, _ path: String, _ body: String, _ status: Int? = nil, field: String? = nil) {
        (self.method, self.path, self.body, self.status, self.field) = (method, path, body, status, field)
    }

    var description: String { "\(method) \(path) \(body.prefix(80))" }
}

enum BadBodies {
    static let long = String(repeating: "x", count: 10_000)
    static let overLimit = String(repeating: "x", count: 70_000)
    static let manySkills = (1...1_000).map { "\"skill-\($0)\"" }.joined(separator: ",")
    static let longID = String(repeating: "m", count: 200)

    /// For POST /tribes: every kind of fault.
    static let createTribe: [BadRequestCase] = [
        .init(.post, "/tribes", #"{"name": "#, 400),
        .init(.post, "/tribes", "", 400),
        .init(.post, "/tribes", "[]", 400),
        .init(.post, "/tribes", #"{"name":42,"privacy":"open"}"#, 400, field: "name"),
        .init(.post, "/tribes", #"{"name":null,"privacy":"open"}"#, 400, field: "name"),
        .init(.post, "/tribes", #"{"name":"Makers"}"#, 400, field: "privacy"),
        .init(.post, "/tribes", #"{"name":"Makers","privacy":"secret"}"#, 422, field: "privacy"),
        .init(.post, "/tribes", #"{"name":"Makers","privacy":"open","onlyAdminsLaunch":"yes"}"#, 400, field: "onlyAdminsLaunch"),
        .init(.post, "/tribes", #"{"name":"\#(long)","privacy":"open"}"#, 422, field: "name"),
        .init(.post, "/tribes", #"{"name":"Makers","privacy":"open","rules":"\#(long)\#(long)"}"#, 422, field: "rules"),
        .init(.post, "/tribes", #"{"id":"a b","name":"Makers","privacy":"open"}"#, 422, field: "id"),
        .init(.post, "/tribes", #"{"id":"a:b","name":"Makers","privacy":"open"}"#, 422, field: "id"),
        .init(.post, "/tribes", #"{"id":"\#(longID)","name":"Makers","privacy":"open"}"#, 422, field: "id"),
        .init(.post, "/tribes", #"{"name":"\#(overLimit)","privacy":"open"}"#, 413),
    ]

    /// The other command routes, a few faults each.
    static let otherCommands: [BadRequestCase] = [
        .init(.post, "/members", #"{"id":"ok"#, 400),
        .init(.post, "/members", #"{"id":"zed"}"#, 400, field: "name"),
        .init(.post, "/members", #"{"id":"z e d","name":"Zed"}"#, 422, field: "id"),
        .init(.post, "/members", #"{"name":"\#(long)"}"#, 422, field: "name"),
        .init(.post, "/members", #"{"name":"\#(overLimit)"}"#, 413),
        .init(.put, "/members/me/profile", #"{"skills":"carpentry"}"#, 400, field: "skills"),
        .init(.put, "/members/me/profile", #"{"skills":[1,2]}"#, 400, field: "skills[0]"),
        .init(.put, "/members/me/profile", #"{"skills":[\#(manySkills)]}"#, 422, field: "skills"),
        .init(.put, "/members/me/profile", #"{"regions":["\#(long)"]}"#, 422, field: "regions"),
        .init(.put, "/members/me/profile", "{}", 400),
        .init(.post, "/members/me/notifications/read", #"{"upTo":"ten"}"#, 400, field: "upTo"),
        .init(.post, "/members/me/notifications/read", #"{"upTo":-1}"#, 400, field: "upTo"),
        .init(.put, "/tribes/makers/privacy", #"{"privacy":"secret"}"#, 422, field: "privacy"),
        .init(.put, "/tribes/makers/privacy", #"{"privacy":["open"]}"#, 400, field: "privacy"),
        .init(.put, "/tribes/makers/rules", #"{"rules":"\#(long)\#(long)"}"#, 422, field: "rules"),
        .init(.put, "/tribes/makers/rules", #"{"rules":"ok","onlyAdminsLaunch":"no"}"#, 400, field: "onlyAdminsLaunch"),
        .init(.post, "/tribes/makers/applications", #"{"motivation":5}"#, 400, field: "motivation"),
        .init(.post, "/tribes/makers/invitations", #"{"member":"a b"}"#, 422, field: "member"),
        .init(.post, "/tribes/makers/invitations", #"{"member":"a:b"}"#, 422, field: "member"),
        .init(.post, "/tribes/makers/invitations", #"{"member":"\#(longID)"}"#, 422, field: "member"),
        .init(.post, "/tribes/makers/members", "{}", 400, field: "member"),
        .init(.post, "/tribes/makers/rejections", #"{"member":42}"#, 400, field: "member"),
        .init(.post, "/tribes/makers/partups", #"{"goal":"no title"}"#, 400, field: "title"),
        .init(.post, "/tribes/makers/partups", #"{"title":"Kiln","privacy":"secret"}"#, 422, field: "privacy"),
        .init(.post, "/tribes/makers/partups", #"{"title":"Kiln","wantedSkills":[\#(manySkills)]}"#, 422, field: "skills"),
        .init(.post, "/tribes/makers/partups", #"{"title":"\#(long)"}"#, 422, field: "title"),
        .init(.post, "/tribes/makers/partups", #"{"title":"Kiln","endDate":"tomorrow"}"#, 422, field: "endDate"),
        .init(.post, "/tribes/makers/partups", #"{"id":"x:y","title":"Kiln"}"#, 422, field: "id"),
        .init(.post, "/tribes/makers/partups", #"{"title":"\#(overLimit)"}"#, 413),
        .init(.patch, "/partups/shed", #"{"privacy":"secret"}"#, 422, field: "privacy"),
        .init(.patch, "/partups/shed", #"{"wantedSkills":[true]}"#, 400, field: "wantedSkills[0]"),
        .init(.patch, "/partups/shed", "{}", 422),
        .init(.post, "/partups/shed/dissolution", #"{"outcome":"maybe"}"#, 422, field: "outcome"),
        .init(.post, "/partups/shed/dissolution", #"{"note":"why"}"#, 400, field: "outcome"),
        .init(.post, "/partups/shed/dissolution", #"{"outcome":5}"#, 400, field: "outcome"),
        .init(.post, "/partups/shed/dissolution", #"{"outcome":"completed","note":"\#(long)\#(long)"}"#, 422, field: "note"),
        .init(.post, "/tribes/a%20b/applications", "{}", 404),
        .init(.post, "/tribes/a:b/applications", "{}", 404),
        .init(.post, "/tribes/\(longID)/applications", "{}", 404),
        .init(.put, "/tribes/makers/admins/\(longID)", "", 404),
    ]
}

@Suite("Malformed bodies against a live server", .timeLimit(.minutes(1)))
struct MalformedBodyTests {
    @Test("each bad request is a 4xx JSON error naming its field, and the log does not move")
    func table() async throws {
        try await TestServer.run({ $0.registrationsPerMinute = 1_000 }) { api in
            try await api.register("ann")
            try await api.command(.post, "/tribes", as: "ann", #"{"id":"makers","name":"Makers","privacy":"open"}"#)
            try await api.command(.post, "/tribes/makers/partups", as: "ann", #"{"id":"shed","title":"Shed"}"#)
            let head = try await api.get("/health").json["head"] as? NSNumber
            #expect(head?.uint64Value == api.head)
            for bad in BadBodies.createTribe + BadBodies.otherCommands {
                let answer = try await api.request(bad.method, bad.path, as: "ann", json: bad.body)
                #expect((400..<500).contains(answer.status.code), "\(bad): \(answer.status) \(answer.text.prefix(300))")
                if let status = bad.status { #expect(answer.status.code == status, "\(bad): \(answer.text.prefix(300))") }
                #expect(answer.errorCode?.isEmpty == false && !answer.errorMessage.isEmpty, "\(bad): \(answer.text.prefix(300))")
                if let field = bad.field { #expect(answer.errorMessage.contains(field), "\(bad): \(answer.errorMessage)") }
            }
            let after = try await api.get("/health").json["head"] as? NSNumber
            #expect(after == head, "the log moved during the table of bad requests")
        }
    }
}
