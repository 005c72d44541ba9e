import Foundation
import Testing

@testable import EventLog

/// `verify` and `tribelog verify`: intact logs pass (also with the index behind), a
/// changed byte on disk is found at its exact position.
@Suite struct VerifyTests {
    private static func noisePayload(_ seed: Int) -> [UInt8] {
        // Incompressible, so the record's middle is the payload itself.
        var state = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 | 1
        return (0..<300).map { _ in
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return UInt8(truncatingIfNeeded: state)
        }
    }

    /// Offsets at which `needle` occurs in `haystack`.
    private static func occurrences(of needle: [UInt8], in haystack: [UInt8]) -> [Int] {
        guard !needle.isEmpty, haystack.count >= needle.count else { return [] }
        var found: [Int] = []
        haystack.withUnsafeBytes { hay in
            needle.withUnsafeBytes { pin in
                for offset in 0...(hay.count - pin.count) where hay[offset] == pin[0] {
                    if memcmp(hay.baseAddress! + offset, pin.baseAddress!, pin.count) == 0 { found.append(offset) }
                }
            }
        }
        return found
    }

    @Test func flippedByteOnDiskIsFoundAtItsPosition() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let tampered: Position = 27
        let record: [UInt8]
        do {
            let store = try EventStore.open(directory: folder.url, options: Fixtures.options(autoIndex: false))
            defer { store.close() }
            for batch in 0..<2 {
                _ = try await store.append((0..<10).map { Fixtures.event(tags: ["batch:\(batch)"], note: "\($0)") }, to: "early")
            }
            try store.indexNow()
            // One append is one write transaction, so each page holding these records is
            // written once: the record's bytes occur in the file exactly once.
            let last = (0..<10).map { NewEvent(type: "Noise", tags: ["noise"], payload: Self.noisePayload($0)) }
            _ = try await store.append(last, to: "late")
            #expect(try store.verify().isIntact)
            record = try #require(try store.storedRecord(at: tampered))
        }

        let dataFile = folder.url.appendingPathComponent("log/data.mdb")
        let offsets = Self.occurrences(of: record, in: Array(try Data(contentsOf: dataFile)))
        try #require(offsets.count == 1, "record \(tampered) found \(offsets.count) times in data.mdb")
        let handle = try FileHandle(forUpdating: dataFile)
        let target = UInt64(offsets[0] + record.count / 2)
        try handle.seek(toOffset: target)
        let original = try #require(try handle.read(upToCount: 1)?.first)
        try handle.seek(toOffset: target)
        try handle.write(contentsOf: [original ^ 0x5A])
        try handle.close()

        var readOnly = Fixtures.options()
        readOnly.readOnly = true
        do {
            let store = try EventStore.open(directory: folder.url, options: readOnly)
            defer { store.close() }
            let report = try store.verify()
            #expect(!report.isIntact)
            #expect(report.firstBadPosition == tampered)
            #expect(report.problems.first?.contains("position \(tampered)") == true, "\(report.problems)")
            #expect(report.events == tampered - 1, "everything before the changed record checks out")
            #expect(try store.read(from: 1, limit: Int(tampered) - 1).count == Int(tampered) - 1)
        }

        let run = try await runChild(try TribelogTool.executable(), ["verify", "--data", folder.url.path])
        #expect(!run.timedOut)
        #expect(run.status != 0)
        #expect(run.stdout.contains("position \(tampered)"), "stdout: \(run.stdout) stderr: \(run.stderr)")

        let json = try await runChild(try TribelogTool.executable(), ["verify", "--data", folder.url.path, "--json"])
        #expect(json.status != 0)
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(object?["first_bad_position"] as? Int == Int(tampered))
        #expect(object?["intact"] as? Bool == false)
    }

    @Test func intactLogWithTheIndexBehindVerifies() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        do {
            var options = Fixtures.options(autoIndex: false)
            options.indexBatchSize = 16  // several index transactions, posting blocks extended
            let store = try EventStore.open(directory: folder.url, options: options)
            defer { store.close() }
            for i in 0..<60 {
                try await store.put(i % 2 == 0 ? "A" : "B", tags: ["tribe:\(i % 3)", "member:\(i % 7)"], stream: "s\(i % 4)")
                if i == 24 { try store.indexNow() }
            }
            try store.indexNow()
            for i in 0..<40 { try await store.put("C", tags: ["tribe:\(i % 3)"], stream: "s\(i % 5)") }

            let report = try store.verify()
            #expect(report.isIntact, "\(report)")
            #expect(report.firstBadPosition == nil)
            #expect(report.events == 100)
            #expect(report.indexedUpTo == 60)
            #expect(report.chainHead.count == 32)
            #expect(report.description.hasPrefix("intact: 100 events"))

            // A reader in another process while this one writes.
            let run = try await runChild(try TribelogTool.executable(), ["verify", "--data", folder.url.path])
            #expect(run.status == 0, "stdout: \(run.stdout) stderr: \(run.stderr)")
            #expect(run.stdout.contains("intact: 100 events"))
        }
        var readOnly = Fixtures.options()
        readOnly.readOnly = true
        let store = try EventStore.open(directory: folder.url, options: readOnly)
        defer { store.close() }
        let report = try store.verify()
        #expect(report.isIntact, "\(report)")
        #expect(report.indexedUpTo == 60)
    }

    @Test func fullyIndexedAndEmptyLogsVerify() async throws {
        try await Fixtures.withStore(Fixtures.options(autoIndex: false)) { store, _ in
            let empty = try store.verify()
            #expect(empty.isIntact)
            #expect(empty.events == 0)
            for i in 0..<30 { try await store.put(tags: ["t:\(i % 4)"], stream: "s\(i % 3)") }
            try store.indexNow()
            let report = try store.verify()
            #expect(report.isIntact, "\(report)")
            #expect(report.indexedUpTo == 30)
        }
    }
}
