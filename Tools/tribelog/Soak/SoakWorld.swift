import EventLog
import Foundation
import Synchronization

/// What the soak's clients share: the members they act as and their tokens, the tribes
/// and part-ups the writers made, and the positions the writers were answered with (for
/// the readers' `?after=`).
final class SoakWorld: Sendable {
    /// `http://127.0.0.1:PORT` and its port.
    let base: String
    let port: Int
    /// The run's id, in every id and Idempotency-Key it makes.
    let run: String
    /// Tribes every writer's members join and launch part-ups in, so that their event
    /// streams grow long: a reader that connects catches up on many events.
    let hotTribes: [String]
    /// Member ids and tokens: [0] founds the hot tribes; writer w acts as 1 + 2w and 2 + 2w;
    /// the rest only read.
    let members: [String]
    let tokens: [String]

    private struct Made {
        var tribes: [String] = []
        var positions: [Position] = []
    }

    private let made = Mutex(Made())

    init(base: String, port: Int, run: String, hotTribes: [String], members: [String], tokens: [String]) {
        self.base = base
        self.port = port
        self.run = run
        self.hotTribes = hotTribes
        self.members = members
        self.tokens = tokens
    }

    /// A tribe a writer created (the newest 256 are kept).
    func addTribe(_ tribe: String) {
        made.withLock {
            $0.tribes.append(tribe)
            if $0.tribes.count > 512 { $0.tribes.removeFirst(256) }
        }
    }

    /// A position a command was answered with (the newest 64 are kept).
    func addPosition(_ position: Position) {
        made.withLock {
            $0.positions.append(position)
            if $0.positions.count > 128 { $0.positions.removeFirst(64) }
        }
    }

    /// A tribe to read or subscribe to: a hot one `hotShare` percent of the time.
    func tribe(hotShare: Int = 40) -> String {
        let tribes = made.withLock { $0.tribes }
        if tribes.isEmpty || Int.random(in: 0..<100) < hotShare { return hotTribes.randomElement()! }
        return tribes.randomElement()!
    }

    /// A position some command was answered with lately, or nil before the first.
    func recentPosition() -> Position? { made.withLock { $0.positions.randomElement() } }

    /// Any member's index.
    func anyMember() -> Int { Int.random(in: 0..<members.count) }
}
