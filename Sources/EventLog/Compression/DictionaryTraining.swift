import Foundation
import Logging
import Synchronization

/// Trains zstd dictionaries from the log's own latest events when it reaches the sizes
/// in `dictionaryTrainingPoints`, off the append path; the writer stores each new one
/// with its next batch and only then do new records use it.
final class DictionaryTraining: Sendable {
    private let reader: LogReader
    private let registry: DictionaryRegistry
    private let points: [Position]
    private let sampleCount: Int
    private let logger: Logger
    /// A struct, not a tuple: a closure inside a tuple inside the generic Mutex is stored
    /// at the Mutex's abstraction, and every `inout` access (each commit asks
    /// `considerTraining`) wrapped `deliver` in one more reabstraction thunk, until
    /// releasing the chain overflowed the stack. A nominal type's fields are not reabstracted.
    private struct State {
        var busy = false
        /// Counts the dictionaries stored or on their way to the writer: it, not the
        /// registry (which learns of a dictionary only after its commit), decides the next
        /// id, so two trainings can never hand out the same id.
        var trained: Int
        var deliver: (@Sendable (CompressionDictionary) -> Void)?
    }

    private let state: Mutex<State>
    private let idle = DispatchGroup()

    init(reader: LogReader, registry: DictionaryRegistry, options: EventStoreOptions) {
        self.reader = reader
        self.registry = registry
        self.points = options.dictionaryTrainingPoints.sorted()
        self.sampleCount = options.dictionarySampleCount
        self.logger = options.logger
        self.state = Mutex(State(trained: Int(registry.nextID) - 1))
    }

    var deliver: (@Sendable (CompressionDictionary) -> Void)? {
        get { state.withLock { $0.deliver } }
        set { state.withLock { $0.deliver = newValue } }
    }

    /// Starts a training run if the log has passed the next training point.
    func considerTraining(head: Position) {
        let next = state.withLock { s -> Int? in
            guard !s.busy, s.trained < points.count, head >= points[s.trained] else { return nil }
            s.busy = true
            return s.trained + 1
        }
        guard let next else { return }
        idle.enter()
        DispatchQueue.global(qos: .utility).async { [self] in
            defer {
                state.withLock { $0.busy = false }
                idle.leave()
            }
            do {
                let dictionary = try train(upTo: head, id: UInt32(next))
                state.withLock { $0.trained = next }
                deliver?(dictionary)
                logger.info("trained compression dictionary", metadata: ["id": "\(dictionary.id)", "events": "\(head)"])
            } catch {
                logger.warning("dictionary training skipped", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Waits for a running training to finish (on close).
    func wait() { idle.wait() }

    private func train(upTo head: Position, id: UInt32) throws -> CompressionDictionary {
        let first = head > Position(sampleCount) ? head - Position(sampleCount) + 1 : 1
        var samples: [[UInt8]] = []
        samples.reserveCapacity(sampleCount)
        try reader.env.read { txn in
            try txn.withCursor(reader.databases.events) { cursor in
                var entry = try cursor.seek(atLeast: BigEndian.bytes(first))
                while let (key, value) = entry {
                    let position = try LogReader.position(key)
                    if position > head { break }
                    let record = try StoredRecord.parse(value)
                    samples.append(try reader.codec.withBody(of: record, position: position) { Array($0) })
                    entry = try cursor.next()
                }
            }
        }
        return try CompressionDictionary(id: id, bytes: try DictionaryTrainer.train(samples: samples))
    }
}
