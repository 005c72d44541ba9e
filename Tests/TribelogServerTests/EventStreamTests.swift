import AsyncHTTPClient
import EventLog
import Foundation
import NIOCore
import Testing
@testable import TribelogServer

/// One Server-Sent Event as received.
struct ReceivedEvent: Equatable {
    var id: UInt64
    var type: String
    var data: String
}

/// Reads `count` events (or up to an `access-ended` event) from a live stream, then disconnects.
func readEvents(port: Int, path: String, token: String, lastEventID: UInt64? = nil, count: Int,
                timeout: TimeAmount = .seconds(5)) async throws -> [ReceivedEvent] {
    var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
    request.headers.add(name: "Authorization", value: "Bearer \(token)")
    if let lastEventID { request.headers.add(name: "Last-Event-ID", value: String(lastEventID)) }
    let response = try await HTTPClient.shared.execute(request, timeout: timeout)
    guard response.status == .ok else { throw TestFailure("event stream answered \(response.status)") }
    var events: [ReceivedEvent] = []
    var text = ""
    for try await chunk in response.body {
        text += String(buffer: chunk)
        while let end = text.range(of: "\n\n") {
            let block = text[..<end.lowerBound]
            text = String(text[end.upperBound...])
            var event = ReceivedEvent(id: 0, type: "", data: "")
            for line in block.split(separator: "\n") {
                if line.hasPrefix("id: ") { event.id = UInt64(line.dropFirst(4)) ?? 0 }
                if line.hasPrefix("event: ") { event.type = String(line.dropFirst(7)) }
                if line.hasPrefix("data: ") { event.data = String(line.dropFirst(6)) }
            }
            if event.type == "access-ended" { events.append(event); return events }
            if !event.type.isEmpty { events.append(event) }
            if events.count >= count { return events }
        }
    }
    return events
}

@Suite("Server-Sent Events of a tribe", .timeLimit(.minutes(1)))
struct EventStreamTests {
    @Test("delivers the tribe's events in order, live ones too, and resumes after Last-Event-ID")
    func streamAndResume() async throws {
        try await TestServer.run { api in
            try await api.register("ann", "bob", "cat")
            try await api.command(.post, "/tribes", as: "ann", #"{"id":"makers","name":"Makers","privacy":"open"}"#)
            try await api.command(.post, "/tribes", as: "cat", #"{"id":"other","name":"Other","privacy":"open"}"#)
            try await api.command(.post, "/tribes/makers/applications", as: "bob")
            let token = try await api.token("ann")
            let port = api.port
            // Four tribe events exist (TribeCreated, MemberApplied, MemberAdmitted); two more come while reading.
            async let received = readEvents(port: port, path: "/tribes/makers/events", token: token, count: 5)
            try await Task.sleep(for: .milliseconds(300))
            try await api.command(.post, "/tribes/makers/partups", as: "ann", #"{"id":"shed","title":"Shed"}"#)
            try await api.command(.post, "/partups/shed/partners", as: "bob")
            let events = try await received
            #expect(events.map(\.type) == ["TribeCreated", "MemberApplied", "MemberAdmitted", "PartupLaunched", "PartnerJoined"])
            #expect(events.map(\.id) == events.map(\.id).sorted())
            #expect(events.allSatisfy { $0.data.contains(#""tribe:makers""#) })
            #expect(events[0].data.hasPrefix(#"{"position":\#(events[0].id),"#))
            let resumed = try await readEvents(port: port, path: "/tribes/makers/events", token: token, lastEventID: events[2].id, count: 2)
            #expect(resumed == Array(events[3...]))
        }
    }

    @Test("only readers of the tribe; the stream ends when the reader is removed")
    func access() async throws {
        try await TestServer.run { api in
            try await api.register("ann", "bob", "eve")
            try await api.command(.post, "/tribes", as: "ann", #"{"id":"club","name":"Club","privacy":"invite"}"#)
            try await api.command(.post, "/tribes/club/invitations", as: "ann", #"{"member":"bob"}"#)
            let joined = try await api.command(.post, "/tribes/club/applications", as: "bob")
            let outsider = try await api.get("/tribes/club/events?after=\(joined.position)", as: "eve")
            #expect(outsider.status == .forbidden)
            let token = try await api.token("bob")
            let port = api.port
            async let received = readEvents(port: port, path: "/tribes/club/events", token: token, count: 100)
            try await Task.sleep(for: .milliseconds(300))
            try await api.command(.delete, "/tribes/club/members/bob", as: "ann")
            let events = try await received
            #expect(events.suffix(2).map(\.type) == ["MemberRemoved", "access-ended"])
        }
    }
}
