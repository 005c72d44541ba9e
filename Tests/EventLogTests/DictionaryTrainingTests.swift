import Foundation
import Synchronization
import Testing

@testable import EventLog

/// zstd dictionaries trained from the log while appends keep coming: every record stays
/// readable with the dictionary stored under its id, now and after a reopen.
@Suite struct DictionaryTrainingTests {
    private static func event(_ writer: Int, _ i: Int) -> NewEvent {
        let payload = PayloadValue.object([
            PayloadField(key: "tribe", value: .string("tribe-\(i % 17)")),
            PayloadField(key: "member", value: .string("member-\(writer)-\(i % 101)")),
            PayloadField(key: "message", value: .string("hello from the part-up planning session number \(i)")),
        ])
        return NewEvent(type: "MessagePosted", tags: ["tribe:\(i % 17)"], payload: payload.encoded)
    }

    private static func readAll(_ store: EventStore) throws -> [RecordedEvent] { try store.all() }

    /// Deterministic form of the race: a second training starts before the writer has
    /// installed the first one's dictionary (here: never installs it). It must not hand
    /// out the same id again.
    @Test func trainingsNeverHandOutTheSameIdTwice() async throws {
        var options = Fixtures.options(autoIndex: false)
        options.dictionaryTrainingPoints = []
        try await Fixtures.withStore(options) { store, _ in
            for i in 0..<300 { _ = try await store.append([Self.event(i % 3, i)], to: "s") }
            var trainingOptions = options
            trainingOptions.dictionaryTrainingPoints = [100, 200]
            trainingOptions.dictionarySampleCount = 100
            let training = DictionaryTraining(reader: store.reader, registry: store.codec.dictionaries, options: trainingOptions)
            let delivered = Mutex<[UInt32]>([])
            training.deliver = { dictionary in delivered.withLock { $0.append(dictionary.id) } }
            for _ in 0..<3 {
                training.considerTraining(head: store.head)
                training.wait()
            }
            #expect(delivered.withLock { $0 } == [1, 2])
            #expect(store.codec.dictionaries.nextID == 1, "nothing was installed")
        }
    }

    /// Every commit asks the training whether to start (`considerTraining`). Its state once
    /// was a tuple holding the delivery closure inside a Mutex: each locked access wrapped
    /// the closure in one more reabstraction thunk, so after ~100 000 commits the chain
    /// of thunks overflowed the stack when the store was released (seen at 10 × the demo
    /// size). Many considerations, then a delivery and a release, must stay flat.
    @Test func manyCommitsDoNotNestTheDeliveryClosure() async throws {
        var options = Fixtures.options(autoIndex: false)
        options.dictionaryTrainingPoints = []
        try await Fixtures.withStore(options) { store, _ in
            for i in 0..<120 { _ = try await store.append([Self.event(i % 3, i)], to: "s") }
            var trainingOptions = options
            trainingOptions.dictionaryTrainingPoints = [100]
            trainingOptions.dictionarySampleCount = 100
            let delivered = Mutex<[UInt32]>([])
            var training: DictionaryTraining? = DictionaryTraining(reader: store.reader, registry: store.codec.dictionaries,
                                                                   options: trainingOptions)
            training?.deliver = { dictionary in delivered.withLock { $0.append(dictionary.id) } }
            // Below the training point: each call only looks at the state, as a commit does.
            for head in 0..<400_000 { training?.considerTraining(head: Position(head % 100)) }
            training?.considerTraining(head: store.head)
            training?.wait()
            #expect(delivered.withLock { $0 } == [1])
            training = nil  // released on this task's small stack, as a store's close releases it
        }
    }

    /// Training points close together and many small commits: a training run that starts
    /// before the previous dictionary is installed must not store a second dictionary under
    /// the same id (that overwrote the one records were already compressed with).
    @Test func recordsStayReadableWhileDictionariesAreTrained() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        var options = Fixtures.options(autoIndex: true)
        options.durability = .durable  // slower commits: more of them while a dictionary is pending
        options.dictionaryTrainingPoints = [200, 400, 800, 1_600]
        options.dictionarySampleCount = 200
        var sent: [UUID] = []
        do {
            let store = try EventStore.open(directory: folder.url, options: options)
            defer { store.close() }
            sent = try await withThrowingTaskGroup(of: [UUID].self) { group in
                for writer in 0..<8 {
                    group.addTask {
                        var ids: [UUID] = []
                        for i in 0..<300 {
                            let event = Self.event(writer, i)
                            _ = try await store.append([event], to: "w\(writer)")
                            ids.append(event.id)
                        }
                        return ids
                    }
                }
                return try await group.reduce(into: [UUID]()) { $0 += $1 }
            }
            let stored = try Self.readAll(store)
            #expect(stored.count == 2_400)
            #expect(Set(stored.map(\.id)) == Set(sent))
            #expect(store.codec.dictionaries.nextID > 1, "at least one dictionary was trained")
            let report = try store.verify()
            #expect(report.isIntact, "\(report)")
        }
        var readOnly = Fixtures.options()
        readOnly.readOnly = true
        let store = try EventStore.open(directory: folder.url, options: readOnly)
        defer { store.close() }
        #expect(Set(try Self.readAll(store).map(\.id)) == Set(sent))
        #expect(try store.verify().isIntact)
    }
}
