import EventLog
import Testing

/// verify recomputes the chain over the stored events and names the first changed one.
@Suite(.timeLimit(.minutes(1))) struct VerifyContractTests {
    @Test(arguments: Engine.all) func verifyNamesTheChangedEvent(_ engine: Engine) async throws {
        try await withLog(engine) { t in
            for batch in 0..<2 {
                try await t.log.add((0..<10).map { Fixtures.event(tags: ["batch:\(batch)"], note: "\($0)") }, to: "early")
            }
            // The changed event is in the last append: LMDB writes each of its pages once.
            let last = (0..<10).map { NewEvent(type: "Noise", tags: ["noise"], payload: Fixtures.noise($0)) }
            try await t.log.add(last, to: "late")
            let intact = try await t.log.verifyLog()
            #expect(intact.isIntact, "\(intact)")
            #expect(intact.events == 30 && intact.chainHead.count == 32)

            let tampered: Position = 27
            let changed = try await t.tamper(at: tampered)
            let report = try await changed.verifyLog()
            #expect(!report.isIntact)
            #expect(report.firstBadPosition == tampered)
            #expect(report.problems.first?.contains("position \(tampered)") == true, "\(report.problems)")
            #expect(report.events == tampered - 1, "everything before the changed event checks out")
            if changed !== t.log { await changed.shutdown() }
        }
    }
}
