import EventLog
import Foundation
import Testing

// Helpers of the contract suite: events, the protocol's append with defaults, a reference
// matcher, waits bounded in time.

enum Fixtures {
    static func event(_ type: String = "MemberJoined", tags: [String] = [], note: String = "x", id: UUID = .v7()) -> NewEvent {
        let payload = PayloadValue.object([PayloadField(key: "note", value: .string(note))])
        return NewEvent(id: id, type: type, tags: tags, payload: payload.encoded, metadata: EventMetadata(actor: "member:test"))
    }

    /// Incompressible bytes: the stored record then holds them as they are (LMDB tampering
    /// finds the record in the file by its bytes).
    static func noise(_ seed: Int, count: Int = 300) -> [UInt8] {
        var state = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 | 1
        return (0..<count).map { _ in
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return UInt8(truncatingIfNeeded: state)
        }
    }
}

extension EventLogStore {
    /// `append` with the defaults `EventStore` has (the protocol has none).
    @discardableResult
    func add(_ events: [NewEvent], to stream: String = "s", expected: ExpectedVersion = .any,
             condition: AppendCondition? = nil) async throws -> AppendResult {
        try await append(events, to: stream, expected: expected, condition: condition)
    }

    /// Every event in the log (tests keep logs small).
    func all() async throws -> [RecordedEvent] {
        var events: [RecordedEvent] = []
        while true {
            let chunk = try await self.events(from: Position(events.count + 1), limit: 1_000)
            if chunk.isEmpty { return events }
            events += chunk
        }
    }
}

extension AppendConflict {
    var conditionMatch: Position? {
        if case .condition(_, let position) = reason { return position }
        return nil
    }

    var actualVersion: UInt64?? {
        if case .streamVersion(_, _, let actual) = reason { return .some(actual) }
        return .none
    }
}

/// The query rules restated independently of both engines: an item matches when the type is
/// one of its types (or it names none) and every one of its tags is present; items are
/// OR-ed; a query without items matches everything.
func referenceMatches(_ query: Query, _ event: RecordedEvent) -> Bool {
    if query.items.isEmpty { return true }
    return query.items.contains { item in
        (item.types.isEmpty || item.types.contains(event.type)) && item.tags.allSatisfy { event.tags.contains($0) }
    }
}

/// Runs `body` on a fresh log of `engine` and removes the log afterwards, also when the
/// body throws.
func withLog(_ engine: Engine, _ body: (TestLog) async throws -> Void) async throws {
    let log = try await engine.open()
    do {
        try await body(log)
    } catch {
        await log.remove()
        throw error
    }
    await log.remove()
}
