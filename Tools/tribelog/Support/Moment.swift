import ArgumentParser
import EventLog
import Foundation

/// A moment in the log's history as the CLI takes it: a position (`12345`) or a time
/// (`2024-12-31`, `2024-12-31T18:00:00Z`).
enum Moment: ExpressibleByArgument, CustomStringConvertible {
    case position(Position)
    case time(Timestamp)

    init?(argument: String) {
        if let position = Position(argument) {
            self = .position(position)
        } else if let date = Self.parse(argument) {
            self = .time(Timestamp(date))
        } else {
            return nil
        }
    }

    static var defaultCompletionKind: CompletionKind { .default }

    var description: String {
        switch self {
        case .position(let position): "position \(position)"
        case .time(let time): "time \(time.date.formatted(.iso8601))"
        }
    }

    private static func parse(_ text: String) -> Date? {
        let full = ISO8601DateFormatter()
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        // A day alone means its end: "until 2024-12-31" includes that day.
        return full.date(from: text) ?? fractional.date(from: text)
            ?? day.date(from: text).map { $0.addingTimeInterval(86_400 - 0.000_001) }
    }

    /// The first position at or after this moment (past the head when there is none).
    func firstPosition(in store: EventStore) throws -> Position {
        switch self {
        case .position(let position): return max(position, 1)
        case .time(let time): return try Moment.time(Timestamp(microseconds: time.microseconds - 1)).position(in: store) + 1
        }
    }

    /// The last position at or before this moment. Times are found by binary search over
    /// recorded times, which the log keeps in order: the writer stamps appends in commit
    /// order, and imports and the demo append in time order.
    func position(in store: EventStore) throws -> Position {
        switch self {
        case .position(let position):
            return min(position, store.head)
        case .time(let time):
            var (low, high) = (Position(0), store.head)  // answer in low...high
            while low < high {
                let middle = low + (high - low + 1) / 2
                guard let event = try store.read(from: middle, limit: 1).first else { break }
                if event.recordedAt <= time { low = middle } else { high = middle - 1 }
            }
            return low
        }
    }
}
