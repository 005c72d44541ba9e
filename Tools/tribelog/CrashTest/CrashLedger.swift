import EventLog
import Foundation
import Synchronization

/// A command the server answered with 2xx: what the client was promised.
struct Acknowledgement: Codable, Sendable {
    var key: String
    var actor: String
    var method: String
    var path: String
    var status: Int
    var positions: [Position]
    var events: [String]
    var replayed: Bool
    var round: Int
}

/// What the clients were answered, counted for the summary; every acknowledgement is also
/// appended to DIR-acks.ndjson as it arrives (one write per line), so it outlives a crash
/// of the test itself and can be looked at afterwards.
final class CrashLedger: Sendable {
    struct Counts: Sendable {
        var acknowledged: [Acknowledgement] = []
        var replayed = 0
        /// 4xx answers by status and command: the domain (or the server) said no.
        var refused: [String: Int] = [:]
        /// 5xx answers: sent again with the same key.
        var serverErrors: [String: Int] = [:]
        /// Requests without an answer while the server was up (timeouts): sent again.
        var unanswered = 0
    }

    private let counts = Mutex(Counts())
    private let file: FileHandle

    init(path: String) throws {
        if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        file = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        file.seekToEndOfFile()
    }

    deinit { try? file.close() }

    func acknowledge(_ ack: Acknowledgement) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let line = try encoder.encode(ack) + Data("\n".utf8)
        counts.withLock {
            $0.acknowledged.append(ack)
            if ack.replayed { $0.replayed += 1 }
            file.write(line)
        }
    }

    func refused(_ status: Int, _ command: String) { counts.withLock { $0.refused["\(status) \(command)", default: 0] += 1 } }
    func serverError(_ status: Int, _ command: String) { counts.withLock { $0.serverErrors["\(status) \(command)", default: 0] += 1 } }
    func unanswered() { counts.withLock { $0.unanswered += 1 } }

    var snapshot: Counts { counts.withLock { $0 } }
}

/// Checks acknowledgements against the log: each command's events are in it exactly at
/// the positions it was answered with, with the types it named, and nowhere else.
enum AcknowledgementCheck {
    /// One line per acknowledgement the log does not hold as answered (empty: none lost).
    static func lost(_ acknowledged: [Acknowledgement], data: String) throws -> [String] {
        var options = EventStoreOptions()
        options.readOnly = true
        let store = try EventStore.open(directory: URL(fileURLWithPath: data), options: options)
        defer { store.close() }
        // The server makes each command's id "ACTOR METHOD PATH KEY" and records it as the
        // events' correlation id: the key at its end finds the command's events.
        var logged: [String: [(position: Position, type: String)]] = [:]
        var next: Position = 1
        while next <= store.head {
            let events = try store.read(from: next, limit: 8_192)
            guard let last = events.last else { break }
            for event in events {
                guard let key = event.metadata.correlationID.split(separator: " ").last, key.hasPrefix("crash-") else { continue }
                logged[String(key), default: []].append((event.position, event.type))
            }
            next = last.position + 1
        }
        return acknowledged.compactMap { ack in
            let found = logged[ack.key] ?? []
            guard found.map(\.position) != ack.positions || found.map(\.type) != ack.events else { return nil }
            let held = found.isEmpty ? "nothing" : found.map { "\($0.type) at \($0.position)" }.joined(separator: ", ")
            return "\(ack.method) \(ack.path) (key \(ack.key), round \(ack.round)) was answered \(ack.status) with "
                + "\(zip(ack.events, ack.positions).map { "\($0) at \($1)" }.joined(separator: ", ")); the log holds \(held)"
        }
    }
}
