/// Catch-up then live: reads stored events in chunks by position, and when it has
/// reached the head, waits for the next commit. Reading by position is what makes it
/// gapless and duplicate-free across the switch from catch-up to live.
public struct EventSubscription: AsyncSequence, Sendable {
    public typealias Element = RecordedEvent

    let store: EventStore
    let next: Position

    public func makeAsyncIterator() -> Iterator {
        Iterator(store: store, next: next)
    }

    public struct Iterator: AsyncIteratorProtocol {
        let store: EventStore
        var next: Position
        var buffer: [RecordedEvent] = []
        var index = 0

        public mutating func next() async throws -> RecordedEvent? {
            while index == buffer.count {
                try Task.checkCancellation()
                buffer = try store.read(from: next, limit: 512)
                index = 0
                if buffer.isEmpty {
                    guard await store.notifier.wait(after: next - 1) else { return nil }
                }
            }
            let event = buffer[index]
            index += 1
            next = event.position + 1
            return event
        }
    }
}
