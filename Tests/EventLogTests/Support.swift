import Foundation
@testable import EventLog

/// A fresh data folder under the system temp directory, removed by `remove()`.
struct TemporaryFolder {
    let url: URL

    init(_ name: String = "log") {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("tribelog-test-\(name)-\(UUID().uuidString)")
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

enum Fixtures {
    static func event(_ type: String = "MemberJoined", tags: [String] = [], note: String = "x") -> NewEvent {
        let payload = PayloadValue.object([PayloadField(key: "note", value: .string(note))])
        return NewEvent(type: type, tags: tags, payload: payload.encoded, metadata: EventMetadata(actor: "member:test"))
    }

    static func options(autoIndex: Bool = true) -> EventStoreOptions {
        var options = EventStoreOptions()
        options.automaticIndexing = autoIndex
        options.durability = .noSync
        return options
    }

    static func withStore<T>(_ options: EventStoreOptions = Fixtures.options(), _ body: (EventStore, URL) async throws -> T) async throws -> T {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let store = try EventStore.open(directory: folder.url, options: options)
        defer { store.close() }
        return try await body(store, folder.url)
    }
}
