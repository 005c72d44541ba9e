import EventLog
import Foundation
import Testing

/// A log moves between engines through NDJSON without a byte changing: export, import into
/// the other engine (original ids, times and metadata), export again. Both engines chain the
/// same envelopes the same way, so the chain heads agree too.
@Suite(.timeLimit(.minutes(1))) struct ExportImportContractTests {
    @Test(arguments: Engine.all) func exportImportExportAcrossEnginesIsByteIdentical(_ engine: Engine) async throws {
        try await withLog(engine) { source in
            try await Self.writeHistory(to: source.log)
            let first = try await Self.export(source.log)
            let sourceReport = try await source.log.verifyLog()
            #expect(sourceReport.isIntact, "\(sourceReport)")

            try await withLog(engine.other) { target in
                try await Self.importLines(first, into: target.log)
                let second = try await Self.export(target.log)
                #expect(second.count > 5_000)
                #expect(second == first, "export of the import into \(engine.other) differs")
                let targetReport = try await target.log.verifyLog()
                #expect(targetReport.isIntact, "\(targetReport)")
                #expect(targetReport.chainHead == sourceReport.chainHead, "both engines chain the same envelopes alike")

                // And back into the first engine: the same bytes once more.
                try await withLog(engine) { back in
                    try await Self.importLines(second, into: back.log)
                    #expect(try await Self.export(back.log) == first)
                }
                // Importing again stores nothing new: every id is stored.
                try await Self.importLines(first, into: target.log)
                #expect(try await Self.export(target.log) == first)
            }
        }
    }

    /// Every kind of field: metadata with UUID and plain texts, payload values, raw payload
    /// bytes, no payload, names beyond ASCII, times before 1970 and with microseconds.
    static func writeHistory(to log: any EventLogStore) async throws {
        var random = SplitMix64(seed: 99)
        for index in 0..<120 {
            let payload: [UInt8]
            switch index % 4 {
            case 0: payload = PayloadValue.object([
                    PayloadField(key: "name", value: .string("M\u{FC}ller \(index)")),
                    PayloadField(key: "count", value: .int(Int64(index) - 60)),
                    PayloadField(key: "tags", value: .array([.bool(true), .null, .string("\u{1F600}")])),
                ]).encoded
            case 1: payload = Fixtures.noise(index, count: 40)  // not a payload value: exported as $bytes
            case 2: payload = []
            default: payload = PayloadValue.string("line\nbreak \"quoted\"").encoded
            }
            let correlation = index % 3 == 0 ? UUID(uuid: UUID.v7().uuid).uuidString : "corr-\(index)"
            let event = NewEvent(
                type: ["TribeFounded", "MemberJoined", "Caf\u{E9}Opened"][index % 3],
                tags: ["tribe:t\(index % 5)", "member:m\(index % 11)"].shuffled(using: &random),
                payload: payload,
                metadata: EventMetadata(actor: index % 2 == 0 ? "member:m\(index % 11)" : "", correlationID: correlation,
                                        causationID: index % 4 == 0 ? correlation : ""),
                recordedAt: Timestamp(microseconds: Int64(index) * 86_400_000_123 - 1_000_000_000_000_000))
            try await log.add([event], to: "stream-\(index % 9)")
        }
        try await log.add((0..<30).map { Fixtures.event(tags: ["batch:1"], note: "\($0)") }, to: "batch", expected: .noStream)
    }

    static func export(_ log: any EventLogStore) async throws -> [UInt8] {
        var output: [UInt8] = []
        var next: Position = 1
        while true {
            let chunk = try await log.events(from: next, limit: 64)
            guard let last = chunk.last else { return output }
            for event in chunk { event.ndjsonLine(into: &output) }
            next = last.position + 1
        }
    }

    /// As `tribelog import` does: each line's event with its own id, time and metadata,
    /// consecutive lines of one stream in one append, stored ids skipped.
    static func importLines(_ bytes: [UInt8], into log: any EventLogStore) async throws {
        var batch: [NewEvent] = []
        var stream = ""
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            let imported = try Array(line).withUnsafeBytes { try NDJSONLine.parse($0) }
            if try await log.storedPosition(of: imported.event.id) != nil { continue }
            if imported.stream != stream, !batch.isEmpty {
                try await log.add(batch, to: stream)
                batch.removeAll()
            }
            stream = imported.stream
            batch.append(imported.event)
        }
        if !batch.isEmpty { try await log.add(batch, to: stream) }
    }
}
