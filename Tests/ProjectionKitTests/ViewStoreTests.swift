import EventLog
import Foundation
import Logging
import Testing

@testable import ProjectionKit

@Suite struct ViewStoreTests {
    private func withViews(_ body: (ViewStore, ViewDatabase) throws -> Void) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tribelog-views-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: url) }
        let views = try ViewStore.open(directory: url, logger: Logger(label: "test"))
        let database = try #require(try views.database("feed@1", create: true))
        try body(views, database)
    }

    /// Keys of feed entries for tribe `t`, newest first, as a tribe feed lays them out.
    private func feedKey(_ tribe: String, _ position: UInt64) -> ModelKey {
        ModelKey("feed").with(tribe).with(descending: position)
    }

    @Test func scansPageThroughOnePrefixInBothDirections() throws {
        try withViews { views, database in
            try views.write { txn in
                for tribe in ["t1", "t10", "t2"] {
                    for position in [5, 9, 12, 300] as [UInt64] { try txn.put(database, feedKey(tribe, position).bytes, [UInt8(position % 256)]) }
                }
            }
            func page(_ tribe: String, from start: [UInt8]?, reverse: Bool = false, limit: Int) throws -> [UInt64] {
                try views.read { txn in
                    var found: [UInt64] = []
                    try txn.scan(database, prefix: ModelKey("feed").with(tribe).bytes, from: start, reverse: reverse) { key, _ in
                        found.append(UInt64.max - ModelKey.number(in: key, at: key.count - 8)!)
                        return found.count < limit
                    }
                    return found
                }
            }
            // "t1" must not see "t10": parts end with 0x00.
            #expect(try page("t1", from: nil, limit: 10) == [300, 12, 9, 5])
            #expect(try page("t1", from: feedKey("t1", 12).bytes, limit: 2) == [12, 9])
            #expect(try page("t1", from: nil, reverse: true, limit: 3) == [5, 9, 12])
            #expect(try page("t10", from: feedKey("t10", 9).bytes, reverse: true, limit: 10) == [9, 12, 300])
            #expect(try page("t3", from: nil, limit: 10).isEmpty)
        }
    }

    @Test func aReverseScanStartsBelowAKeyThatEqualsItsPrefixsUpperBound() throws {
        try withViews { views, database in
            // "a" 0x01 is the smallest key past every key of the prefix "a" 0x00.
            try views.write { txn in
                for key: [UInt8] in [[0x61, 0x00, 0x78], [0x61, 0x00, 0x79], [0x61, 0x01]] { try txn.put(database, key, [1]) }
            }
            let found = try views.read { txn in
                var keys: [[UInt8]] = []
                try txn.scan(database, prefix: [0x61, 0x00], reverse: true) { key, _ in keys.append(Array(key)); return true }
                return keys
            }
            #expect(found == [[0x61, 0x00, 0x79], [0x61, 0x00, 0x78]])
        }
    }

    @Test func aDroppedDatabaseIsGoneAndCanBeMadeAgain() throws {
        try withViews { views, database in
            try views.write { try $0.put(database, [1], [1]) }
            try views.write { try $0.drop(database) }
            #expect(try views.database("feed@1", create: false) == nil)
            let again = try #require(try views.database("feed@1", create: true))
            #expect(try views.read { try $0.count(again) } == 0)
        }
    }

    @Test func modelWriterReadsItsOwnPendingChangesAndWritesThemInKeyOrder() throws {
        try withViews { views, database in
            try views.write { txn in
                let model = ModelWriter(transaction: txn, database: database)
                for n in (0..<100).reversed() { model.put(ModelKey("n").with(UInt64(n)), [UInt8(n)]) }
                model.delete(ModelKey("n").with(UInt64(7)))
                #expect(try model.get(ModelKey("n").with(UInt64(8))) == [8])
                #expect(try model.get(ModelKey("n").with(UInt64(7))) == nil)
                try model.flush()  // into an empty database: a bulk load with MDB_APPEND
                model.put(ModelKey("n").with(UInt64(3)), [33])
                model.delete(ModelKey("n").with(UInt64(4)))
                try model.flush()  // into a filled one: ordinary puts and deletes
            }
            let stored = try views.read { txn in
                var values: [UInt8] = []
                try txn.scan(database, prefix: ModelKey("n").bytes) { _, value in values.append(value[0]); return true }
                return values
            }
            let expected: [UInt8] = (0..<100).filter { $0 != 7 && $0 != 4 }.map { n in n == 3 ? 33 : UInt8(n) }
            #expect(stored == expected)
        }
    }

    @Test func projectionNamesAreCheckedAndUnique() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        #expect(throws: ProjectionError.self) { try scratch.host([CountingProjection(name: "Feeds/1")]) }
        #expect(throws: ProjectionError.self) { try scratch.host([CountingProjection(), CountingProjection()]) }
        let host = try scratch.host([CountingProjection()])
        #expect(throws: ProjectionError.self) { try host.read("nope") { _ in 0 } }
        #expect(throws: ProjectionError.self) { try host.rebuild(["nope"]) }
    }
}
