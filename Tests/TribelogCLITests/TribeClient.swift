import EventLog
import Foundation
import Testing
@testable import tribelog

/// A client of a `ServeChild` that creates tribes one by one and watches `/health`:
/// what the fault tests send and check.
struct TribeClient {
    let server: ServeChild

    /// One command's answer; `acknowledged` when the server promised it (2xx with a position).
    struct Answer: CustomStringConvertible {
        var status: Int
        var body: String
        var retryAfter: Int?
        var acknowledged: Acknowledged?

        var description: String { "\(status) Retry-After \(retryAfter.map(String.init) ?? "none") \(body)" }
    }

    /// POST /tribes for an open tribe called `tribe`; status 0 when no answer came.
    func create(_ tribe: String, token: String) async -> Answer {
        let body = #"{"id":"\#(tribe)","name":"Tribe \#(tribe)","privacy":"open"}"#
        guard let answer = await server.exchange("POST", "/tribes", json: body, token: token) else {
            return Answer(status: 0, body: "no answer")
        }
        let retryAfter = answer.headers.first { "\($0.key)".lowercased() == "retry-after" }.flatMap { Int("\($0.value)") }
        var result = Answer(status: answer.status, body: answer.body, retryAfter: retryAfter)
        if (200..<300).contains(answer.status),
           let json = try? JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any],
           let position = (json["position"] as? NSNumber)?.uint64Value {
            result.acknowledged = Acknowledged(tribe: tribe, position: position)
        }
        return result
    }

    /// Polls `/health` until every read model follows the log at its head; false on timeout.
    func waitUntilReadModelsCaughtUp(within limit: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if let health = await server.send("GET", "/health"), health.status == 200,
               let json = try? JSONSerialization.jsonObject(with: Data(health.body.utf8)) as? [String: Any],
               let head = (json["head"] as? NSNumber)?.uint64Value,
               let projections = json["projections"] as? [[String: Any]], !projections.isEmpty,
               projections.allSatisfy({ $0["state"] as? String == "following" && ($0["position"] as? NSNumber)?.uint64Value == head
                                        && ($0["lagEvents"] as? NSNumber)?.uint64Value == 0 }) {
                return true
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }
}

extension Acknowledged {
    /// Every acknowledged tribe is in the log of `data` at the position it was answered,
    /// and once: a retried command appended nothing twice.
    static func expectInLog(_ acknowledged: [Acknowledged], data: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        var options = EventStoreOptions()
        options.readOnly = true
        let store = try EventStore.open(directory: URL(fileURLWithPath: data), options: options)
        defer { store.close() }
        for ack in acknowledged {
            let event = try store.read(from: ack.position, limit: 1).first
            #expect(event?.position == ack.position && event?.type == "TribeCreated" && event?.tags.contains("tribe:\(ack.tribe)") == true,
                    "tribe \(ack.tribe) acknowledged at \(ack.position), the log holds \(String(describing: event?.type)) \(event?.tags ?? [])",
                    sourceLocation: sourceLocation)
        }
        let created = try store.read(from: 1, limit: .max).filter { $0.type == "TribeCreated" }.flatMap(\.tags)
        for ack in acknowledged {
            #expect(created.filter { $0 == "tribe:\(ack.tribe)" }.count == 1, "\(ack.tribe)", sourceLocation: sourceLocation)
        }
    }
}
